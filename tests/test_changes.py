"""Inserted and omitted material told by kind (headings, links, advertisements, bios)."""

from __future__ import annotations

from retold.changes import material_kinds
from retold.text import split_sentences


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
