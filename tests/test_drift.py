"""Drift on aligned sentence pairs: each type, harmless rewrites, offsets, the seed articles."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from retold.drift import DRIFT_TYPES, Drift, DriftContext, sentence_drift
from retold.evaluate.drift import (
    DEV2_PATH,
    DEV3_PATH,
    DEV4_PATH,
    DEV5_PATH,
    DEV6_PATH,
    DEV7_PATH,
    DEV8_PATH,
    HOLDOUT4_PATH,
    HOLDOUT7_PATH,
    HOLDOUT8_PATH,
    HOLDOUT12_PATH,
    HOLDOUT_PATH,
    evaluate_drift,
    format_report,
    load_pairs,
)
from retold.text import normalize, split_sentences


def _types(a: str, b: str) -> list[str]:
    return [d.type for d in sentence_drift(a, b)]


@pytest.mark.parametrize(
    ("a", "b", "kind", "a_words", "b_words"),
    [
        ("Talks were held in Oslo with the Brennor Group.",
         "Talks were held in Bergen with the Brennor Group.", "entity", "Oslo", "Bergen"),
        ("The crew fired Harrow missiles at the target.",
         "The crew fired long-range weapons at the target.", "entity", "Harrow", "long-range"),
        ("She will meet President Ana Velez in Quito.",
         "She will meet former President Ana Velez in Quito.", "title", "President",
         "former President"),
        ("Health Minister Joan Pike opened the ward.",
         "Education Minister Joan Pike opened the ward.", "title", "Health Minister",
         "Education Minister"),
        ("The storm damaged 75 boats in the harbour.",
         "The storm damaged 57 boats in the harbour.", "number", "75", "57"),
        ("The team's assistant coach, Ivo Brandt, was sent off.",
         "Ivo Brandt, the team's head coach, was sent off.", "title", "assistant coach",
         "head coach"),
        # An office in apposition after "the" and what it is of.
        ("Regional Director Tomas Verlaine said the river had peaked.",
         "Tomas Verlaine, the regional police chief, said the river had peaked.", "title",
         "Director", "chief"),
        # An office "for" a portfolio still names its holder.
        ("Police held Deputy Mayor for Transport Mila Dorn and a builder.",
         "Police held former deputy mayor Mila Dorn and a builder.", "title", "Deputy Mayor",
         "former deputy mayor"),
        ("The retired colonel Ada Kell urged calm.",
         "Ada Kell, the serving colonel, urged calm.", "title", "retired colonel",
         "serving colonel"),
        ("Residents were allowed to return home.", "Residents were barred from returning home.",
         "negation", "allowed", "barred"),
        ("The talks collapsed late on Monday.", "The talks collapsed early on Monday.", "date",
         "late", "early"),
        ("Inflation fell to 2.1% in May from 2.9% in April.",
         "Inflation eased to 2.9% in May from 2.1% in April.", "number", "2.9%", "2.1%"),
        ("He was arrested two days after the raid.", "He was held a week after the raid.",
         "date", "two days", "a week"),
        ("Prices rose by four percent this spring.",
         "Prices rose by 14% this spring.", "number", "four percent", "14%"),
        ("The mill burned down in 1987.", "The mill burned down years ago.", "date", "1987",
         "years ago"),
        ("The vote is on 2 April.", "The vote is on 12 April.", "date", "2 April", "12 April"),
        ('The judge called the claim "baseless and cruel".',
         'The judge called the claim "weak but honest".', "quote", "baseless and cruel",
         "weak but honest"),
        ("The mine will reopen in spring.", "The mine will not reopen in spring.", "negation",
         "will", "not"),
        ("The union has never backed the plan.", "The union has backed the plan.", "negation",
         "never", "has"),
        ("The firm will double its output.", "The firm might double its output.", "hedge",
         "will", "might"),
        ("The captain said the ship was safe.", "The captain claimed the ship was safe.",
         "hedge", "said", "claimed"),
        ("The mayor denied that the school would close.",
         "The mayor confirmed that the school would close.", "negation", "denied", "confirmed"),
        ("The council refused to publish the report.",
         "The council agreed to publish the report.", "negation", "refused", "agreed"),
        ("Police believe the blaze was started on purpose.",
         "Police said the blaze was started on purpose.", "hedge", "believe", "said"),
        ("Half of the staff will lose their jobs.", "A third of the staff will lose their jobs.",
         "number", "Half", "A third"),
        ("The prime minister, Ana Ruiz, spoke first.",
         "The ex-prime minister, Ana Ruiz, spoke first.", "title", "prime minister",
         "ex-prime minister"),
        ("The ferry sank on 3 March 2021.", "The ferry sank in March 2021.", "date",
         "on 3 March 2021", "in March 2021"),
        ("The ferry sank in March 2021.", "The ferry sank in 2021.", "date", "in March 2021",
         "in 2021"),
        ("The bank cut rates by 25 basis points.",
         "The bank cut rates by half a percentage point.", "number", "25 basis points",
         "half a percentage point"),
        ("Prices rose at the fastest pace in three decades.",
         "Prices rose at the fastest pace in three years.", "number", "three decades",
         "three"),
        ("A ferry has sailed since the storm.", "No ferry has sailed since the storm.",
         "negation", "A", "No"),
        ("The contract was awarded without a tender.",
         "The contract was awarded after a tender.", "negation", "without", "after"),
        ("The party claimed the vote was rigged.", "The party said the vote was rigged.",
         "hedge", "claimed", "said"),
        ("Club president Ana Ruiz said the stand would reopen.",
         "Former club president Ana Ruiz said the stand would reopen.", "title", "president",
         "Former club president"),
        ("The plan was backed by harbour director Tomas Reyes.",
         "The plan was backed by ex harbour director Tomas Reyes.", "title", "director",
         "ex harbour director"),
        # Another part of the same month or year.
        ("The operator expects to reopen the line in early November.",
         "The operator expects to reopen the line by mid-November.", "date",
         "in early November", "by mid-November"),
        ("Elections are due in autumn 2025.", "Elections are due in the spring of 2025.",
         "date", "in autumn 2025", "in the spring of 2025"),
        ("The minister appeared to confirm the plan.", "The minister confirmed the plan.",
         "hedge", "appeared", "confirmed"),
        # A comparison turned the other way, and a stance to its opposite.
        ("It will cost 480 million marks, about 30 percent more than its predecessor.",
         "It will cost 480 million marks, about 30 percent less than its predecessor.",
         "number", "more", "less"),
        ("The chairman said the club had been reluctant to sell.",
         "The chairman said the club had been keen to sell.", "negation", "reluctant", "keen"),
        # An inserted "not" is shown with the words it negates, after a word that is no verb.
        ("It is her fourth novel and her first to be shortlisted.",
         "It is her fourth novel and not her first to be shortlisted.", "negation", "her",
         "not her"),
        # What a person is by trade, changed while the name stays.
        ("Festival director Jonas Ekberg said attendance reached a record.",
         "Festival founder Jonas Ekberg stated attendance reached a record.", "title",
         "director", "founder"),
        ("The jury, led by the actress Mireille Dufort, chose the film.",
         "The jury, led by the director Mireille Dufort, picked the film.", "title",
         "actress", "director"),
        ("The dead include a firefighter, Lukas Brenner, 34, who was swept away.",
         "The dead include a police officer, Lukas Brenner, 34, who was swept away.", "title",
         "firefighter", "officer"),
        # The holder after an honorific.
        ("The outbreak was declared by County Health Commissioner Dr Miriam Stallworth.",
         "The outbreak was declared by county health expert Dr Miriam Stallworth.", "title",
         "Health Commissioner", "health expert"),
        ("Chief scientist Dr. Rafael Morn said the data would help.",
         "Rafael Morn stated the data would assist.", "title", "Chief scientist", "Morn"),
        ("The ruling was read by Chief Justice Mara Ellison.",
         "The ruling was read by Justice Mara Ellison.", "title", "Chief Justice", "Justice"),
        ("The blaze was out by noon, said Fire Chief Ramona Ashby.",
         "The blaze was out by noon, said Deputy Fire Chief Ramona Ashby.", "title", "Chief",
         "Deputy Fire Chief"),
        ("It is the deadliest fire since 2011.", "It is the deadliest fire in over a decade.",
         "date", "since 2011", "in over a decade"),
        ("It was the club's third title.", "It was the club's 4th title.", "number", "third",
         "4th"),
        ("He must repay the money within 12 months.", "He must repay the money within 12 weeks.",
         "number", "12 months", "12 weeks"),
        ("He was convicted of murder.", "He was acquitted of murder.", "negation", "convicted",
         "acquitted"),
        ('He said: "I will not resign from this post."',
         'He said he would "resign from this post".', "quote", "I will not resign",
         "resign from this post"),
        ("One in five adults smoke.", "One in four adults smoke.", "number", "One in five",
         "One in four"),
        ("The plane landed at 10:30 local time.", "The plane landed at 11.30am local time.",
         "date", "10:30", "11.30am"),
        ("The vote was delayed twice.", "The vote was delayed three times.", "number",
         "twice", "three"),
        ("Inspectors said the bridge was safe.", "Inspectors said the bridge was unsafe.",
         "negation", "safe", "unsafe"),
        ("The move was legal, the court said.", "The move was illegal, the court said.",
         "negation", "legal", "illegal"),
        # A word that implies "not" makes up for no negator both sides lack.
        ("The tribunal did not reject the claim.", "The tribunal rejected the claim.",
         "negation", "not", "rejected"),
        ("The warden said she would stay on.", "The warden said she would not stay on.",
         "negation", "would", "not"),
        ("The league did not ban the chant.", "The league banned the chant.", "negation",
         "not", "banned"),
        ("Rangers have found the hiker.", "Rangers have yet to find the hiker.", "negation",
         "found", "yet"),
        ("The final is on Friday night.", "The final is on Friday morning.", "date",
         "Friday night", "Friday morning"),
        ("The inquiry sent a team of three inspectors.", "The inquiry sent a four-strong team.",
         "number", "three", "four-strong"),
        ("The festival runs from 4 to 9 July.", "The festival runs from 5 to 9 July.", "date",
         "4", "5"),
        ("Snowfall was double the usual amount.", "Snowfall was triple the usual amount.",
         "number", "double", "triple"),
        ("The flood will peak on Sunday.", "Forecasters expect the flood to peak on Sunday.",
         "hedge", "will", "expect"),
        ("Exports rose 4% in May.", "Exports fell 4% in May.", "number", "rose", "fell"),
        # A verb of a small move takes its direction from the next word.
        ("Shares fell 3.1 per cent.", "Shares edged up 3.1 per cent.", "number", "fell",
         "edged up"),
        ("At least 30 boats sank.", "Up to 30 boats sank.", "number", "At least 30",
         "Up to 30"),
        ("The mill made a profit of $2m.", "The mill made a loss of $2m.", "number", "profit",
         "loss"),
        # A contraction typed without its apostrophe is still a negation.
        ("The mayor said the pier is safe.", "The mayor said the pier isnt safe.", "negation",
         "is", "isnt"),
    ],
)
def test_each_type(a: str, b: str, kind: str, a_words: str, b_words: str) -> None:
    items = sentence_drift(a, b)
    assert [d.type for d in items] == [kind], items
    (d,) = items
    assert a_words in d.a_text or d.a_text in a_words
    assert b_words in d.b_text or d.b_text in b_words
    assert d.detail.startswith(kind)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The high-stakes talks began on Monday.", "The crucial negotiations started on Monday."),
        ("The pilot was not unaware of the risk.", "The pilot was aware of the risk."),
        ("Bavarian officials closed the road.", "Officials in Bavaria closed the road."),
        ("A Velorian court jailed him.", "A court in Veloria jailed him."),
        ("It reached 35 degrees Celsius in Harlow.", "Harlow recorded 35C."),
        ("It was the hottest day this year.", "It was the year's hottest day."),
        ("Sales rose from 20 million to 25 million.",
         "Sales climbed to 25 million from 20 million."),
        ("The talks lasted 24 hours.", "The talks lasted a day."),
        ("The minister said the plan was sound.", "The minister stated the plan was sound."),
        ("Spending will reach 2% of GDP.", "Spending will reach two percent of GDP."),
        ("Inflation hit 3.5 per cent.", "Inflation hit 3.5%."),
        ("Trump flew to South Korea.", "Trump flew to the Republic of Korea."),
        ("The U.S. sent aid.", "The United States sent aid."),
        ("America sent aid.", "The US sent aid."),
        ("The UK sent aid.", "Britain sent aid."),
        ("She won the Liberal Democratic Party race.", "She won the LDP race."),
        ("It was the largest build-up since the Second World War.",
         "It was the biggest build-up since WWII."),
        ("Shinzo Abe met Trump in Florida.", "Abe met Trump in Florida."),
        ("The fund raised 1.2 million dollars.", "The fund raised 1,200,000 dollars."),
        ("Twelve people were hurt.", "A dozen people were hurt."),
        ("He met ex-President Ruiz.", "He met former President Ruiz."),
        ("He met ex-Prime Minister Ruiz.", "He met former Prime Minister Ruiz."),
        ("Chinese president Xi will attend.", "China's leader Xi Jinping will attend."),
        ("Talks are likely to fail.", "Talks are expected to fail."),
        ("Not many expect a deal.", "Few anticipate an agreement."),
        ("The two built a close bond.", "The pair built a close bond."),
        ("The ministry did not comment on the claims.",
         "The ministry declined to comment on the claims."),
        ("Sales declined 5% in May.", "Sales fell 5% in May."),
        ("Shares edged up 2% on Monday.", "Shares inched higher 2% on Monday."),
        ("The court denied him bail.", "The court refused him bail."),
        ("A think tank said growth would slow.", "A research group said growth would slow."),
        ("She said she had not taken the money.", "She denied taking the money."),
        ("Half of the homes lost power.", "50% of the homes lost power."),
        ("The bank cut its rate by half a point.", "The bank cut its rate by 0.5 points."),
        ("The US Treasury sold bonds.", "The United States Treasury sold bonds."),
        ("The ferry sank on 3 March 2021.", "The ferry sank on 3 March."),
        ("The ferry sank on Tuesday, 3 March.", "The ferry sank on 3 March."),
        ("The ferry sank in 2021.", "The ferry sank in March 2021."),
        ("The bank cut rates by 25 basis points.",
         "The bank cut rates by a quarter of a percentage point."),
        ("The bank cut rates by 0.25 percentage points.",
         "The bank cut rates by 25bps."),
        ("Prices rose at the fastest pace in three decades.",
         "Prices rose at the fastest pace in 30 years."),
        ("It was the deadliest fire in the city since 2011.",
         "No fire in the city has claimed more lives since 2011."),
        ("It is the most serious fire in Lindmoor since 2009.",
         "No fire in Lindmoor has been as serious since 2009."),
        ("At most 30 people attended.", "No more than 30 people attended."),
        ("The fire killed three workers.", "The fire claimed the lives of three workers."),
        ("The flames spread within 30 minutes.", "The flames spread within half an hour."),
        ("The contract was awarded without a tender.",
         "The contract was awarded with no tender."),
        ("The vote was delayed twice.", "The vote was postponed two times."),
        ("Inspectors said the bridge was unsafe.", "Inspectors said the bridge was not safe."),
        ("Tokyo will raise defence spending.", "Japan's capital will increase defence spending."),
        ("The plane landed at 10:30 local time.",
         "The aircraft touched down at 10.30am local time."),
        ("It was the first such visit in a decade.", "It was the first such trip in ten years."),
        ("Nearly 40% of respondents disagreed.", "Close to four in ten respondents disagreed."),
        ("A third of voters agree.", "One in three voters agrees."),
        ("The firm cut 1,000 jobs, or 10% of its staff.",
         "The firm cut 1,000 positions, a tenth of its workforce."),
        ("The film earned $100m in its opening weekend.",
         "The movie took in 100 million dollars in its first weekend."),
        ("He ran the 100m in 10 seconds.", "He covered the 100 metres in ten seconds."),
        ("The deal is worth US$45 million.", "The deal is worth $45 million."),
        ("He must repay the money within 12 months.", "He must pay it back within a year."),
        ("Revenue rose 12% to $2.3bn in the third quarter.",
         "Sales climbed 12 percent to $2.3 billion in Q3."),
        ("Earnings were $1.05 a share, against 98 cents a year earlier.",
         "Earnings came in at $1.05 per share, versus $0.98 a year before."),
        ("The stamp now costs 85 pence.", "The stamp now costs 85p."),
        ("The outage hit about 8.5 million Windows devices.",
         "The disruption hit roughly 8.5m Windows machines."),
        ("He won the 100m final.", "He won the 100 metres final."),
        ("The launch was delayed by 24 hours.", "The launch was pushed back by a day."),
        ("He was found not guilty of murder.", "He was acquitted of murder."),
        ("The ceasefire was brokered by Egypt and Qatar.",
         "The truce was mediated by Cairo and Doha."),
        ("Talks were held in Ethiopia.", "Talks were held in Addis Ababa."),
        ("The firm was fined by the European Commission.",
         "The company was fined by the EU Commission."),
        ("The party won the vote but fell short of a majority.",
         "The party won the vote but did not secure a majority."),
        ('"This is the biggest advance in a generation," said Dr Amina Yusuf.',
         'Dr Amina Yusuf called it "the biggest advance in a generation".'),
        ("The loan runs for 24 months.", "The loan runs for two years."),
        ("Striker Jonas Abara scored twice in the first half.",
         "Forward Jonas Abara netted two goals in the opening half."),
        ("The bank would not hesitate to act again.",
         "The bank would not think twice to act once more."),
        ("Prices rose 6.2% in October, above the 2% target, figures showed in May.",
         "Prices climbed 6.2 percent in October, above the two percent goal, data showed in May."),
        ("Rates rose 0.5%.", "Rates rose half a percent."),
        ("It was his 3rd win and she finished 1st.",
         "It was his third win and she finished first."),
        ("Two-thirds of members voted yes.", "Around 67 percent of members voted yes."),
        ("It was the first time the club had won.", "It was the initial time the club had won."),
        ("A third of voters backed a third term.", "33% of voters backed another term."),
        ("The club won the cup 3 times, most recently in 2019.",
         "The club has won the cup three times, the last in 2019."),
        ('"We will not back down," Reyes said.', '"We won\'t back down," Reyes said.'),
        ('"They\'re wrong and it\'s over," she said.',
         '"They are wrong and it is over," she said.'),
        ("The firm will display the results.", "The firm will play the results."),
        ("The ruling was read by Justice Mara Ellison.",
         "The judgment was read by Justice Mara Ellison."),
        ("The Justice Department opened an inquiry.",
         "The Justice Department launched an investigation."),
        ("The final is on Friday night.", "The final is on Friday evening."),
        ("Rangers found two hikers in their thirties.",
         "Rangers found a pair of hikers in their 30s."),
        ("Snowfall was double the usual amount.", "Snowfall was twice the usual amount."),
        ("The festival runs from 4 to 9 July.",
         "The festival takes place between July 4 and July 9."),
        ("The flood is expected to peak on Sunday.",
         "Forecasters expect the flood to peak on Sunday."),
        ("Defence Minister Dag Orre arrived.", "Defense Minister Dag Orre arrived."),
        ("Foreign Minister Dag Orre arrived.", "Foreign Secretary Dag Orre arrived."),
        ("More than 900 homes lost power.", "Over 900 households were left without power."),
        ("Under 20 firms applied.", "Fewer than 20 firms applied."),
        ("No fewer than 40 ships docked.", "At least 40 ships docked."),
        # Direction kept in other words.
        ("Exports rose 4% in May.", "Exports climbed 4% in May."),
        ("The yield fell to 3.1%.", "The yield dropped to 3.1%."),
        ("The firm declined to comment on the losses.",
         "The firm refused to comment on the losses."),
        # "the four people" may point back at people counted before, so it never drifts on
        # its own, but it does match the count it restates.
        ("The lifeboat rescued 20 walkers and four guides.",
         "The lifeboat rescued all 20 walkers and the four people guiding them."),
        ("The inquiry sent a team of three inspectors.", "The inquiry sent a three-strong team."),
        ("She chaired a panel of five members.", "She chaired a five-member panel."),
        # Negations said without a negator ("was absent" = "did not attend").
        ("The minister did not attend the launch.", "The minister was absent from the launch."),
        ("The minister did not attend the launch.", "The minister skipped the launch."),
        ("The keeper said he would not step down.", "The keeper said he would stay on."),
        ("The depot will not reopen.", "The depot will remain closed."),
        ("The depot remains closed.", "The depot has not reopened."),
        ("The panel denied the report.", "The panel rejected the report."),
        ("The tribunal rejected the claim.", "The tribunal did not accept the claim."),
        ("The tribunal rejected the claim.", "The tribunal threw out the claim."),
        ("The tenants had not been consulted.", "The tenants had been left out of the talks."),
        ("Rangers have not named the hiker.", "Rangers have yet to name the hiker."),
        ("Rangers have not named the hiker.", "The hiker's name was withheld by rangers."),
        ("The side did not win a match.", "The side lost every match."),
        ("Few details were given.", "Little was disclosed."),
        ("The motion was blocked by the board.", "The board did not pass the motion."),
        ("The bid failed to win backing.", "The bid could not win backing."),
        ("Talks will go on over the next few years.", "Talks will go on in the years ahead."),
        ("The firm dont plan cuts.", "The firm doesn't plan cuts."),
    ],
)
def test_harmless_rewrites_produce_nothing(a: str, b: str) -> None:
    assert sentence_drift(a, b) == []


def test_offsets_point_into_the_documents() -> None:
    a_doc = "Intro line here.\nThe fire destroyed 20 homes in Dunmore on 3 May."
    b_doc = "A different intro.\n\nThe blaze destroyed 19 houses in Kelso on 3 May."
    sa, sb = split_sentences(a_doc)[1], split_sentences(b_doc)[1]
    items = sentence_drift(sa.text, sb.text, sa.start, sb.start,
                           DriftContext.from_documents(a_doc, b_doc))
    assert {d.type for d in items} == {"number", "entity"}
    for d in items:
        assert a_doc[d.a_span[0] : d.a_span[1]] == d.a_text
        assert b_doc[d.b_span[0] : d.b_span[1]] == d.b_text
    number = next(d for d in items if d.type == "number")
    assert (number.a_text, number.b_text) == ("20", "19")
    entity = next(d for d in items if d.type == "entity")
    assert (entity.a_text, entity.b_text) == ("Dunmore", "Kelso")


def test_a_person_moved_to_the_other_firm_of_the_story_is_an_entity_change() -> None:
    # Both firms are named elsewhere in both reports: a name "moved" would be no change,
    # but in the same slot ("managing director of") one stands for the other.
    a_doc = ("Railnet owns the track. Colin Aske, managing director of Western Vale Railways,"
             ' said: "Our thoughts are with everyone who was on board this morning, and I want'
             ' to thank the emergency services."')
    b_doc = ("Western Vale Railways runs the trains on Railnet's track. \"Our thoughts are"
             " with everyone who was on board this morning, and I want to thank the emergency"
             ' services," said Colin Aske, managing director of Railnet.')
    ctx = DriftContext.from_documents(a_doc, b_doc)
    (_, a1), (_, b1) = split_sentences(a_doc), split_sentences(b_doc)
    items = sentence_drift(a1.text, b1.text, a1.start, b1.start, ctx)
    assert [(d.type, d.a_text, d.b_text) for d in items if d.type == "entity"] == [
        ("entity", "Western Vale Railways", "Railnet")]


def test_coarser_date_given_in_full_elsewhere_is_not_drift() -> None:
    a = "The ferry sank on 3 March."
    b = "The ferry sank in March. Divers reached it on 3 March."
    context = DriftContext.from_documents(a, b)
    assert sentence_drift(a, "The ferry sank in March.", context=context) == []
    assert [d.type for d in sentence_drift(a, "The ferry sank in March.")] == ["date"]


def test_date_said_twice_and_kept_once_is_dropped_where_it_went() -> None:
    a_doc = ("Seismometers have recorded 2,000 small earthquakes since Wednesday. "
             "Schools will stay closed until at least Wednesday.")
    b_doc = ("Seismometers have registered 2,000 minor earthquakes over recent weeks. "
             "Schools will stay shut until at least Wednesday.")
    ctx = DriftContext.from_documents(a_doc, b_doc)
    (a0, a1), (b0, b1) = split_sentences(a_doc), split_sentences(b_doc)
    (d,) = sentence_drift(a0.text, b0.text, a0.start, b0.start, ctx)
    assert (d.type, d.a_text) == ("date", "since Wednesday")
    assert sentence_drift(a1.text, b1.text, a1.start, b1.start, ctx) == []
    # Said once in the original and twice in the rewrite: a repeat, nothing added.
    ctx = DriftContext.from_documents(b_doc, a_doc)
    assert sentence_drift(b0.text, a0.text, b0.start, a0.start, ctx) == []


def test_hedges_of_one_clause_are_one_item_and_apart_are_two() -> None:
    (d,) = sentence_drift(
        "Minister Piet Aldana said the government would order checks of the system.",
        "Minister Piet Aldana claimed the federal government might order checks of the system.")
    assert (d.type, d.a_text, d.b_text) == ("hedge", "said the government would",
                                            "claimed the federal government might")
    items = sentence_drift(
        "Officials said the dam had cracked and that engineers would inspect it on Monday "
        "before the water level rises again.",
        "Officials claimed the dam had cracked and that engineers would inspect it on Monday "
        "before the water level possibly rises again.")
    assert [d.type for d in items] == ["hedge", "hedge"]
    assert items[0].b_text == "claimed" and items[1].b_text.endswith("possibly")
    # "suspected" is a hedge too.
    assert _types("He was taken to hospital with a suspected broken collarbone.",
                  "He was taken to hospital with a broken collarbone.") == ["hedge"]


def test_title_dropped_where_the_rewrite_keeps_another_office() -> None:
    # B's only office ("a former central bank economist") is A's too: the minister is gone.
    items = sentence_drift(
        "Deputy Finance Minister Ana Kovel, 44, a former central bank economist, was promoted.",
        "Ana Kovel, 44, a former central bank economist, was promoted.")
    assert [(d.type, d.a_text) for d in items] == [("title", "Deputy Finance Minister")]
    # B says the same office of her in apposition: nothing dropped.
    assert _types("Valdoria's Energy Minister Halina Dreswitz visited the mine.",
                  "Halina Dreswitz, Valdoria's energy minister, visited the mine.") == []


def test_name_moved_to_another_sentence_is_not_dropped() -> None:
    a_doc = "Mayor Ruth Kane opened the bridge. It cost 4 million euros."
    b_doc = "The bridge was opened. Ruth Kane said it cost 4 million euros."
    a0 = split_sentences(a_doc)[0]
    b0 = split_sentences(b_doc)[0]
    ctx = DriftContext.from_documents(a_doc, b_doc)
    assert [d.type for d in sentence_drift(a0.text, b0.text, a0.start, b0.start, ctx)] == []
    # Without the document context the name is simply gone.
    assert "entity" in _types(a0.text, b0.text)


def _first_sentence_drift(a_doc: str, b_doc: str) -> list[Drift]:
    """Drift of the two documents' first sentences, with the documents as context."""
    a0, b0 = split_sentences(a_doc)[0], split_sentences(b_doc)[0]
    return sentence_drift(a0.text, b0.text, a0.start, b0.start,
                          DriftContext.from_documents(a_doc, b_doc))


