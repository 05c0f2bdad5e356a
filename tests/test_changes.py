"""Drift of a pair: material told by kind, a dropped dateline."""

from __future__ import annotations

from retold.changes import material_kinds, pair_drift
from retold.text import dateline_end, split_sentences


def test_inserted_material_is_told_by_kind() -> None:
    text = ("The council approved the budget on Monday.\n\nWhat Happens Next\n\n"
            "Read also: 10 Cheap Weekend Getaways\n\nADVERTISEMENT\n\n"
            "Spending on roads rises by 4%.\n\n"
            "Jenna Morales is a lifestyle writer who loves travel and coffee. "
            "She has written for magazines since 2015.")
    sents = split_sentences(text)
    kinds = material_kinds(sents, range(1, len(sents)))
    assert [kinds.get(i) for i in range(len(sents))] == [
        None, "heading", "link", "advertisement", None, "author bio", "author bio"]
    # A writer named in the body of the article is no bio: the run must reach the end.
    assert material_kinds(sents, [5]) == {}


def test_a_dateline_one_side_drops_is_no_lost_fact() -> None:
    assert dateline_end("DRASNY, March 14 (CWS) - President Ilse Varga met") == 25
    assert dateline_end("LONDON (Reuters) - The bank") == 19
    assert dateline_end("PORT ALDANE - Two-term mayor") == 14
    assert dateline_end("NATO - the alliance said") == 0
    assert dateline_end("A regional court in Port Aldane") == 0
    a = "DRASNY, March 14 (CWS) - The talks ended on Friday in Drasny."
    b = "The negotiations ended on Friday in Drasny."
    spans = [{"a_span": [0, len(a)], "b_span": [0, len(b)], "level": "paraphrase"}]
    assert pair_drift(a, b, {"spans": spans}) == []
    # A date changed after the dateline is still reported.
    b2 = "The negotiations ended on Monday in Drasny."
    spans2 = [{"a_span": [0, len(a)], "b_span": [0, len(b2)], "level": "paraphrase"}]
    assert [i["type"] for i in pair_drift(a, b2, {"spans": spans2})] == ["date"]
