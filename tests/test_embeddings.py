"""Tests for retold.embeddings: both encoders, fully offline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retold.embeddings import (
    StaticEncoder,
    TransformerEncoder,
    default_static_model_dir,
    default_tokenizer_path,
)

Encoder = TransformerEncoder | StaticEncoder

SENTENCES = [
    "The central bank raised interest rates by a quarter point on Wednesday.",
    "Firefighters battled the blaze for six hours before bringing it under control.",
    "",
    "Héllo wörld — naïve café 東京 🚀",
    "Short.",
]

ORIGINAL = "Police evacuated the shopping centre after a suspicious package was found."
SPUN = "Officers cleared the shopping mall after a suspect parcel was discovered."
UNRELATED = "The recipe needs two eggs, a cup of sugar and a pinch of salt."

# (anchor, closer, farther): both encoders must rank `closer` above `farther`.
TRIPLES = [
    (
        "The company reported a sharp drop in quarterly profits.",
        "The firm posted a steep fall in its quarterly earnings.",
        "The company will open a new office in Berlin next spring.",
    ),
    (
        "Heavy rain caused flooding across the northern region on Monday.",
        "Torrential downpours flooded large parts of the north on Monday.",
        "The striker scored twice as the visitors won the cup final.",
    ),
    (
        "Scientists discovered a new species of frog in the rainforest.",
        "Researchers found a previously unknown frog species in the rainforest.",
        "Voters head to the polls on Sunday in a tightly contested election.",
    ),
    (
        "The minister resigned after the corruption scandal became public.",
        "The minister stepped down once the bribery scandal was revealed.",
        "The minister visited a school in the capital on Friday.",
    ),
]


@pytest.fixture(scope="module")
def transformer() -> TransformerEncoder:
    return TransformerEncoder()


@pytest.fixture(scope="module")
def static() -> StaticEncoder:
    return StaticEncoder()


@pytest.fixture(params=["transformer", "static"])
def encoder(request: pytest.FixtureRequest) -> Encoder:
    enc: Encoder = request.getfixturevalue(request.param)
    return enc


def _dim(enc: Encoder) -> int:
    return 384 if isinstance(enc, TransformerEncoder) else 256


def test_shipped_files_exist() -> None:
    assert default_tokenizer_path().is_file()
    assert (default_static_model_dir() / "model.safetensors").is_file()


def test_shape_dtype_and_unit_norm(encoder: Encoder) -> None:
    vecs = encoder.encode(SENTENCES)
    assert vecs.shape == (len(SENTENCES), _dim(encoder))
    assert vecs.dtype == np.float32
    norms = np.linalg.norm(vecs, axis=1)
    # The empty string has no tokens for the static model and legitimately embeds to 0.
    nonzero = norms > 0
    assert nonzero.sum() >= len(SENTENCES) - 1
    np.testing.assert_allclose(norms[nonzero], 1.0, atol=1e-5)


def test_empty_input(encoder: Encoder) -> None:
    vecs = encoder.encode([])
    assert vecs.shape == (0, _dim(encoder))
    assert vecs.dtype == np.float32


def test_bare_string_rejected(encoder: Encoder) -> None:
    with pytest.raises(TypeError):
        encoder.encode("a single string")  # type: ignore[arg-type]


def test_deterministic_and_order_independent(encoder: Encoder) -> None:
    forward = encoder.encode(SENTENCES)
    backward = encoder.encode(SENTENCES[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-5)


def test_spun_pair_beats_unrelated(encoder: Encoder) -> None:
    a, b, c = encoder.encode([ORIGINAL, SPUN, UNRELATED])
    assert float(a @ b) > float(a @ c) + 0.3


def test_transformer_batch_size_does_not_matter(transformer: TransformerEncoder) -> None:
    one = transformer.encode(SENTENCES, batch_size=1)
    many = transformer.encode(SENTENCES, batch_size=64)
    np.testing.assert_allclose(one, many, atol=1e-4)


def test_transformer_truncates_at_256_tokens(transformer: TransformerEncoder) -> None:
    long = " ".join(["The committee reviewed the budget proposal in detail."] * 60)
    base, extended = transformer.encode([long, long + " Completely different words at the end."])
    # Everything past the 256th token is dropped, as in sentence-transformers.
    assert float(base @ extended) == pytest.approx(1.0, abs=1e-5)


def test_transformer_matches_known_similarities(transformer: TransformerEncoder) -> None:
    # Reference cosines from sentence-transformers all-MiniLM-L6-v2 (float32 torch); the
    # int8 ONNX model agreed within 0.006 on these, 0.02 leaves room for CPU differences.
    pairs = [
        (
            "The minister resigned after the scandal became public.",
            "Following public revelation of the scandal, the minister stepped down.",
            0.8368,
        ),
        (
            "Heavy rain caused flooding across the northern region.",
            "The stock market closed higher after a volatile session.",
            0.0466,
        ),
        (
            "Voters head to the polls on Sunday in a tightly contested election.",
            "The election on Sunday is expected to be close.",
            0.5600,
        ),
    ]
    for a, b, expected in pairs:
        va, vb = transformer.encode([a, b])
        assert float(va @ vb) == pytest.approx(expected, abs=0.02)


def test_encoders_agree_on_ordering(transformer: TransformerEncoder, static: StaticEncoder) -> None:
    flat = [s for triple in TRIPLES for s in triple]
    for enc in (transformer, static):
        v = enc.encode(flat).reshape(len(TRIPLES), 3, -1)
        for i, (anchor, closer, farther) in enumerate(v):
            assert float(anchor @ closer) > float(anchor @ farther), (type(enc).__name__, i)


def test_static_missing_model_fails_locally(tmp_path: Path) -> None:
    # A path that does not exist must not be mistaken for a Hub repo id.
    enc = StaticEncoder(tmp_path / "no-such-model")
    with pytest.raises(FileNotFoundError):
        enc.encode(["anything"])


def test_construction_is_cheap() -> None:
    # Nothing is read until the first encode, so a bad path only fails there.
    enc = TransformerEncoder(tokenizer_path="/nonexistent/tokenizer.json")
    with pytest.raises(Exception, match=r"nonexistent|No such file|os error"):
        enc.encode(["x"])


def test_static_pooling_equals_model2vec_bitwise(static: StaticEncoder) -> None:
    texts = [
        "The council approved the new budget on Tuesday.",
        "Officials said 2% of the 1,200 homes were flooded; no one was hurt.",
        "",
        "   ",
        "??? !!!",
        "Ünïcödé façade, naïve café: Zürich's mayor spoke.",
        "word " * 900,  # past the 512-token truncation
        "x" * 5000,  # past model2vec's character cut
        "Overnight the freshly appointed leader met the ex-president.",
    ] * 3
    model = static._load()
    expected = model.encode(texts, batch_size=4, use_multiprocessing=False)
    pooled = np.concatenate([static._mean_pool(model, texts[s : s + 4])
                             for s in range(0, len(texts), 4)])
    assert pooled.dtype == expected.dtype
    assert np.array_equal(pooled, expected)
    assert np.array_equal(static.encode(texts, batch_size=5), static.encode(texts))