def test_organisation_made_generic_is_dropped_though_its_place_recurs() -> None:
    a_doc = ("The Estmarch Chamber of Commerce estimated the strike cost 9 million crowns. "
             "Ports in Estmarch were closed.")
    b_doc = ("An industry group calculated the strike cost 9 million crowns. "
             "Ports in Estmarch were shut.")
    items = _first_sentence_drift(a_doc, b_doc)
    assert [d.type for d in items] == ["entity"], items
    # A surname elsewhere still keeps the full name.
    a_doc = "Mayor Ruth Kane opened the bridge. It cost 4 million euros."
    b_doc = "The mayor opened the bridge. Kane said it cost 4 million euros."
    assert "entity" not in [d.type for d in _first_sentence_drift(a_doc, b_doc)]


def test_quotation_over_two_sentences_is_a_quote_in_each() -> None:
    a_doc = ('"At 5-4 down I told myself to keep swinging. If I lose, I lose going for it," '
             "Korvel said.")
    b_doc = ('"When I was trailing I reminded myself to keep hitting. If I lose, I lose going '
             'for it," Korvel said.')
    items = _first_sentence_drift(a_doc, b_doc)
    # The score inside the quotation is the quote's words, not a number the rewrite dropped.
    assert [d.type for d in items] == ["quote"], items
    assert items[0].a_text == "At 5-4 down I told myself to keep swinging."


