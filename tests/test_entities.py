"""Fact mention extraction: numbers, dates, titles, entities, quotes and their equivalences."""

from __future__ import annotations

import pytest

from retold.entities import ORDINAL, canonical, extract, learn_from


def _number_keys(text: str) -> list[str]:
    """Keys of the counts and amounts (ordinals are numbers of their own kind)."""
    return [m.key for m in extract(text).numbers if not m.key.startswith(ORDINAL)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Growth reached 2% last year.", "2%"),
        ("Growth reached two percent last year.", "2%"),
        ("Growth reached 2 per cent last year.", "2%"),
        ("The fund got 1.2 million dollars.", "1200000"),
        ("The fund got 1,200,000 dollars.", "1200000"),
        ("A dozen schools closed.", "12"),
        ("About two dozen people came.", "24"),
        ("The storm left three thousand homes dark.", "3000"),
        ("Police arrested a 34-year-old man.", "34"),
        ("They built it in twenty-five days.", "25"),
        # Fractions on their own: proportions, or amounts before "a"/"an".
        ("Half of the respondents trust local news.", "50%"),
        ("About a quarter of the buses are electric.", "25%"),
        ("Two thirds of voters backed the plan.", "67%"),
        ("Prices rose by a third last year.", "33%"),
        ("The bank cut its rate by half a point.", "0.5"),
        ("Half a million people marched.", "500000"),
    ],
)
def test_numbers_are_normalised(text: str, key: str) -> None:
    assert _number_keys(text) == [key]


@pytest.mark.parametrize(
    "text",
    [
        "The agency expects two-way trade to grow.",  # "two-way" is not a count
        "She was one of the first to arrive.",  # pronoun "one"
        "The two built a close relationship.",  # anaphoric "the two"
        "The G7 leaders met.",  # digits inside a name
        "He scored in the second half of the match.",  # a period, not an amount
        "Profits fell in the third quarter of the year.",
        "The score was level at half-time.",
    ],
)
def test_non_numbers(text: str) -> None:
    assert _number_keys(text) == []


def test_ordinals_are_numbers_of_their_own_kind() -> None:
    m = extract("Her 3rd title and his third came in the 21st round, a fifth of the way in.")
    assert [(x.text, x.key) for x in m.numbers] == [
        ("3rd", "#3"), ("third", "#3"), ("21st", "#21"), ("a fifth", "20%")]
    assert [x.key for x in extract("Prices rose by a third last year.").numbers] == ["33%"]


def test_years_are_dates_not_numbers() -> None:
    m = extract("He met Abe in 2019, when 2000 runners came.")
    assert [d.text for d in m.dates] == ["in 2019"]
    assert [n.key for n in m.numbers] == ["2000"]


@pytest.mark.parametrize(
    ("text", "date", "fields"),
    [
        ("It opened on 14 March after repairs.", "on 14 March", {"d": "14", "m": "3"}),
        ("It opened on March 14 after repairs.", "on March 14", {"d": "14", "m": "3"}),
        ("The law takes effect on October 27.", "on October 27", {"d": "27", "m": "10"}),
        ("She resigned last Tuesday.", "last Tuesday", {"wd": "tuesday", "rel": "last"}),
        ("Voting ends at 8pm.", "at 8pm", {"t": "20:00"}),
        ("It finishes by June 2026.", "by June 2026", {"m": "6", "y": "2026"}),
        ("They met in previous years.", "in previous years",
         {"rel": "last year", "vague": "1"}),
        ("It erupted a century ago.", "a century ago", {"rel": "century ago", "ago": "1"}),
        ("It erupted centuries ago.", "centuries ago", {"rel": "century ago", "vague": "1"}),
    ],
)
def test_dates(text: str, date: str, fields: dict[str, str]) -> None:
    (d,) = extract(text).dates
    assert d.text == date
    assert dict(d.fields) == fields
    assert text[d.start : d.end] == date


def test_may_the_verb_is_not_a_month() -> None:
    assert extract("The tower may be the tallest.").dates == ()


