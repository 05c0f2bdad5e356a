"""The cached WordPiece path gives the tokenizer's own ids, sentence by sentence."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retold.embeddings import StaticEncoder
from retold.wordpiece import CachedWordPiece

TRICKY = [
    "",
    "   \t\n ",
    "Japan’s new leader met “Trump” — briefly… (again).",
    "Café owners in São Paulo and Zürich, naïve façades.",
    "İstanbul and Straße and ﬁnance and Ωmega",
    "東京 Tokyo 2025年",
    "It cost €5, 5°C outside, ©2024 and 10\u00a0000 people.",
    "foo_bar snake_case __init__",
    "null\x00byte, unit\x1cseparator, vertical\x0btab, del\x7f, nel\x85",
    "zero\u200bwidth and line\u2028separator and bom\ufeff",
    "emoji 🙂 and replacement \ufffd char",
    "a" * 150 + " long word",
    "Москва и Київ; Αθήνα",
    "U.S. $1.2bn deal at 9:30 a.m. on 3/4/2025 (+12.5%)!",
    " ".join(["word"] * 700),
]


@pytest.fixture(scope="module")
def model() -> Any:
    return StaticEncoder()._load()


@pytest.fixture(scope="module")
def reference(model: Any) -> Any:
    return type(model).tokenize.__get__(model)  # model2vec's own, unpatched


def test_tricky_sentences_match_the_tokenizer(model: Any, reference: Any) -> None:
    cached = CachedWordPiece(model.tokenizer, model.unk_token_id, reference)
    assert cached.tokenize(TRICKY) == reference(TRICKY)
    assert cached.tokenize(TRICKY) == reference(TRICKY)  # again, from the cache


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=80), max_size=6))
def test_random_text_matches_the_tokenizer(model: Any, reference: Any,
                                           texts: list[str]) -> None:
    cached = CachedWordPiece(model.tokenizer, model.unk_token_id, reference)
    assert cached.tokenize(texts) == reference(texts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="latin-1"), max_size=60), max_size=6))
def test_random_latin_text_matches_the_tokenizer(model: Any, reference: Any,
                                                 texts: list[str]) -> None:
    cached = CachedWordPiece(model.tokenizer, model.unk_token_id, reference)
    assert cached.tokenize(texts) == reference(texts)


def test_encoder_uses_the_cache_and_embeds_the_same(reference: Any) -> None:
    fast = StaticEncoder()
    slow = StaticEncoder()
    m = slow._load()
    m.tokenize = type(m).tokenize.__get__(m)
    texts = [t for t in TRICKY if t.strip()]
    np.testing.assert_array_equal(fast.encode(texts), slow.encode(texts))


def test_cache_is_bounded(model: Any, reference: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import retold.wordpiece as wp

    monkeypatch.setattr(wp, "MAX_CACHED_WORDS", 3)
    cached = CachedWordPiece(model.tokenizer, model.unk_token_id, reference)
    text = ["one two three four five six seven"]
    assert cached.tokenize(text) == reference(text)
    assert len(cached._ids) <= 3