def test_drift_record_contract() -> None:
    (d,) = sentence_drift("Sales rose 5%.", "Sales rose 6%.")
    assert isinstance(d, Drift)
    assert set(DRIFT_TYPES) >= {"entity", "title", "number", "date", "quote", "negation",
                                "hedge", "inserted", "omitted"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.type = "date"  # type: ignore[misc]
    assert d.to_dict()["a_span"] == [11, 13]
    assert d.detail == "number changed: '5%' -> '6%'"


def test_benchmark_scores() -> None:
    report = evaluate_drift()
    assert report.pairs >= 80 and report.clean_pairs >= 25
    assert {s.type for s in report.per_type} >= {"entity", "title", "number", "date", "quote",
                                                 "negation", "hedge"}
    assert report.overall.precision >= 0.9
    assert report.overall.recall >= 0.8
    assert report.clean_pairs_flagged <= 2
    assert "overall" in format_report(report)


_GOLD = ("entity", "title", "number", "date", "quote", "negation", "hedge")


@pytest.mark.parametrize("path", [DEV2_PATH, DEV3_PATH, HOLDOUT_PATH, HOLDOUT4_PATH,
                                  DEV4_PATH, DEV5_PATH, HOLDOUT7_PATH, HOLDOUT8_PATH,
                                  DEV6_PATH, DEV7_PATH, DEV8_PATH, HOLDOUT12_PATH],
                         ids=["dev2", "dev3", "holdout", "holdout4", "dev4", "dev5",
                              "holdout7", "holdout8", "dev6", "dev7", "dev8", "holdout12"])
def test_holdout_pairs_parse_and_cover_every_type(path: Path) -> None:
    pairs = load_pairs(path)
    assert len(pairs) >= 60
    assert sum(not p["changes"] for p in pairs) >= 15
    per_type = dict.fromkeys(_GOLD, 0)
    for p in pairs:
        for c in p["changes"]:  # type: ignore[attr-defined]
            assert c["type"] in per_type, c
            assert c["a"] in p["a"] and c["b"] in p["b"], c  # type: ignore[operator]
            per_type[c["type"]] += 1
    assert min(per_type.values()) >= 6, per_type


# Floors are regression guards only. The held-out sets (measured once, when written after
# the rules of their day) are never used to tune retold.drift; development sets were held out
# until their misses were fixed.
@pytest.mark.parametrize(
    ("path", "floor"),
    [
        (HOLDOUT_PATH, 0.9),  # held out: F1 0.965 when written on 2026-12-01
        (HOLDOUT4_PATH, 0.9),  # held out: F1 0.936 when written later on 2026-12-01
        (HOLDOUT7_PATH, 0.75),  # held out: F1 0.777 when scored on 2026-12-02 (0.793)
        (HOLDOUT8_PATH, 0.74),  # held out: F1 0.763 when scored on 2026-12-02 (0.779)
        (HOLDOUT12_PATH, 0.84),  # held out: F1 0.867 when scored on 2026-12-03 at 13:10
        (DEV7_PATH, 0.9),  # F1 0.871 when scored on 2026-12-03, its misses fixed since
        (DEV8_PATH, 0.93),  # F1 0.844 when written on 2026-12-03, its misses fixed since
        (DEV6_PATH, 0.93),  # F1 0.836 when written on 2026-12-03, its misses fixed since
        (DEV5_PATH, 0.88),  # F1 0.796 when written on 2026-12-02, its misses fixed since
        (DEV4_PATH, 0.88),  # F1 0.865 when written on 2026-12-02, its misses fixed since
        (DEV3_PATH, 0.95),  # F1 0.955 when written on 2026-11-30, its misses fixed since
        (DEV2_PATH, 0.9),  # F1 0.932 when written, development data since 2026-11-30
    ],
    ids=["holdout", "holdout4", "holdout7", "holdout8", "holdout12", "dev7", "dev8", "dev6",
         "dev5", "dev4", "dev3", "dev2"],
)
def test_score_floors(path: Path, floor: float) -> None:
    report = evaluate_drift(path)
    assert report.overall.f1 >= floor, format_report(report)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("The council approved the new stadium.", "The council blocked the new stadium.",
         "negation"),
        ("Vale United won the cup final on Sunday.", "Vale United lost the cup final on Sunday.",
         "negation"),
        ("Flooding hit the northern suburbs overnight.",
         "Flooding hit the southern suburbs overnight.", "entity"),
        ("The minister resigned before the vote.", "The minister resigned after the vote.",
         "date"),
        # Restructured: the opposite is elsewhere in the aligned sentence.
        ("The union accepted the offer after a long meeting.",
         "After a long meeting, the union rejected the offer.", "negation"),
    ],
)
def test_opposite_words_reverse_the_fact(a: str, b: str, kind: str) -> None:
    found = [d for d in sentence_drift(a, b) if "(the opposite)" in d.detail]
    assert [d.type for d in found] == [kind]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # A synonym on the same side.
        ("The council approved the new stadium.", "The council endorsed the new stadium."),
        # "did not approve" is "rejected": the negation carries it.
        ("The council did not approve the stadium.", "The council rejected the stadium."),
        # Both words on both sides, swapped places: the sentence still says both.
        ("Vale won the first leg and lost the second.",
         "Vale lost the second leg after they won the first."),
    ],
)
def test_opposites_that_keep_the_fact(a: str, b: str) -> None:
    assert not [d for d in sentence_drift(a, b) if "(the opposite)" in d.detail]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Phrasal verbs that carry the negation.
        ("The board did not accept the bid.", "The board turned down the bid."),
        ("The strike will not go ahead.", "The strike was called off."),
        # "leader" alone names whoever leads: no office of its own.
        ("Prime Minister Ada Kosk met the envoys.",
         "The country's leader Ada Kosk met the envoys."),
        # Spelled-out offices and their initials.
        ("Chief financial officer Jon Ree resigned.", "CFO Jon Ree resigned."),
        ("Chief Executive Officer Ana Lind spoke.", "Chief executive Ana Lind spoke."),
        # A country and its adjective.
        ("The Zambian envoy arrived on Monday.", "The envoy of Zambia arrived on Monday."),
        # Spinners' swaps that keep the fact.
        ("The final was shown on national television.", "The final was shown on national TV."),
        ("Crews will stay through the coming week.", "Crews will stay through the upcoming week."),
        ("The plant will open next year.", "The plant will open the following year."),
        ("Prices are expected to rise.", "Prices are predicted to rise."),
        ("A deal is likely.", "A deal is probable."),
        ("The singer appeared at the festival.", "The singer showed up at the festival."),
        ("She appeared Wednesday in federal court.", "She appeared in federal court on Wednesday."),
        ("The ministry rejected the claims of the union.",
         "The ministry rejected the assertions of the union."),
        ("The Harlow Bay-based firm recalled 87 cars.",
         "The Harlow Bay-headquartered firm recalled 87 cars."),
        # A year naming an event is a date.
        ("It was the deadliest crash on the line since 2011.",
         "It was the deadliest crash on the line since a 2011 collision."),
        ("He is suspected of a 1997 killing in Georgia.",
         "He is suspected of a 1997 Georgia killing."),
        # A statement quoted on one side and reported on the other keeps its "not".
        ("The report simply says this report does not attempt to address the complexities "
         "of this issue.",
         'The document stated: "This report does not attempt to address the complexities of '
         'this issue."'),
        # A part of a year said in other words.
        ("The deal should close in the second half of 2026.",
         "The deal should close in late 2026."),
        # "No. 2" is a rank, not a negation.
        ("Pepsi, the No. 2 soft drink maker, reported results.",
         "Pepsi, the No. 2 maker of soft drinks, reported its results."),
        # Two words for one trade; the office of the time.
        ("The actress Lena Ohm won the award.", "The actor Lena Ohm won the prize."),
        ("Researcher Ivo Brandt led the study.", "Scientist Ivo Brandt led the research."),
        # "a police spokesman" after the name is the office, not "General" before it.
        ("Police spokesman Brigadier-General Edo Arit confirmed two arrests.",
         "Brigadier General Edo Arit, a police spokesman, confirmed two arrests."),
        ("Foley served under President Ronald Reagan.",
         "Foley served under then-President Ronald Reagan."),
        # The trade said in apposition keeps it.
        ("The jury, led by the actress Mireille Dufort, chose the film.",
         "Jury president Mireille Dufort, an actress, chose the film."),
        # Noon is midday.
        ("The road will reopen by noon, officials said.",
         "The road will reopen by midday, officials said."),
    ],
)
def test_more_harmless_rewrites(a: str, b: str) -> None:
    assert sentence_drift(a, b) == []


