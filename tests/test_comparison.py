"""``retold compare``: the JSON contract, side-by-side rows, Rich output, CLI input handling."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from retold.api import Comparison, Index, compare, document_from_text
from retold.changes import pair_drift
from retold.cli import app
from retold.comparison import (
    ALIGNED,
    INSERTED,
    OMITTED,
    alignment_dict,
    comparison_json,
    flip_alignment,
    pair_rows,
    render_comparison,
)
from retold.readers import read_paths
from retold.text import normalize

ORIGINAL = """Harbour council approves new ferry terminal

The Ostmere harbour council voted on Tuesday to build a new ferry terminal on the east quay.
Mayor Lena Varga said the terminal would cost 42 million euros and open in 2027.
Construction will begin in the spring after a final environmental review.
The old terminal, built in 1961, handles about 800,000 passengers a year.
Local fishermen have raised concerns about noise during the works.
"""

# A light spin: a title and a number changed, one sentence dropped, one appended.
REWRITE = """Harbour council approves new ferry terminal

The Ostmere harbour council voted on Tuesday to build a new ferry terminal on the east quay.
Former mayor Lena Varga said the terminal would cost 58 million euros and open in 2027.
Construction will begin in the spring after a final environmental review.
The old terminal, built in 1961, handles about 800,000 passengers a year.
Subscribe to our newsletter for more local news delivered every single morning.
"""

LEVELS = {"identical", "minor", "paraphrase"}
DRIFT_TYPES = {"entity", "title", "number", "date", "quote", "negation", "hedge", "inserted",
               "omitted"}

runner = CliRunner()


@pytest.fixture(scope="module")
def pair(static_encoder: Any) -> Comparison:
    a = document_from_text(ORIGINAL, "orig")
    b = document_from_text(REWRITE, "spin")
    return compare(a, b, encoder=static_encoder)


def _span_text(text: str, span: list[int] | tuple[int, int]) -> str:
    return text[span[0] : span[1]]


def check_contract(data: dict[str, Any], a_text: str, b_text: str) -> None:
    """``retold compare --json`` as DESIGN.md states it, spans inside both texts."""
    assert set(data) == {"a", "b", "relation", "scores", "alignment", "drift"}
    assert isinstance(data["a"], str) and isinstance(data["b"], str)
    assert data["relation"] is None or isinstance(data["relation"], str)
    assert all(isinstance(v, int | float | str) for v in data["scores"].values())
    for span in data["alignment"]:
        assert set(span) == {"a_span", "b_span", "level"}
        assert span["level"] in LEVELS
        for key, text in (("a_span", a_text), ("b_span", b_text)):
            start, end = span[key]
            assert isinstance(start, int) and isinstance(end, int)
            assert 0 <= start < end <= len(text)
    for item in data["drift"]:
        assert set(item) == {"type", "a_text", "b_text", "a_span", "b_span", "detail"}
        assert item["type"] in DRIFT_TYPES
        assert isinstance(item["detail"], str)
        for side, text in (("a", a_text), ("b", b_text)):
            span, said = item[f"{side}_span"], item[f"{side}_text"]
            if span is None:
                assert said is None
            else:
                assert _span_text(text, span) == said
        if item["type"] == "inserted":
            assert item["a_text"] is None and item["b_text"]
        if item["type"] == "omitted":
            assert item["b_text"] is None and item["a_text"]


# --- library ------------------------------------------------------------------------------


def test_json_contract_and_spans(pair: Comparison) -> None:
    data = comparison_json(pair)
    assert json.loads(json.dumps(data)) == data  # plain JSON types only
    check_contract(data, pair.a.text, pair.b.text)
    assert (data["a"], data["b"]) == ("orig", "spin")
    assert data["relation"] in {"copy", "rewrite"}
    by_text = {_span_text(pair.a.text, s["a_span"]): s for s in data["alignment"]}
    changed = next(s for t, s in by_text.items() if t.startswith("Mayor Lena Varga"))
    assert _span_text(pair.b.text, changed["b_span"]).startswith("Former mayor Lena Varga")
    assert changed["level"] == "minor"
    same = by_text["Construction will begin in the spring after a final environmental review."]
    assert same["level"] == "identical"
    assert _span_text(pair.b.text, same["b_span"]) == _span_text(pair.a.text, same["a_span"])


def test_drift_items_for_changed_number_and_title(pair: Comparison) -> None:
    drift = comparison_json(pair)["drift"]
    numbers = [d for d in drift if d["type"] == "number"]
    assert any("42" in d["a_text"] and "58" in d["b_text"] for d in numbers)
    titles = [d for d in drift if d["type"] == "title"]
    assert any("Mayor" in d["a_text"] and "Former" in d["b_text"] for d in titles)
    assert any(d["type"] == "omitted" and d["a_text"].startswith("Local fishermen")
               for d in drift)
    assert any(d["type"] == "inserted" and d["b_text"].startswith("Subscribe") for d in drift)
    # Unchanged sentences produce nothing.
    assert not any("1961" in (d["a_text"] or "") for d in drift)


def test_rows_in_reading_order_with_word_segments(pair: Comparison) -> None:
    rows = pair_rows(pair.a.text, pair.b.text, alignment_dict(pair))
    kinds = [r.kind for r in rows]
    assert kinds.count(OMITTED) == 1 and kinds.count(INSERTED) == 1
    assert kinds[-2:] == [OMITTED, INSERTED] or kinds[-2:] == [INSERTED, OMITTED]
    for r in rows:
        if r.a_span:
            assert "".join(s.text for s in r.a_segments) == _span_text(pair.a.text, r.a_span)
        if r.b_span:
            assert "".join(s.text for s in r.b_segments) == _span_text(pair.b.text, r.b_span)
    minor = next(r for r in rows if r.label == "minor")
    assert {s.text for s in minor.a_segments if s.changed} >= {"42"}
    assert {s.text for s in minor.b_segments if s.changed} >= {"58"}
    assert not any(s.changed for s in minor.a_segments if "Lena Varga" in s.text)
    identical = [r for r in rows if r.label == "identical"]
    assert identical and all(not s.changed for r in identical for s in r.a_segments)
    assert all(r.kind == ALIGNED for r in rows if r.label in LEVELS)


def _drift(original: str, rewrite: str, encoder: Any) -> list[dict[str, Any]]:
    """The drift items ``retold compare --json`` gives for two texts."""
    a, b = document_from_text(original, "a"), document_from_text(rewrite, "b")
    return comparison_json(compare(a, b, encoder=encoder))["drift"]


def test_one_word_in_a_long_verbatim_span_is_drift(static_encoder: Any) -> None:
    # Two long sentences copied whole but for "former": the span's word ratio is above the
    # identical level (0.98), and the changed title must still be reported.
    sentence = ("The riders of the early breakaway, including Orvalian champion Sami Lenk, built "
                "a lead of more than seven minutes on the long valley road before the climb "
                "and were caught at the foot of the Brevaz with forty kilometres left.")
    tail = ("The peloton, led by the teams of the two favourites, then set a pace on the "
            "lower slopes that few of the other riders in the race could hold for long.")
    drift = _drift(f"{sentence} {tail}\n\nMore news follows on the stage.",
                   f"{sentence.replace('including', 'including former')} {tail}"
                   "\n\nMore news follows on the stage.", static_encoder)
    assert any(d["type"] == "title" and "former" in d["b_text"] for d in drift)
    assert not any("peloton" in (d["a_text"] or "") for d in drift)


def test_quote_reworded_past_alignment_is_quote_drift(static_encoder: Any) -> None:
    before = ("The port authority said on Monday that 14 tonnes of cocaine had been seized in "
              "the largest operation in the history of the harbour.\n\nChief Inspector Dorian "
              "Kaltz said the gang had used refrigerated containers shipped from overseas.\n\n")
    after = ("\n\nThe smugglers were arrested at dawn in four cities, the police said, and "
             "more arrests are expected in the coming weeks as the inquiry widens.")
    drift = _drift(before + '"Today we closed that gateway."' + after,
                   before + '"Today we shut that door for good."' + after, static_encoder)
    (quote,) = [d for d in drift if d["type"] == "quote"]
    assert quote["a_text"] == '"Today we closed that gateway."'
    assert quote["b_text"] == '"Today we shut that door for good."'
    assert not [d for d in drift if d["type"] in ("inserted", "omitted")
                and "Today we" in (d["a_text"] or d["b_text"])]


def test_reworded_quotes_pair_the_quoted_sentences_of_a_gap_beside_an_inserted_line() -> None:
    from retold.changes import reworded_quotes
    from retold.text import split_sentences

    a = split_sentences('The port was shut. "Today we closed that gateway." Arrests followed.')
    b = split_sentences('The port was shut. Read more: our port guide. "Today we shut that '
                        'door for good." Arrests followed.')
    spans = [{"a_sentences": [0, 1], "b_sentences": [0, 1]},
             {"a_sentences": [2, 3], "b_sentences": [3, 4]}]
    assert reworded_quotes(a, b, spans, {1}, {1, 2}) == [(1, 2)]
    # Two quoted sentences on one side: which one stands in the other's place is unknown.
    assert reworded_quotes(a, b, spans, {1}, {1, 2} | set()) == [(1, 2)]
    b2 = split_sentences('The port was shut. "We are proud." "Today we shut that door for '
                         'good." Arrests followed.')
    assert reworded_quotes(a, b2, spans, {1}, {1, 2}) == []



def test_the_kept_closing_sentence_of_a_quotation_is_no_reworded_quote() -> None:
    from retold.text import split_sentences

    a = 'Holt told analysts: "We are not closing the plant. We are buying it to grow it." Up.'
    b = 'Holt informed analysts: "We are not shutting the plant. We are buying it to grow it." Up.'
    sa, sb = split_sentences(a), split_sentences(b)
    alignment = {
        "spans": [{"a_span": [sa[k].start, sa[k].end], "b_span": [sb[k].start, sb[k].end],
                   "level": "paraphrase", "a_sentences": [k, k + 1],
                   "b_sentences": [k, k + 1]} for k in (0, 2)],
        "unmatched_a": [1], "unmatched_b": [1],
    }
    drift = pair_drift(a, b, alignment)
    assert [d["detail"] for d in drift] == [
        "quote altered: 'We are not closing the plant.' -> 'We are not shutting the plant.'"]

def test_heading_merged_into_a_span_is_inserted_not_drift() -> None:
    a = "The drug was approved on Monday. Patients waited years."
    b = "The medicine was approved on Monday.\n\nSide Effects You Should Know About\n\n" \
        "Patients waited years."
    sb = [b.index("The"), b.index("Side"), b.index("Patients")]
    alignment = {
        "spans": [
            {"a_span": [0, 32], "b_span": [0, b.index("About") + 5], "level": "paraphrase",
             "a_sentences": [0, 1], "b_sentences": [0, 2]},
            {"a_span": [33, len(a)], "b_span": [sb[2], len(b)], "level": "identical",
             "a_sentences": [1, 2], "b_sentences": [2, 3]},
        ],
        "unmatched_a": [], "unmatched_b": [],
    }
    drift = pair_drift(a, b, alignment)
    assert [(d["type"], d["b_text"]) for d in drift] == [
        ("inserted", "Side Effects You Should Know About")]


def test_flip_alignment_swaps_sides(pair: Comparison) -> None:
    al = alignment_dict(pair)
    flipped = flip_alignment(al)
    assert flipped["unmatched_a"] == al["unmatched_b"]
    assert flipped["spans"][0]["a_span"] == al["spans"][0]["b_span"]
    assert flip_alignment(flipped)["spans"] == al["spans"]


def test_render_comparison(pair: Comparison) -> None:
    console = Console(record=True, width=160, color_system=None)
    render_comparison(pair, console)
    text = console.export_text()
    for word in ("copy" if pair.result.relation == "copy" else "rewrite", "identical", "minor",
                 "inserted", "omitted", "number", "title", "42 million", "58 million"):
        assert word in text


def test_hostile_markup_is_not_interpreted_by_rich(static_encoder: Any) -> None:
    a = document_from_text(ORIGINAL + "[bold red]Styled[/bold red] says the [link=x]wire[/link].\n")
    c = compare(a, document_from_text(REWRITE), encoder=static_encoder)
    console = Console(record=True, width=160, color_system=None)
    render_comparison(c, console)
    assert "[bold red]Styled[/bold red]" in console.export_text()


def test_shared_site_footer_does_not_make_one_story(static_encoder: Any) -> None:
    """Two unrelated articles of one site end on its footer: the footer is boilerplate to the
    pair, and it must not make them the same story through names and topic either."""
    from conftest import EXAMPLES

    footer = ("\n\nFollow Harbour Daily on social media for the latest updates.\n"
              "Sign up for the Harbour Daily morning newsletter and never miss a story.\n"
              "Harbour Daily is an independent newsroom. Copyright Harbour Daily Media Ltd.\n")
    museum = (EXAMPLES / "corpus" / "unrelated_museum.md").read_text(encoding="utf-8")
    scooters = (EXAMPLES / "corpus" / "unrelated_scooter_recall.txt").read_text(encoding="utf-8")
    c = compare(document_from_text(museum + footer), document_from_text(scooters + footer),
                encoder=static_encoder)
    assert c.result.relation not in ("copy", "rewrite", "partial", "same_story")
    assert c.result.scores["name_overlap"] < 0.25


# --- CLI ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("compare")
    a, b = root / "orig.txt", root / "spin.txt"
    a.write_text(ORIGINAL, encoding="utf-8")
    b.write_text(REWRITE, encoding="utf-8")
    return a, b


def _doc_text(path: Path) -> str:
    doc = next(iter(read_paths([path])))
    return normalize(doc.text)  # type: ignore[union-attr]


def test_cli_two_files_table(files: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = files
    res = runner.invoke(app, ["compare", str(a), str(b), "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 0, res.output
    assert "minor" in res.output and "inserted" in res.output
    assert "58 million" in res.output
    assert not (tmp_path / "none.db").exists()  # two files need no index


def test_cli_two_files_json(files: tuple[Path, Path]) -> None:
    a, b = files
    res = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    check_contract(data, _doc_text(a), _doc_text(b))
    assert any(d["type"] == "number" for d in data["drift"])


def test_cli_two_ids_from_index(tmp_path: Path, static_encoder: Any) -> None:
    db = tmp_path / "idx.db"
    with Index(db, encoder=static_encoder) as index:
        index.add([document_from_text(ORIGINAL, "orig"), document_from_text(REWRITE, "spin")])
        texts = index.store.texts(["orig", "spin"])
    res = runner.invoke(app, ["compare", "orig", "spin", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    check_contract(data, texts["orig"], texts["spin"])
    assert (data["a"], data["b"]) == ("orig", "spin")
    stored = Index(db, readonly=True)
    with stored:
        pairs = stored.to_json()["pairs"]
    # The same pair from the index and from compare: one alignment, one relation.
    row = next(p for p in pairs if {p["a"], p["b"]} == {"orig", "spin"})
    if row["a"] == "orig":
        assert row["alignment"] == data["alignment"]
        assert row["relation"] == data["relation"]


def test_cli_file_against_id(files: tuple[Path, Path], tmp_path: Path,
                             static_encoder: Any) -> None:
    db = tmp_path / "idx.db"
    with Index(db, encoder=static_encoder) as index:
        index.add([document_from_text(ORIGINAL, "orig")])
    res = runner.invoke(app, ["compare", "orig", str(files[1]), "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["a"] == "orig"


@pytest.mark.parametrize("case", ["missing", "unknown_id", "jsonl_many", "folder", "bad_type"])
def test_cli_bad_input_exits_2(case: str, files: tuple[Path, Path], tmp_path: Path,
                               static_encoder: Any) -> None:
    a = str(files[0])
    db = tmp_path / "idx.db"
    if case == "missing":
        args = [a, str(tmp_path / "nope.txt"), "--db", str(tmp_path / "absent.db")]
        needle = "nope.txt"
    elif case == "unknown_id":
        with Index(db, encoder=static_encoder) as index:
            index.add([document_from_text(ORIGINAL, "orig")])
        args = [a, "no-such-id", "--db", str(db)]
        needle = "no-such-id"
    elif case == "jsonl_many":
        many = tmp_path / "many.jsonl"
        many.write_text(json.dumps({"text": ORIGINAL}) + "\n" + json.dumps({"text": REWRITE})
                        + "\n", encoding="utf-8")
        args = [str(many), a]
        needle = "many.jsonl"
    elif case == "folder":
        args = [str(tmp_path), a]
        needle = str(tmp_path)
    else:
        odd = tmp_path / "article.pdf"
        odd.write_bytes(b"%PDF-1.4")
        args = [str(odd), a]
        needle = "article.pdf"
    res = runner.invoke(app, ["compare", *args])
    assert res.exit_code == 2, res.output
    # One reason, though Rich may wrap it at the test terminal's width.
    message = " ".join(res.stderr.split())
    assert message.startswith("error:") and message.count("error:") == 1, message
    assert needle in res.stderr.replace("\n", ""), message


# --- the seed articles --------------------------------------------------------------------

_HARMLESS = re.compile(r"two percent|\b2 ?%|republic of korea|south korea", re.IGNORECASE)


@pytest.fixture(scope="module")
def seeds(shared: Path) -> dict[str, Any]:
    out = {}
    for prefix in ("000", "001", "002"):
        found = sorted((shared / "seeds").glob(f"{prefix}_*.txt"))
        if not found:
            pytest.skip(f"seed {prefix} not found under {shared / 'seeds'}")
        out[prefix] = next(iter(read_paths([found[0]])))
    return out


@pytest.fixture(scope="module")
def seed_pairs(seeds: dict[str, Any], static_encoder: Any) -> dict[str, Comparison]:
    return {f"{x}-{y}": compare(seeds[x], seeds[y], encoder=static_encoder)
            for x, y in (("000", "001"), ("000", "002"), ("001", "002"))}


@pytest.mark.shared
def test_seed_dropped_date_is_drift(seed_pairs: dict[str, Comparison]) -> None:
    drift = comparison_json(seed_pairs["000-001"])["drift"]
    assert any(d["type"] == "date" and "2019" in f"{d['a_text']} {d['b_text']}"
               for d in drift), drift


@pytest.mark.shared
def test_seed_neighbours_are_not_merged_into_false_drift(
    seed_pairs: dict[str, Comparison],
) -> None:
    # The spins keep their source's sentences one for one; a sentence joined to its
    # neighbour's match reported "'in 2019' -> 'Tokyo'", "negation removed: 'Not' -> 'soil'"
    # and section headings as changed names.
    dates = [d for d in comparison_json(seed_pairs["001-002"])["drift"] if d["type"] == "date"]
    assert [(d["a_text"], d["b_text"]) for d in dates] == [("in 2019", "in previous years")]
    assert not any(d["type"] == "negation"
                   for d in comparison_json(seed_pairs["000-001"])["drift"])
    assert not any(re.search("Leadership|Debut", d["b_text"] or "")
                   for d in comparison_json(seed_pairs["000-002"])["drift"]
                   if d["type"] != "inserted")


@pytest.mark.shared
def test_seed_bio_is_one_sided(seed_pairs: dict[str, Comparison]) -> None:
    cmp = seed_pairs["000-001"]
    data = comparison_json(cmp)
    bio_start = cmp.a.text.rstrip().rfind("\n") + 1  # 000 ends with the author bio
    bio = cmp.a.text[bio_start:].strip()
    assert "writer" in bio
    assert not any(s["a_span"][1] > bio_start for s in data["alignment"])
    assert any(d["type"] == "omitted" and d["a_span"][0] >= bio_start for d in data["drift"])


@pytest.mark.shared
def test_seed_section_headings_are_inserted(seed_pairs: dict[str, Comparison]) -> None:
    data = comparison_json(seed_pairs["000-002"])
    inserted = {d["b_text"] for d in data["drift"] if d["type"] == "inserted"}
    for heading in ("Navigating Internal and International Pressures",
                    "Trade Expectations and Talks"):
        assert heading in inserted


@pytest.mark.shared
def test_seed_harmless_swaps_are_not_drift(seed_pairs: dict[str, Comparison]) -> None:
    for name, cmp in seed_pairs.items():
        for d in comparison_json(cmp)["drift"]:
            if d["type"] in {"inserted", "omitted"}:
                continue  # whole sentences, not reported changes
            said = f"{d['a_text']} | {d['b_text']} | {d['detail']}"
            assert not _HARMLESS.search(said), (name, d)


MOVED_SOURCE = (
    "The Ostmere harbour council voted on Tuesday to build a new ferry terminal on the east "
    "quay.\n\nMayor Lena Varga said the terminal would cost 42 million euros and open in "
    "2027.\n\nConstruction will begin in the spring after a final environmental review.\n\n"
    "The old terminal, built in 1961, handles about 800,000 passengers a year.\n\nLocal "
    "fishermen have raised concerns about noise during the works.\n\n\"This terminal will "
    "carry 1.2 million passengers by 2030,\" the harbour master, Ilse Brandt, told reporters."
)


def test_moved_sentence_is_aligned_not_omitted_and_inserted(static_encoder: Any) -> None:
    # A spinner lifts the closing quotation to the top and inflates its number.
    quote = MOVED_SOURCE[MOVED_SOURCE.index('"This'):]
    body = MOVED_SOURCE[: MOVED_SOURCE.index('"This')].strip()
    moved = quote.replace("1.2 million", "12 million")
    pair = compare(document_from_text(MOVED_SOURCE, "a"),
                   document_from_text(moved + "\n\n" + body, "b"), encoder=static_encoder)
    assert pair.result.relation in ("copy", "rewrite")
    data = comparison_json(pair)
    assert [s for s in data["alignment"] if s.get("moved")]
    assert not [d for d in data["drift"] if d["type"] in ("inserted", "omitted")]
    # Changed inside a quotation, so reported as an altered quotation.
    assert any(d["type"] == "quote" and "12 million" in d["b_text"] for d in data["drift"])
    rows = pair_rows(pair.a.text, pair.b.text, alignment_dict(pair))
    assert rows[0].moved and rows[0].kind == ALIGNED  # where the rewrite's reader meets it
    flipped = flip_alignment(alignment_dict(pair))
    assert flipped["moved"][0]["a_span"] == alignment_dict(pair)["moved"][0]["b_span"]
    console = Console(record=True, width=160, color_system=None)
    render_comparison(pair, console)
    assert "moved" in console.export_text()


def test_a_template_sentence_about_something_else_is_not_a_moved_one(
    static_encoder: Any
) -> None:
    # The rewrite drops the closing quotation and opens with a stock line of the same shape
    # about other people: two sentences, not one moved.
    quote = MOVED_SOURCE[MOVED_SOURCE.index('"This'):]
    body = MOVED_SOURCE[: MOVED_SOURCE.index('"This')].strip()
    stock = ('"This terminal will carry 3 million passengers by 2035," the port director, '
             'Marek Olsen, told reporters.')
    pair = compare(document_from_text(MOVED_SOURCE, "a"),
                   document_from_text(stock + "\n\n" + body, "b"), encoder=static_encoder)
    assert pair.result.relation in ("copy", "rewrite")
    assert not alignment_dict(pair)["moved"]
    one_sided = {d["type"]: d for d in comparison_json(pair)["drift"]
                 if d["type"] in ("inserted", "omitted")}
    assert one_sided["omitted"]["a_text"] == quote
    assert one_sided["inserted"]["b_text"] == stock
    # A capitalised first word both share is no shared name.
    a = (body + "\n\nShares of Harbor Industries rose 6 percent in early trading on Thursday "
         "after strong results.")
    b = ("Shares of Willow Airlines rose 4 percent in early trading on Monday after strong "
         "results.\n\n" + body)
    pair = compare(document_from_text(a, "a"), document_from_text(b, "b"),
                   encoder=static_encoder)
    assert pair.result.relation in ("copy", "rewrite")
    assert not alignment_dict(pair)["moved"]


def test_sentence_reworded_between_aligned_neighbours_is_compared(
    static_encoder: Any
) -> None:
    # Reworded past the match threshold, but in the place of the original sentence.
    a = MOVED_SOURCE.replace("Construction will begin in the spring after a final "
                             "environmental review.", "The operator expects to reopen the "
                             "old quay in early November, after 14 weeks of works.")
    b = a.replace("The operator expects to reopen the old quay in early November, after 14 "
                  "weeks of works.", "The company anticipates it will resume in early "
                  "December, after 16 weeks.").replace("told reporters", "told journalists")
    pair = compare(document_from_text(a, "a"), document_from_text(b, "b"),
                   encoder=static_encoder)
    data = comparison_json(pair)
    assert not [d for d in data["drift"] if d["type"] in ("inserted", "omitted")]
    assert {d["type"] for d in data["drift"]} >= {"date", "number"}
    # Marked, so that provenance does not weigh a pairing this weak.
    (gap,) = [s for s in alignment_dict(pair)["spans"] if s.get("gap")]
    assert b[slice(*gap["b_span"])].startswith("The company anticipates")


def test_boilerplate_both_sides_hold_is_neither_inserted_nor_omitted() -> None:
    a = 'The port was shut. "We will rebuild." Arrests followed.'
    b = 'The harbour was closed. "We will rebuild." Arrests came next. Subscribe now!'
    alignment = {
        "spans": [{"a_span": [0, 18], "b_span": [0, 23], "level": "paraphrase",
                   "a_sentences": [0, 1], "b_sentences": [0, 1]},
                  {"a_span": [38, 55], "b_span": [43, 62], "level": "paraphrase",
                   "a_sentences": [2, 3], "b_sentences": [2, 3]}],
        "unmatched_a": [], "unmatched_b": [],
        "boilerplate_a": [1], "boilerplate_b": [1, 3],
    }
    one_sided = [(d["type"], d["a_text"] or d["b_text"]) for d in pair_drift(a, b, alignment)
                 if d["type"] in ("inserted", "omitted")]
    assert one_sided == [("inserted", "Subscribe now!")]


def _gap_alignment(a: str, b: str, gap_a: list[int], gap_b: list[int]) -> dict[str, object]:
    """The first and last sentences of ``a`` and ``b`` aligned, the ones between left out
    (``gap_*``: as boilerplate on side a, unmatched on side b)."""
    from retold.text import split_sentences

    sa, sb = split_sentences(a), split_sentences(b)
    return {
        "spans": [{"a_span": [sa[0].start, sa[0].end], "b_span": [sb[0].start, sb[0].end],
                   "level": "paraphrase", "a_sentences": [0, 1], "b_sentences": [0, 1]},
                  {"a_span": [sa[-1].start, sa[-1].end], "b_span": [sb[-1].start, sb[-1].end],
                   "level": "paraphrase", "a_sentences": [len(sa) - 1, len(sa)],
                   "b_sentences": [len(sb) - 1, len(sb)]}],
        "unmatched_a": [], "unmatched_b": gap_b, "boilerplate_a": gap_a, "boilerplate_b": [],
    }


def test_a_widely_repeated_quotation_reworded_by_one_side_is_its_altered_quote() -> None:
    # Other reports repeat the judge's words, so the alignment left them out as
    # boilerplate on the side that keeps them; the other side reworded them.
    a = 'The port was shut. "A sentence is inevitable." Arrests followed.'
    b = 'The harbour was closed. "A sentence is a possibility." Arrests came next.'
    items = [(d["type"], d["a_text"], d["b_text"])
             for d in pair_drift(a, b, _gap_alignment(a, b, [1], [1]))
             if d["type"] in ("quote", "inserted", "omitted")]
    assert items == [("quote", '"A sentence is inevitable."', '"A sentence is a possibility."')]


def test_a_repeated_quotation_kept_word_for_word_tells_the_change_around_it() -> None:
    # The quotation is the same; what changed is the office of the person quoted.
    a = ('The port was shut. Ana Brel, the chief veterinary officer, said: "We will '
         'rebuild the quay." Arrests followed.')
    b = ('The harbour was closed. Ana Brel, the deputy chief veterinary officer, said: "We '
         'will rebuild the quay." Arrests came next.')
    items = [(d["type"], d["a_text"], d["b_text"])
             for d in pair_drift(a, b, _gap_alignment(a, b, [1], [1]))
             if d["type"] not in ("inserted", "omitted")]
    assert items == [("title", "chief veterinary officer", "deputy chief veterinary officer")]


def test_the_quoted_sentences_of_one_gap_are_paired_in_order() -> None:
    # Two sentences of one quotation on each side; the second one's meaning changed.
    a = ('The line was approved. "For too long, people in Tamsford have been told to wait," '
         'she said. "Today we stop asking them to wait and start laying track." Work '
         'begins in May.')
    b = ('The extension was backed. She told the meeting: "For too long, people in '
         'Tamsford have been told to wait. Today we ask them to wait a little longer, and '
         'then we lay track." Work starts in May.')
    items = [(d["type"], d["a_text"], d["b_text"])
             for d in pair_drift(a, b, _gap_alignment(a, b, [1, 2], [1, 2]))
             if d["type"] not in ("inserted", "omitted")]
    assert items == [("quote", '"Today we stop asking them to wait and start laying track."',
                      'Today we ask them to wait a little longer, and then we lay track."')]
    # Quoted sentences that share too few words are two different quotations.
    c = ('The extension was backed. "We are delighted," a spokesman said. "Trains will '
         'run every ten minutes." Work starts in May.')
    items = [d["type"] for d in pair_drift(a, c, _gap_alignment(a, c, [1, 2], [1, 2]))]
    assert "quote" not in items