def test_titles_with_status_and_holder() -> None:
    (t,) = extract("She sits down with ex-President Donald Trump in Tokyo.").titles
    assert (t.text, t.key, t.holder) == ("ex-President", "former|president", "trump")
    (t,) = extract("She met former US President Trump.").titles
    assert (t.key, t.holder) == ("former|president", "trump")
    (t,) = extract("Finance Minister Lena Hartmann spoke.").titles
    assert (t.key, t.holder) == ("|finance minister", "hartmann")
    (t,) = extract("The chief executive, Paul Brennan, resigned.").titles
    assert (t.key, t.holder) == ("|chief executive", "brennan")
    (t,) = extract("The new PM spoke.").titles
    assert t.key == "|prime minister"
    (t,) = extract("The talks were led by former harbour director Tomas Reyes.").titles
    assert (t.text, t.key, t.holder) == ("former harbour director", "former|director", "reyes")
    (t,) = extract("The talks were led by harbour director Tomas Reyes.").titles
    assert (t.key, t.holder) == ("|director", "reyes")
    (t,) = extract("It was read by Chief Justice Mara Ellison.").titles
    assert (t.key, t.holder) == ("|chief justice", "ellison")
    assert extract("Former residents and coaches said so.").titles == ()
    (t,) = extract("The former colony's president Ana Ruiz spoke.").titles
    assert t.key == "|president"
    assert extract("A judge said the director would stay.").titles == ()
    assert extract("The Justice Department said so.").titles == ()


def test_entities_and_aliases() -> None:
    m = extract("Trump will travel to the Republic of Korea for the Apec summit.")
    assert [e.text for e in m.entities] == ["Trump", "Republic of Korea", "Apec"] or [
        e.text for e in m.entities
    ] == ["Republic of Korea", "Apec"]
    assert canonical("south korea") == canonical("republic of korea")
    assert canonical("u.s.") == canonical("united states") == canonical("america")
    assert canonical("uk") == canonical("britain")
    assert canonical("wwii") == canonical("second world war")


def test_sentence_initial_common_words_are_not_entities() -> None:
    assert extract("Officials said the talks went well.").entities == ()
    m = extract("Shinzo Abe met him.")
    assert [e.key for e in m.entities] == ["shinzo abe"]


def test_sentence_initial_name_known_from_documents() -> None:
    knowledge = learn_from("Abe arrived early.", "Later Trump met Abe in Tokyo.")
    assert [e.key for e in extract("Abe arrived early.", knowledge).entities] == ["abe"]


def test_product_noun_shown_but_name_compared() -> None:
    (e,) = extract("Japan will buy Tomahawk missiles from the US.").entities[1:2]
    assert (e.text, e.key) == ("Tomahawk missiles", "tomahawk")


def test_acronyms_learned_from_documents() -> None:
    k = learn_from("She leads the Liberal Democratic Party.", "The LDP lost seats.")
    (e,) = extract("The LDP lost seats.", k).entities
    assert e.key == "liberal democratic party"
    k = learn_from("Spending is 2% of GDP.", "Spending is 2% of gross domestic product.")
    assert k.acronyms["GDP"] == "gross domestic product"
    k = learn_from("The Ministry of Defence said so.", "The MoD said so.")
    assert extract("The MoD said so.", k).entities[0].key == "ministry of defence"


def test_quotes_ignore_trivial_punctuation_and_aliases() -> None:
    (a,) = extract('"We are ready," the captain said.').quotes
    (b,) = extract('"We are ready!" the captain said.').quotes
    assert a.key == b.key == "we are ready"
    (c,) = extract('They opposed his "US-first" policy.').quotes
    (d,) = extract('They opposed his "America-first" policy.').quotes
    assert c.key == d.key
    assert extract("St Mary's Hospital and the nurses' union.").quotes == ()


def test_alias_inside_a_longer_name() -> None:
    (a,) = extract("The US Treasury sold bonds.").entities
    (b,) = extract("The United States Treasury sold bonds.").entities
    assert a.tokens == b.tokens == frozenset({"#us", "treasury"})


def test_headline_capitals_are_not_names() -> None:
    body = ("Marovia Central Bank Slashes Interest Rates: Everything You Need To Know\n\n"
            "The Central Bank of Marovia lowered its key rate on Wednesday.")
    knowledge = learn_from(body)
    assert "everything" not in knowledge.proper_words
    head = extract(body.split("\n")[0], knowledge)
    assert [m.text for m in head.entities] == ["Marovia Central Bank"]
    # A sentence has lower-case words: its capitals still mark names.
    line = extract("Prime Minister Sanae Takaichi met Donald Trump in Tokyo.", learn_from("x"))
    assert [m.text for m in line.entities] == ["Sanae Takaichi", "Donald Trump", "Tokyo"]


def test_unit_equivalents_share_a_key() -> None:
    keys = _number_keys
    assert keys("cut by 25 basis points") == keys("cut by a quarter of a percentage point")
    assert keys("cut by 25 basis points") == keys("cut by 0.25 percentage points")
    assert keys("the first in three decades") == keys("the first in 30 years")
    assert keys("half of the homes") == ["50%"] and keys("by half a point") == ["0.5"]