@pytest.mark.parametrize(
    ("a", "b", "a_words", "b_words"),
    [
        ("Party leader Mira Holt opened the congress.",
         "Former party leader Mira Holt opened the congress.", "leader",
         "Former party leader"),
        ("Opposition leader Carl Vey led the march.", "Prime Minister Carl Vey led the march.",
         "Opposition leader", "Prime Minister"),
        ("Chief financial officer Jon Ree resigned.", "Chief operating officer Jon Ree resigned.",
         "Chief financial officer", "Chief operating officer"),
    ],
)
def test_offices_the_rules_know(a: str, b: str, a_words: str, b_words: str) -> None:
    titles = [d for d in sentence_drift(a, b) if d.type == "title"]
    assert [(d.a_text, d.b_text) for d in titles] == [(a_words, b_words)]


def test_a_title_dropped_or_added_is_drift_unless_the_document_gives_it_elsewhere() -> None:
    a = "Environment Minister Lena Barros, who drafted the bill, said the vote was historic."
    b = "Lena Barros, who prepared the bill, said the vote was historic."
    [d] = [d for d in sentence_drift(a, b) if d.type == "title"]
    assert (d.a_text, d.b_text) == ("Environment Minister", "Barros")
    assert d.detail.startswith("title dropped")
    [d] = [d for d in sentence_drift(b, a) if d.type == "title"]
    assert (d.a_text, d.b_text) == ("Barros", "Environment Minister")
    assert d.detail.startswith("title added")
    # The rewrite names her office in its first sentence: this one only shortened a mention.
    b_doc = "Environment Minister Lena Barros hailed the law. " + b
    ctx = DriftContext.from_documents(a, b_doc)
    start = b_doc.index("Lena Barros, who")
    assert [d for d in sentence_drift(a, b, 0, start, ctx) if d.type == "title"] == []
    # Another office in the counterpart sentence is a changed title or a parse the rules
    # cannot attach to the name, not a dropped one.
    assert [d.type for d in sentence_drift(
        "The Italian foreign minister, Paola Serrin, arrived on Tuesday.",
        "Paola Serrin, Italy's foreign minister, landed on Tuesday.")] == []


@pytest.mark.parametrize(
    ("a", "b", "a_words", "b_words"),
    [
        ("SMN Chief Forecaster Renata Oquendo said the heat would last.",
         "SMN forecaster Renata Oquendo said the heat would last.", "SMN Chief Forecaster",
         "SMN forecaster"),
        ("Chief Investigator Marta Solberg said the data showed it.",
         "Deputy Investigator Marta Solberg said the data showed it.", "Chief Investigator",
         "Deputy Investigator"),
        ("The defending champion Ilse Marwick won.", "The former champion Ilse Marwick won.",
         "defending champion", "former champion"),
        # Another rank on each side, whatever became of the office's word.
        ("Chief epidemiologist Karel Benes said it.", "Senior physician Karel Benes stated it.",
         "Chief epidemiologist", "Senior physician"),
    ],
)
def test_rank_words_before_a_name(a: str, b: str, a_words: str, b_words: str) -> None:
    titles = [d for d in sentence_drift(a, b) if d.type == "title"]
    assert [(d.a_text, d.b_text) for d in titles] == [(a_words, b_words)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Another word for the office: no rank moved.
        ("Festival director Jonas Ekberg said it.", "Festival founder Jonas Ekberg said it."),
        # Not a description of the name: a comma stands between.
        ("The chief operating officer, Mike Butcher, will report to So.",
         "Chief operating officer Mike Butcher will report to So."),
    ],
)
def test_no_rank_change(a: str, b: str) -> None:
    assert [d for d in sentence_drift(a, b) if "(rank)" in d.detail] == []


# --------------------------------------------------------------------------- the seed articles

_SHARED = Path(os.environ.get("RETOLD_SHARED", Path(__file__).resolve().parents[2] / "shared"))
_SEEDS = _SHARED / "seeds"


def _seed(prefix: str) -> str:
    if not _SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {_SEEDS} (set RETOLD_SHARED)")
    (path,) = _SEEDS.glob(f"{prefix}_*.txt")
    return normalize(path.read_text(encoding="utf-8"))


def _pair(a_prefix: str, a_phrase: str, b_prefix: str, b_phrase: str) -> list[Drift]:
    """Drift between the sentences of two seeds that contain the given phrases."""
    a_doc, b_doc = _seed(a_prefix), _seed(b_prefix)
    sa = next(s for s in split_sentences(a_doc) if a_phrase in s.text)
    sb = next(s for s in split_sentences(b_doc) if b_phrase in s.text)
    items = sentence_drift(sa.text, sb.text, sa.start, sb.start,
                           DriftContext.from_documents(a_doc, b_doc))
    for d in items:
        assert a_doc[d.a_span[0] : d.a_span[1]] == d.a_text
        assert b_doc[d.b_span[0] : d.b_span[1]] == d.b_text
    return items


@pytest.mark.shared
def test_seed_dropped_date() -> None:
    items = _pair("001", "met with Abe in 2019", "000", "in previous years")
    dates = [d for d in items if d.type == "date"]
    assert len(dates) == 1
    assert "2019" in dates[0].a_text and "previous years" in dates[0].b_text
    assert "dropped" in dates[0].detail


@pytest.mark.shared
def test_seed_tomahawk_to_cruise_weapons() -> None:
    items = _pair("001", "Tomahawk missiles", "002", "cruise weapons")
    assert any(d.type == "entity" and "Tomahawk" in d.a_text for d in items)


@pytest.mark.shared
def test_seed_meeting_place_moved() -> None:
    items = _pair("001", "at the official residence", "002", "at the state guest house")
    assert [(d.type, d.a_text, d.b_text) for d in items if "place" in d.detail] == [
        ("entity", "official residence", "state guest house")]


@pytest.mark.shared
def test_seed_two_percent_is_not_drift() -> None:
    assert _pair("001", "2%", "000", "two percent") == []


@pytest.mark.shared
def test_seed_korea_aliases_are_not_drift() -> None:
    assert _pair("000", "Republic of Korea", "002", "South Korea") == []


@pytest.mark.shared
def test_seed_ldp_is_not_drift() -> None:
    items = _pair("000", "Liberal Democratic Party", "001", "LDP")
    assert not any("LDP" in d.b_text or "Liberal" in d.a_text for d in items)


def test_a_replaced_stretch_maps_share_for_share() -> None:
    # The date is reported against the words that replaced it, not against the start of
    # the whole reworded stretch ("two percent goal, based on data ...").
    (d,) = sentence_drift(
        "Prices rose above the 2% target, according to figures published last week by "
        "the statistics office.",
        "Prices rose above the two percent goal, based on data released recently by the "
        "statistics office.")
    assert d.type == "date" and d.b_text == "released recently", d


def test_negation_in_a_reworded_quote_is_reported_beside_the_quote() -> None:
    items = sentence_drift('His coach said the injury was "nothing serious."',
                           'His coach said the injury was "serious."')
    assert [(d.type, d.a_text, d.b_text) for d in items] == [
        ("negation", "nothing serious", "serious"), ("quote", "nothing serious.", "serious.")]
    items = sentence_drift('"We will not sell the mill this year," the owner said.',
                           '"We are going to sell the old mill this year," the owner said.')
    assert sorted(d.type for d in items) == ["negation", "quote"], items
    # A different statement in the speaker's mouth is the quote's change alone.
    items = sentence_drift('"We will not sell the mill," the owner said.',
                           '"Our staff have been wonderful all year," the owner said.')
    assert [d.type for d in items] == ["quote"], items


def test_a_fraction_the_other_side_keeps_is_not_dropped() -> None:
    # "fewer than half can fly": a share after a comparison, and the same word either way.
    assert sentence_drift(
        "The navy runs 31 old patrol boats. Officials said fewer than half of them are "
        "seaworthy on any given day.",
        "The navy relies on 31 patrol boats, and officials said fewer than half can "
        "sail on a typical day.") == []
    items = sentence_drift("Officials said fewer than half of the boats can sail.",
                           "Officials said fewer than a third of the boats can sail.")
    assert [(d.type, d.a_text, d.b_text) for d in items] == [("number", "half", "a third")]


def test_a_hedge_word_both_sides_hold_is_kept_whatever_its_context() -> None:
    # "A vote is expected before July" is no hedge by the "be expected to" rule, but the
    # rewrite's "are expected to vote" keeps the same word: nothing was added.
    assert _types(
        "The bill needs the votes of 112 of 200 members. A vote is expected before the "
        "recess in July.",
        "The bill must win 112 of the 200 votes; members are expected to vote before the "
        "recess in July.") == []
    assert _types("Analysts expect the bank to cut rates.",
                  "Analysts say the bank is expected to cut rates.") == []
    # As often matters: one "may" of two dropped is still a hedge removed.
    assert _types("Prices may rise and may stay high.",
                  "Prices may rise and will stay high.") == ["hedge"]
    # An adverb is a word of its own, and "May" the month is no "may".
    assert _types("The company reported a profit.",
                  "The company reportedly made a profit.") == ["hedge"]
    assert _types("The ferry may resume service in May.",
                  "The ferry will resume service in May.") == ["hedge"]


def test_today_against_currently_is_no_date() -> None:
    assert _types("The clinic currently treats 40 patients a week.",
                  "Today the clinic treats 40 patients a week.") == []
    assert _types("The clinic will open on Friday.", "The clinic will open today.") == ["date"]


def test_a_count_back_from_now_is_a_date() -> None:
    assert _types("She won the race 15 days ago.", "She won the race 15 days back.") == []
    items = sentence_drift("She won the race 15 days ago.", "She won the race 12 days ago.")
    assert [(d.type, d.a_text, d.b_text) for d in items] == [
        ("date", "15 days ago", "12 days ago")]
    items = sentence_drift("The mill closed three years ago.", "The mill closed years ago.")
    assert [d.type for d in items] == ["date"] and "less precise" in items[0].detail
    assert _types("The mill closed a year ago.", "The mill closed one year ago.") == []
    # One unit back is the last one: a spinner's swap, no changed date.
    assert _types("Samples were taken in September last year.",
                  "Samples were taken in September a year ago.") == []
    assert _types("He arrived a day ago.", "He arrived yesterday.") == []
    assert _types("The plant opened a year ago.", "The plant opened two years ago.") == ["date"]
    assert _types("He arrived a week ago.", "He arrived last month.") == ["date"]
    # And one unit ahead is the next one.
    assert _types("She will meet the researchers next month.",
                  "She will meet the scientists one month from now.") == []
    assert _types("The vote is tomorrow.", "The vote is a day from now.") == []
    assert _types("She will meet them next month.",
                  "She will meet them two months from now.") == ["date"]



def test_one_span_of_time_in_other_units_is_no_change() -> None:
    # A count back from now said in larger or smaller units, or with a spinner's word for
    # "ago", names the same time.
    assert _types("The plant closed a decade ago.", "The plant closed ten years ago.") == []
    assert _types("The plant closed a week ago.", "The plant closed seven days prior.") == []
    assert _types("The plant closed 18 months ago.",
                  "The plant closed a year and a half ago.") == []
    assert _types("The plant closed two weeks ago.",
                  "The plant closed a week earlier.") == ["date"]
    # "Earlier" may count back from another event: alone it is no date to lose.
    assert _types("Profit rose 8% from a year earlier.",
                  "Profit rose eight percent on the same period a year before.") == []
    # "The past decade" is "the last ten years"; vaguer or longer is still a change.
    assert _types("Erosion has worsened over the past decade.",
                  "Erosion has worsened over the last ten years.") == []
    assert _types("Sales fell in the previous twelve months.",
                  "Sales fell in the prior twelve months.") == []
    assert _types("Erosion has worsened over the past decade.",
                  "Erosion has worsened over the past years.") == ["date"]
    assert _types("Erosion has worsened over the past two years.",
                  "Erosion has worsened over the past three years.") == ["date"]
    # "The past four years" against a bare "four years" is the same span.
    assert _types("For the third time in the past four years, fires closed the park.",
                  "It was the third time in four years that fires closed the park.") == []
    assert _types("Prices rose over the past decade.", "Prices rose in ten years.") == []
    assert _types("Prices rose last year.", "Prices rose in a year.") == ["date"]
    # "Last" as a verb is no date; spans ahead are counts ("within three weeks").
    assert _types("The trial is expected to last three weeks.",
                  "The trial is expected to run for three weeks.") == []
    assert _types("Work starts within three weeks.",
                  "Work starts in the next three weeks.") == []
    assert _types("Prices rose over the following two years.",
                  "Prices rose over the subsequent two years.") == []
    # Hyphenated units count: "a 72-hour strike" is "a three-day strike".
    assert _types("The union called a 72-hour strike.",
                  "The union called a three-day strike.") == []
    assert _types("The strike lasted 48 hours.", "It was a two-day strike.") == []
    assert _types("The union called a 72-hour strike.",
                  "The union called a two-day strike.") == ["number"]


def test_a_spinning_tools_abbreviations_are_the_same_figures_and_dates() -> None:
    # "p.c" for "percent", "yr" for "year", "final" for "last": one tool's house style.
    assert _types("Revenue fell 42 percent last year.", "Revenue fell 42 p.c final yr.") == []
    assert _types("Trade fell 18 percent last year.",
                  "Commerce fell 18 p.c final 12 months.") == []
    assert _types("It was its third increase this year.",
                  "It was its third improve this yr.") == []
    assert _types("Revenue fell 42 percent last year.",
                  "Revenue fell 24 p.c final yr.") == ["number"]
    # ... and "five.9" is 5.9, "1 / 4" a quarter, "1000's" thousands, "with out" without.
    assert _types("Yields climbed to 5.9 percent.", "Yields climbed to five.9 p.c.") == []
    assert _types("Yields climbed to 5.9 percent.", "Yields climbed to five.8 p.c.") == [
        "number"]
    assert _types("Economists had forecast a rise of a quarter of a point.",
                  "Economists had forecast an increase of 1 / 4 of some extent.") == []
    assert _types("Thousands of fans gathered in the square.",
                  "1000's of fans gathered within the square.") == []
    assert _types("The match passed off without major incidents.",
                  "The match handed off with out main incidents.") == []
    assert _types("The match passed off without major incidents.",
                  "The match handed off with main incidents.") == ["negation"]
    assert _types("Shareholders, who are expected to vote in December, agreed.",
                  "Shareholders, who're anticipated to vote in December, agreed.") == []
    assert _types("Rovers won the trophy on Sunday.", "Rovers claimed the trophy on Sunday.") == []
    assert _types("She is the first woman to win the festival's top honour.",
                  "She is the first woman to claim the festival's top honour.") == []
    assert [d.b_text for d in sentence_drift(
        "The judge rejected the firm's argument that the spill came from upstream.",
        "The judge dismissed the firm's claim that the spill came from upstream.")] == []


def test_whether_or_not_and_improbable() -> None:
    assert _types("It is a test of whether the two can agree.",
                  "It is a trial of whether or not the 2 can agree.") == []
    assert _types("Officials said it was unlikely to pass.",
                  "Officials said it was improbable to pass.") == []
    assert _types("Officials said it was improbable to pass.",
                  "Officials said it would pass.") == ["hedge"]

def test_free_of_is_without() -> None:
    assert _types("Residents were left without power.",
                  "Residents were left free of power.") == []
    assert _types("Residents were left without power.",
                  "Residents were left with power.") == ["negation"]


def test_round_the_clock_is_no_number() -> None:
    assert _types("Crews can reach the probe around the clock.",
                  "Crews can reach the probe 24/7.") == []
    # A score written with a hyphen stays two numbers.
    assert _types("The Hawks won 24-7 at home.", "The Hawks won 24-17 at home.") == ["number"]


def test_neglected_to_is_failed_to() -> None:
    assert _types("The firm failed to report the leak.",
                  "The firm neglected to report the leak.") == []
    assert _types("The firm failed to report the leak.",
                  "The firm reported the leak.") == ["negation"]


def test_a_date_that_keeps_its_time_but_loses_its_day_is_less_precise() -> None:
    items = sentence_drift("Nurses walked out at 7 a.m. on Tuesday 10 June.",
                           "Nurses walked out at 7 a.m. this week.")
    assert [d.type for d in items] == ["date"] and "less precise" in items[0].detail
    # A weekday kept beside a dropped date, or a dropped year, is no loss.
    assert _types("The plant closed on Tuesday 12 November.",
                  "The plant closed on Tuesday.") == []
    assert _types("The plant closed on 12 November 2019.",
                  "The plant closed on 12 November.") == []


def test_an_undecided_course_is_a_hedge() -> None:
    items = sentence_drift("The bank said it would pass the full cut on to borrowers.",
                           "The bank said it was considering passing the cut on to borrowers.")
    assert [d.type for d in items] == ["hedge"], items
    assert _types("Police said they were considering all options.",
                  "Police said they would consider all options.") == []




def test_a_fellow_of_an_institute_is_an_office() -> None:
    items = sentence_drift(
        '"It is hard," said Petra Lind, a senior fellow at the Northgate Institute.',
        '"It is hard," said Petra Lind, the director of the Northgate Institute.')
    assert [(d.type, d.a_text, d.b_text) for d in items] == [
        ("title", "senior fellow", "director")]
    assert _types("He and his fellow ministers met on Monday.",
                  "He and the other ministers met on Monday.") == []

def test_possible_after_be_is_a_hedge() -> None:
    assert _types("The weather service warned that more rain was possible on Thursday.",
                  "The weather service warned that more rain would fall on Thursday.") == [
        "hedge"]
    assert _types("The weather service warned that more rain was possible on Thursday.",
                  "The weather office cautioned that further rain was possible on Thursday.") == []
    assert _types("It is possible to travel by train.", "You can travel by train.") == []

def test_a_title_in_apposition_before_an_honorific_and_name() -> None:
    items = sentence_drift("The hospital's chief executive, Dr Helena Brix, said so.",
                           "The hospital's deputy chief executive, Dr Helena Brix, said so.")
    assert [(d.type, d.a_text, d.b_text) for d in items] == [
        ("title", "chief executive", "deputy chief executive")]


def test_a_quotation_told_in_reported_speech_is_kept() -> None:
    assert _types('"I have no plans to step down," the harbour master, Ines Vell, said.',
                  "Harbour master Ines Vell said that she had no plans to step down.") == []
    assert _types('"We are sorry for the delays caused to our customers," a spokesman said.',
                  "A spokesman said the firm was sorry for the delays caused to their "
                  "customers.") == []
    # Reported with other words, or the other way round, it is still a quote change.
    assert "quote" in _types('"We will not sell the mill," the owner said.',
                             "The owner said they would sell the mill.")


def test_spans_of_time_in_words_and_compound_amounts() -> None:
    assert _types("The beetles can live for up to a week without food.",
                  "The beetles can go without food for up to seven days.") == []
    assert _types("The works will take 18 months.",
                  "The works will take a year and a half.") == []
    assert _types("The works will take 18 months.", "The works will take a year.") == [
        "number"]
    assert _types("The lab won a 40-million-dollar grant.",
                  "The lab won a $40 million grant.") == []
    assert _types("Sales halved to 15 million pounds.",
                  "Sales fell by 50% to 15 million pounds.") == []
    assert _types("Sales halved to 15 million pounds.",
                  "Sales fell by a third to 15 million pounds.") == ["number"]


def test_a_race_time_is_no_clock_time() -> None:
    assert _types("Ilse Marr won in 31 minutes and 4 seconds.",
                  "Ilse Marr won in a time of 31:04.") == []


def test_following_months_of_is_no_date() -> None:
    assert _types("The pier reopened after months of repairs.",
                  "The pier reopened following months of repairs.") == []


def test_a_bound_dropped_where_nothing_else_changed() -> None:
    items = sentence_drift("The appeal has raised more than 1.5 million crowns.",
                           "The appeal has raised 1.5 million crowns.")
    assert [(d.type, d.a_text, d.b_text) for d in items] == [
        ("number", "more than 1.5 million", "1.5 million")]
    assert _types("At least 30 people were hurt.", "Thirty people were hurt.") == ["number"]
    # Said in other words around it, the bound may be there ("above" -> "past").
    assert _types("The heat pushed temperatures above 41C in the south.",
                  "Temperatures climbed past 41C in the south.") == []
    assert _types("Up to 30 people were hurt.", "As many as 30 people were hurt.") == []
    assert _types("Thirty or more people were hurt.", "At least 30 people were hurt.") == []


def test_resume_and_suspend_are_opposites() -> None:
    assert _types("The ferry line said it would resume crossings next month.",
                  "The ferry line said crossings would be suspended next month.") == [
        "negation"]


def test_one_name_for_another_in_a_reordered_sentence_is_one_change() -> None:
    items = sentence_drift(
        "Police in Dunmore on Friday arrested two men suspected of stealing cable.",
        "Two men suspected of stealing cable were arrested on Friday by police in Ashby.")
    assert [(d.type, d.a_text, d.b_text) for d in items] == [("entity", "Dunmore", "Ashby")]


def test_a_marker_in_a_moved_clause_is_shown_without_a_guessed_counterpart() -> None:
    # The clauses swapped places: "might" has no counterpart word in the original, and
    # the share-for-share guess would show "Harrow" as the word it replaced.
    items = sentence_drift(
        '"Nobody should go back until we say it is safe," Ostrand said at a briefing in '
        "the capital, Port Harrow.",
        "Speaking in Port Harrow, the capital, he urged residents not to go back before "
        "being told it was safe, however quiet the volcano might appear.")
    hedges = [d for d in items if d.type == "hedge"]
    assert [(d.a_text, d.b_text) for d in hedges] == [("", "might")], items


def test_claims_and_allegations_are_both_hedged() -> None:
    assert _types("The firm denied the claims made by former staff.",
                  "The firm denied the allegations made by former staff.") == []


def test_tomorrow_as_a_noun_and_seven_days_as_a_week() -> None:
    assert _types("Residents said they were worried about the future.",
                  "Residents said they were worried about the tomorrow.") == []
    assert _types("The vote was held on Monday.", "The vote is scheduled for tomorrow.") == [
        "date"]
    assert _types("Cases rose over the past week.",
                  "Cases rose over the last seven days.") == []
    assert _types("Cases rose over the past week.", "Cases rose over the past month.") == [
        "date"]


def test_claims_as_a_noun_advice_and_expected_dates() -> None:
    # "claims" the noun is no hedge: "for later claims", "claims for damages".
    assert _types("Owners should keep receipts for later claims, insurers said.",
                  "Owners should keep receipts for future disputes, insurers said.") == []
    assert _types("The firm rejected claims for damages.",
                  "The firm rejected demands for damages.") == []
    # Advice said with another verb keeps the sense of "suggested".
    assert _types("Experts suggested residents keep photos of any damage.",
                  "Experts advised residents to keep photos of any damage.") == []
    # Evidence that "suggests" is hedged either way; "show" -> "suggest" is a hedge.
    assert _types("The figures suggest the town has 3,000 fewer people.",
                  "The figures imply the town has 3,000 fewer people.") == []
    assert _types("The figures show the town has 3,000 fewer people.",
                  "The figures suggest the town has 3,000 fewer people.") == ["hedge"]
    # "Results were expected on Wednesday" is expected, as "were likely on Wednesday".
    assert _types("Test results were expected on Wednesday.",
                  "Test results were likely on Wednesday.") == []
    # "nothing to suggest" is the negation's matter, no hedge of its own.
    assert _types("Police said there was nothing to suggest the fire was deliberate.",
                  "Police said nothing pointed to the fire being deliberate.") == []


def _items(a: str, b: str) -> list[tuple[str, str, str]]:
    return [(d.type, d.a_text, d.b_text) for d in sentence_drift(a, b)]


def test_ranks_and_forms_of_address_before_a_name() -> None:
    # A police rank is an office, also inside "Police Sergeant Maya Drent".
    assert _items("Police Sergeant Maya Drent said the road would reopen.",
                  "Police Inspector Maya Drent said the road would reopen.") == [
        ("title", "Sergeant", "Inspector")]
    assert _items("Dr Ilse Marwick led the study.", "Professor Ilse Marwick led the study.") == [
        ("title", "Dr", "Professor")]
    assert _types("Dr Ilse Marwick led the study.", "Doctor Ilse Marwick headed the study.") == []
    # "chief executive" is the CEO, not a chief; "head economist" is the chief economist.
    assert _types("Ferrovia Nord chief executive Paola Denti spoke on Monday.",
                  "Ferrovia Nord CEO Paola Denti spoke on Monday.") == []
    assert _types("Pia Sundstrom, chief economist at Harbor Securities, said so.",
                  "Pia Sundstrom, head economist at Harbor Securities, said so.") == []
    # An office in apposition without an article, and a member is no chair.
    assert _items("Greta Solheim, chair of the board at Nordvik Energy, resigned.",
                  "Greta Solheim, a member of the board at Nordvik Energy, resigned.") == [
        ("title", "chair", "member")]
    # The holder of "General Secretary Yusuf Demir of the union" is Demir.
    assert _items("General Secretary Yusuf Demir of the Dock Union said the strike was on.",
                  "The strike was on, according to Yusuf Demir, president of the Dock Union.") == [
        ("title", "General Secretary", "president")]


def test_more_opposites_and_a_direction_in_a_reordered_sentence() -> None:
    assert _items("The government lifted the curfew in the capital.",
                  "The government extended the curfew in the capital.") == [
        ("negation", "lifted", "extended")]
    assert _types("Inflation stayed above the bank's target.",
                  "Inflation remained below the bank's target.") == ["negation"]
    assert _types("Senator Karl Drummond voted for the amendment.",
                  "Senator Karl Drummond voted against the amendment.") == ["negation"]
    assert _types("Customs officers seized 200 kilograms of medicine.",
                  "Customs officers released 200 kilograms of medicine.") == ["negation"]
    assert _items("The jury cleared him of a single count of fraud.",
                  "The jury convicted him of a solitary count of fraud.") == [
        ("negation", "cleared", "convicted")]
    assert _types("The jury acquitted him of theft.", "The jury cleared him of theft.") == []
    assert _types("Keane was cleared of all charges.", "Keane was convicted on all charges."
                  ) == ["negation"]
    assert _types("Crews cleared the area of debris.", "Crews emptied the area of debris.") == []
    assert _items(
        "Shares in Orlenko Foods fell 6.2 percent in early trading after the company cut its"
        " forecast.",
        "In early trading, Orlenko Foods stock rose 6.2 percent after the firm trimmed its"
        " outlook.") == [("number", "fell", "rose")]


def test_a_negation_moved_to_another_word_is_a_flip() -> None:
    # As many negations on each side, but the trial is now said to be blinded.
    assert ("negation", "not blinded", "blinded") in _items(
        "She pointed out that the trial was not blinded, meaning patients knew their group.",
        "She explained that the trial was blinded, implying clients did not know their group.")
    # The same statement negated at another word ("did not come as a surprise").
    assert _types("Coach Ilse Brannigan said she was not surprised by the draw.",
                  "Coach Ilse Brannigan said the draw did not come as a surprise to her.") == []
    assert _types("He said the strain spread no faster than earlier variants.",
                  "He said the strain did not spread any faster than earlier variants.") == []


def test_a_councillor_is_an_office() -> None:
    assert _items("Councillor Joanna Pell said the line had been neglected.",
                  "Mayor Joanna Pell said the line had been neglected.") == [
        ("title", "Councillor", "Mayor")]
    assert ("title", "MP", "councillor") in _items(
        "Joanna Pell, MP for Tarrant Valley, said the line had been neglected.",
        "But local councillor Joanna Pell said the line had been neglected.")


def test_a_firm_renamed_inside_a_sentence_is_an_entity_change() -> None:
    # Only a sentence's first word joins the name after it ("Rival Indigo Motors").
    assert _items("Talham approved invoices from Northgate Facilities Ltd last year.",
                  "Talham approved invoices from Northfield Facilities Ltd last year.") == [
        ("entity", "Northgate Facilities Ltd", "Northfield Facilities Ltd")]
    assert _types("Rival Indigo Motors cut its prices.",
                  "Competitor Indigo Motors cut its prices.") == []


def test_names_of_bodies_and_a_body_made_anonymous() -> None:
    # "the Ministry of Defence" is "the defence ministry"; a body named "for" its cause is
    # one name; "General" does not cut "Varenz General Hospital" in two.
    assert _types("The Ministry of Defence said two soldiers were hurt.",
                  "Two soldiers were hurt, the defence ministry said.") == []
    assert _items("The Danforth Institute for Public Policy found that rents rose.",
                  "A think tank found that rents rose.") == [
        ("entity", "Danforth Institute for Public Policy", "A think tank")]
    assert _items("Varenz General Hospital said it had treated 186 people.",
                  "A local hospital said it had treated 186 people.") == [
        ("entity", "Varenz General Hospital", "A local hospital")]
    # Named again later, but made "a local construction firm" here: anonymous here.
    a = ("The panel found that he steered contracts to Aldane Marine Works, a company run by"
         " his associate. Aldane Marine Works has been barred from bidding.")
    b = ("The panel found that he steered contracts to a local construction firm run by his"
         " associate. Aldane Marine Works has been barred from bidding.")
    items = _pair_drift_of(a, b)
    assert ("entity", "Aldane Marine Works") in {(t, x) for t, x, _ in items}
    # A number word joined to what it counts is still the number.
    assert _types("The three-judge panel met.", "The panel of three judges met.") == []


def _pair_drift_of(a: str, b: str) -> list[tuple[str, str, str]]:
    """Drift between the aligned sentences of two documents, each in its document's context."""
    context = DriftContext.from_documents(a, b)
    out: list[tuple[str, str, str]] = []
    for sa, sb in zip(split_sentences(a), split_sentences(b), strict=True):
        out += [(d.type, d.a_text, d.b_text)
                for d in sentence_drift(sa.text, sb.text, 0, 0, context)]
    return out


def test_a_venue_of_another_kind_is_a_changed_place() -> None:
    assert _items("The leaders met at the official residence on Tuesday.",
                  "The leaders met at the state guest house on Tuesday.") == [
        ("entity", "official residence", "state guest house")]
    assert _items("Talks were held at the presidential palace.",
                  "Talks were held at the foreign ministry.") == [
        ("entity", "presidential palace", "foreign ministry")]
    # A spinner's synonym keeps the kind of venue; a shared word keeps the place; where
    # something went ("dropped to the court") is no venue.
    assert _types("Ships waited in the port of Kessel.",
                  "Ships waited in the harbour of Kessel.") == []
    assert _types("He was treated in a hospital.", "He was treated in a medical centre.") == []
    assert _types("The vote was held in the city hall.",
                  "The vote was held in the city chamber.") == []
    assert _types("She dropped to the court in tears.", "She fell to the ground in tears.") == []


def test_a_day_is_kept_only_by_the_same_day_and_bodies_of_a_place() -> None:
    # "In 2025" elsewhere does not keep "on 14 September 2025", made "recently" here.
    a = ("The commission certified the election held on 14 September 2025 after a recount."
         " Turnout was the highest since 1998.")
    b = ("The commission certified the vote held recently after a recount."
         " In 2025 turnout was the highest since 1998.")
    assert ("date", "on 14 September 2025", "recently") in _pair_drift_of(a, b)
    # The University of Halvergate is not the city; made "a local university", it is gone.
    a = ("Halvergate voted on Sunday. Petra Juhl is a political scientist at the University of"
         " Halvergate.")
    b = "Halvergate voted on Sunday. Petra Juhl is a political scientist at a local university."
    assert ("entity", "University of Halvergate", "university") in _pair_drift_of(a, b)


def test_lieutenant_and_a_rank_joined_to_its_office() -> None:
    assert _items("Commander Ines Valdoro is leading the operation.",
                  "Lieutenant Ines Valdoro is leading the operation.") == [
        ("title", "Commander", "Lieutenant")]
    assert _items("The crowd saw captain Dario Meuse score.",
                  "The crowd saw vice-captain Dario Meuse score.") == [
        ("title", "captain", "vice-captain")]
    assert _types("Lieutenant General Ada Kell spoke.", "Lieutenant General Ada Kell said.") == []


def test_an_office_of_a_field_and_a_chair_told_in_a_relative_clause() -> None:
    # "chief" heads an office named after its field; a deputy is another office.
    assert _items("Hollin's chief veterinary officer, Dr Ana Brel, said the farm was closed.",
                  "Hollin's deputy chief veterinary officer, Dr Ana Brel, said the farm was "
                  "closed.") == [
        ("title", "chief veterinary officer", "deputy chief veterinary officer")]
    # "who chairs the board" is her office: a member of the board holds another one.
    a = "Councillor Rhona Delacey, who chairs the partnership, said the plan works."
    assert _items(a, "Councillor Rhona Delacey, a member of the partnership, said the plan "
                     "works.") == [("title", "who chairs", "member")]
    assert _types("Mara Quell, the chief executive of Hollin Foods, said sales fell.",
                  "Mara Quell, who chairs the board of Hollin Foods, said sales fell.") == [
        "title"]
    # A spinner's "who heads" names no office of its own; "chief reason" is no office.
    assert _types(a, "Councillor Rhona Delacey, who heads the partnership, said the plan "
                     "works.") == []
    assert _types("The chief reason, officials said, was cost.",
                  "The main reason, officials said, was cost.") == []


def test_understood_to_have_is_a_hedge() -> None:
    assert _types("Pennock, who pleaded guilty in March, was sentenced on 12 May.",
                  "Pennock, who is understood to have pleaded guilty in March, was "
                  "sentenced on 12 May.") == ["hedge"]
    assert _types("The risks were explained to staff.",
                  "The risks are understood by staff.") == []


def test_the_first_word_of_a_list_item_is_no_name() -> None:
    # An LLM's "Key takeaways" bullet opens with a capital like any sentence.
    assert _types("The merger still needs approval from the schools commissioner.",
                  "- Final approval from the schools commissioner is expected.") == []
