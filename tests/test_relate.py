"""Verification on hand-made documents: boilerplate never counts, structure decides."""

from __future__ import annotations

import numpy as np

from retold.api import Index, compare, document_from_text
from retold.config import Config
from retold.relate import REUSE, boilerplate_mask

BIO = "Jordan Pike is a freelance writer who loves hiking, coffee and helping readers grow."
NEWSLETTER = "Subscribe to our newsletter for the biggest stories of the day in your inbox."

TOPICS = [
    ("The Harwick city council voted on Tuesday to close the Elm Street library branch. "
     "Council member Rosa Feld said the building needed repairs costing 2.4 million crowns. "
     "Residents gathered outside the hall with signs asking for the branch to stay open. "
     "The closure takes effect in March, and books will move to the central library."),
    ("A cargo ship ran aground near the port of Velmar early on Sunday, the coast guard said. "
     "None of the 19 crew members were hurt, and no fuel had leaked by the afternoon. "
     "Tugboats tried twice to pull the vessel free at high tide without success. "
     "The shipping company said it would send divers to inspect the hull on Monday."),
    ("Snow closed the mountain pass between Orsk and Tilde for a second day on Friday. "
     "Road crews said drifts up to three metres had buried the highway near the summit. "
     "About 200 lorries waited in a queue on the eastern side of the pass overnight. "
     "Forecasters expect the snowfall to ease by Sunday afternoon."),
    ("The Brenmoor football club appointed Ilse Varga as head coach on Wednesday. "
     "Varga, 41, led the women's national team to the semi-finals two years ago. "
     "She signs a three-year contract and takes charge of training next week. "
     "The club finished ninth last season, its worst result in a decade."),
]


def test_boilerplate_mask_is_relative():
    hashes = np.array([1, 2, 3, 4, 99])
    freq = {1: 1, 2: 1, 3: 1, 4: 1, 99: 40}
    mask = boilerplate_mask(hashes, freq, Config())
    assert mask.tolist() == [False, False, False, False, True]
    # A verbatim family: every sentence is equally common, none is boilerplate.
    freq = {1: 5, 2: 5, 3: 5, 4: 5, 99: 5}
    assert not boilerplate_mask(hashes, freq, Config()).any()


def test_shared_bio_and_newsletter_never_make_reuse(tmp_path, static_encoder):
    docs = [document_from_text(f"{t} {BIO} {NEWSLETTER}") for t in TOPICS]
    with Index(tmp_path / "b.db", encoder=static_encoder) as index:
        index.add(docs)
        reuse = [p for p in index.pairs() if p["relation"] in REUSE]
        assert reuse == []
        assert index.families() == []


def test_verbatim_family_sharing_the_same_lines_is_still_found(tmp_path, static_encoder):
    base = TOPICS[0]
    copies = [document_from_text(f"{prefix} {base} {BIO}") for prefix in
              ("From our wires:", "Reposted:", "Local news:", "Breaking:")]
    with Index(tmp_path / "c.db", encoder=static_encoder) as index:
        index.add([document_from_text(base), *copies])
        fams = index.families()
        assert len(fams) == 1 and len(fams[0]["members"]) == 5


def test_independent_report_of_the_same_event_is_not_a_rewrite(static_encoder):
    original = document_from_text(TOPICS[1])
    independent = document_from_text(
        "Divers will inspect the hull of the cargo ship stuck off Velmar on Monday, its "
        "owners said. The vessel, which grounded before dawn on Sunday, could not be moved "
        "by two tugboats. The coast guard reported no injuries among the 19 sailors. "
        "Environmental groups said they were watching for any sign of oil in the bay."
    )
    res = compare(original, independent, encoder=static_encoder).result
    assert res.relation not in REUSE


def test_matched_headlines_are_no_evidence(static_encoder):
    """Independent reports of one event often carry near-identical headlines; a headline
    on the first line of both texts must not add a strong match or lengthen the run."""
    independent = (
        "Divers will inspect the hull of the cargo ship stuck off Velmar on Monday, its "
        "owners said. The vessel, which grounded before dawn on Sunday, could not be moved "
        "by two tugboats. The coast guard reported no injuries among the 19 sailors. "
        "Environmental groups said they were watching for any sign of oil in the bay."
    )
    bare = compare(document_from_text(TOPICS[1]), document_from_text(independent),
                   encoder=static_encoder).result
    titled = compare(
        document_from_text("Cargo ship runs aground near Velmar port\n\n" + TOPICS[1]),
        document_from_text("Cargo ship runs aground near port of Velmar\n\n" + independent),
        encoder=static_encoder).result
    assert any(sp.a_sentences == (0, 1) and sp.b_sentences == (0, 1)
               for sp in titled.alignment)  # the headlines are aligned and shown ...
    for key in ("strong", "longest_run", "coverage_a", "coverage_b", "n_a", "n_b"):
        assert titled.scores[key] == bare.scores[key], key  # ... but count for nothing
    assert titled.relation not in REUSE


def test_spin_is_a_rewrite(static_encoder):
    original = document_from_text(TOPICS[3])
    spin = document_from_text(
        "The Brenmoor soccer side named Ilse Varga as lead trainer on Wednesday. "
        "Varga, 41, guided the women's national squad to the semi-finals two years back. "
        "She inks a three-year deal and assumes control of practice next week. "
        "The club ended ninth last term, its poorest finish in ten years."
    )
    res = compare(original, spin, encoder=static_encoder).result
    assert res.relation == "rewrite"
    assert res.scores["coverage_a"] >= 0.75


def test_one_sentence_reports_need_copied_wording(static_encoder):
    # Two one-sentence reports of one fact, worded apart: nothing shows reuse.
    a = document_from_text(
        "Police say a Harwick climber who watched his brother fall from the summit of "
        "Mount Tilde is devastated.")
    b = document_from_text(
        "A Harwick man survived two nights in a snow cave on Mount Tilde after seeing his "
        "brother fall to his death from the peak.")
    assert compare(a, b, encoder=static_encoder).result.relation not in REUSE
    # The same sentence lightly edited is still a copy.
    c = document_from_text(
        "Police said a Harwick climber who watched his brother fall from the summit of "
        "Mount Tilde is devastated.")
    assert compare(a, c, encoder=static_encoder).result.relation in REUSE


def _heading_by_share(words: list[str]) -> bool:
    """looks_like_heading's rule for 16 to 20 words without a full stop, as first written:
    the share of capitalised words (short stopwords count as capitalised) over every word."""
    from retold.text import STOPWORDS

    alpha = [t for t in words if t[0].isalpha()]
    caps = sum(1 for t in alpha if t[0].isupper() or (t.lower() in STOPWORDS and len(t) <= 4))
    return len(alpha) >= 4 and caps / len(alpha) >= 0.85


def test_heading_rule_stops_counting_early_without_changing_its_answer() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from retold.text import looks_like_heading

    words = st.sampled_from(["The", "the", "of", "Of", "Budget", "budget", "and", "Mayor",
                             "said", "2024", "Wins", "a", "Council", "votes"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(words, min_size=16, max_size=20))
    def check(toks: list[str]) -> None:
        sentence = " ".join(toks)
        assert looks_like_heading(sentence) == _heading_by_share(sentence.split())

    check()
    # 17 of 20 words capitalised is exactly the 85% bar.
    at_bar = " ".join(["Mayor"] * 17 + ["votes"] * 3)
    assert looks_like_heading(at_bar) and _heading_by_share(at_bar.split())


def test_a_heading_that_ends_like_a_sentence_is_title_case_throughout() -> None:
    from retold.text import looks_like_heading

    assert looks_like_heading("Mayor Wins the Budget Vote in Harwick.")
    assert looks_like_heading("Council Says No to a Second Bridge!")
    # Prose naming people, offices and places capitalises most words, never all of them.
    assert not looks_like_heading(
        "Ostravian President Tomas Heller and Kaledran President Amira Solenko signed the "
        "accord on Tuesday in Brennick.")
    assert not looks_like_heading("Harwick Mayor Lena Ostrow said on Friday.")
    # Without a full stop a short line is a heading, however it is cased.
    assert looks_like_heading("Mayor wins the budget vote")


def test_pair_boilerplate_keeps_sentences_only_one_side_flags():
    from retold.relate import pair_boilerplate as with_names

    def pair_boilerplate(ha, hb, mask_a, mask_b, quoted_a, quoted_b):  # no names: no header
        return with_names(ha, hb, mask_a, mask_b, quoted_a, quoted_b, [frozenset()] * len(ha),
                          [frozenset()] * len(hb))

    # a: 1, 2 its own; 7 lifted from b (a flags it); 8 a template line (both flag it);
    # 9 a quotation a flags and b does not.
    ha, hb = np.array([1, 2, 7, 8, 9]), np.array([5, 7, 6, 8, 9, 4])
    mask_a = np.array([False, False, True, True, True])
    mask_b = np.array([False, False, False, True, False, False])
    quoted_a = np.array([False, False, False, False, True])
    quoted_b = np.array([False, False, False, False, True, False])
    skip_a, skip_b = pair_boilerplate(ha, hb, mask_a, mask_b, quoted_a, quoted_b)
    assert skip_a.tolist() == [False, False, False, True, True]
    assert skip_b.tolist() == [False, False, False, True, False, False]
    # Ending on the same sentences after different bodies: a footer, whatever the counts.
    none = np.zeros(6, bool)
    skip_a, skip_b = pair_boilerplate(np.array([1, 2, 3, 4, 8, 9]), np.array([5, 6, 7, 2, 8, 9]),
                                      none, none, none, none)
    assert skip_a.tolist() == skip_b.tolist() == [False] * 4 + [True] * 2
    # Unless the shared ending is half the shorter document or more: a copy.
    skip_a, _ = pair_boilerplate(np.array([1, 2, 3, 4, 8, 9]), np.array([5, 3, 4, 8, 9]),
                                 none, none[:5], none, none[:5])
    assert not skip_a.any()
    # A flagged sentence the other document does not hold stays boilerplate.
    skip_a, _ = pair_boilerplate(ha, np.array([2, 1]), mask_a, np.zeros(2, bool), quoted_a,
                                 np.zeros(2, bool))
    assert skip_a.tolist() == mask_a.tolist()


def test_quoted_sentences_follow_quotations_over_sentence_ends(static_encoder):
    from retold.fingerprints import fingerprint_documents
    from retold.relate import quoted_sentences

    doc = document_from_text(
        'The mayor spoke on Monday. "We will rebuild the bridge. It will take two years," '
        'she said. Critics called the plan "too slow" for a city of this size.')
    pr = fingerprint_documents([doc], static_encoder, Config())[0]
    assert [s.text[:8] for s in pr.sentences] == ["The mayo", '"We will', "It will ",
                                                  "Critics "]
    assert quoted_sentences(doc.text, pr).tolist() == [False, True, True, False]


def _calloway() -> list[str]:
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "examples/corpus/calloway_fire_original.txt"
    return path.read_text(encoding="utf-8").strip().split("\n\n")


def test_passage_lifted_by_several_sites_from_a_syndicated_article_is_reuse(
        tmp_path, static_encoder):
    """An article syndicated four times and two sites that each lift the same paragraphs of
    it: the lifted sentences are common next to the rest of each borrower, so each borrower
    alone would call them boilerplate, but the article holds them as often as its other
    sentences. A report of the event that quotes the same statement is not reuse."""
    from retold.documents import Document

    paras = _calloway()
    title, body = paras[0], paras[1:]
    original = "\n\n".join(paras)
    lifted = [body[0], body[1], body[8], body[10]]
    docs = [Document(id="original", text=original)]
    docs += [Document(id=f"syndicated-{k}", text=f"{title}\n\n{line}\n\n" + "\n\n".join(body))
             for k, line in enumerate(("From our wire partners.", "Republished with permission.",
                                       "Shared by the regional desk.", "Via our partners."))]
    fresh = [
        ("Factory fire raises questions about safety checks in Port Calloway",
         "Workers at the plastics plant had complained about blocked exits for months, two "
         "former employees told this newspaper on Wednesday.",
         "Union organiser Lydia Marsh said staff had raised the issue at three meetings."),
        ("What we know about the Quay Road blaze",
         "Families of the victims gathered at the gates of the plant on Wednesday morning "
         "to lay flowers and light candles.",
         "Local shops closed early and a collection for the families raised a large sum."),
    ]
    # Fresh reporting around the lifted passage, so that it is a minority of each borrower.
    context = [
        ["The city council will hold an emergency session on Friday to discuss the fire.",
         "Several councillors have asked for an independent review of factory inspections.",
         "An opposition member said the last full inspection of the site was years ago.",
         "The plant's owners declined to answer written questions about fire exits.",
         "Inspectors are expected to publish a first report within six weeks."],
        ["A vigil is planned for Thursday evening in the square outside the town hall.",
         "Insurance experts said the damage to the building could take months to assess.",
         "Residents of Quay Road said the smell of burning plastic lingered all day.",
         "A fund for the families has been set up by the local chamber of commerce.",
         "Schools near the plant kept pupils indoors during the lunch break."],
    ]
    for k, (head, first, last) in enumerate(fresh):
        docs.append(Document(id=f"borrower-{k}", text="\n\n".join(
            [head, first, *context[k][:3], *lifted, *context[k][3:], last])))
    quote = body[2]
    assert quote.startswith('"')
    docs.append(Document(id="independent", text="\n\n".join([
        "Blaze at Calloway plastics works leaves three dead",
        "A fire at a factory on the edge of Port Calloway killed three men early on Tuesday "
        "and sent dozens of people to hospital, according to the city's fire service.",
        quote,
        "Neighbours described hearing a series of loud bangs shortly before dawn.",
        "Investigators from the national safety regulator arrived at the site by midday.",
        "The owners of the plant have not said when production might resume."])))
    docs += [document_from_text(t) for t in TOPICS]
    with Index(tmp_path / "l.db", encoder=static_encoder) as index:
        index.add(docs)
        rel = {frozenset((p["a"], p["b"])): p["relation"] for p in index.pairs()}
    for k in range(2):
        assert rel.get(frozenset(("original", f"borrower-{k}"))) == "partial"
    for other in ["original", *(f"syndicated-{k}" for k in range(4))]:
        assert rel.get(frozenset((other, "independent"))) not in REUSE


def test_a_footer_two_articles_end_on_is_not_reuse(static_encoder):
    """Two articles of one site end on its author bio and newsletter lines. In an index of
    two documents no sentence is common enough to be boilerplate, so the shared tail itself
    says what it is; a copy with a changed opening still ends on the same text."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "examples/corpus"
    footer = "\n\n".join([BIO, NEWSLETTER, "Follow us on social media for the latest updates "
                          "and breaking news from around the world."])

    def doc(name: str, with_footer: bool = True):
        text = (corpus / name).read_text(encoding="utf-8").strip()
        return document_from_text(f"{text}\n\n{footer}" if with_footer else text, doc_id=name)

    for a, b in [("unrelated_museum.md", "unrelated_space_launch.txt"),
                 ("calloway_fire_independent.txt", "calloway_fire_original.txt")]:
        assert compare(doc(a), doc(b), encoder=static_encoder).result.relation not in REUSE, (a, b)
    got = compare(doc("lindmoor_fire_copy.txt"), doc("lindmoor_fire_original.md"),
                  encoder=static_encoder)
    assert got.result.relation == "copy"
    # The lifted paragraphs of a partial copy are not a footer.
    got = compare(doc("calloway_fire_partial.md"), doc("calloway_fire_original.txt"),
                  encoder=static_encoder)
    assert got.result.relation == "partial"


def test_a_header_two_articles_open_with_is_not_reuse(static_encoder):
    """The same two slogan lines after each article's opening paragraph: they name the
    site, not the story, so they are its header; a lifted lede names the story."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parent.parent / "examples/corpus"
    header = ["Daily Globe News brings you the latest headlines from around the region every "
              "morning.", "Your trusted source for local and international news since 1998, "
              "written by our own team."]

    def doc(name: str):
        paras = (corpus / name).read_text(encoding="utf-8").strip().split("\n\n")
        return document_from_text("\n\n".join([paras[0], *header, *paras[1:]]), doc_id=name)

    for a, b in [("calloway_fire_independent.txt", "calloway_fire_original.txt"),
                 ("central_bank_copy.txt", "central_bank_independent.txt"),
                 ("central_bank_independent.txt", "central_bank_paraphrase.txt"),
                 ("ferrandi_transfer_copy.txt", "ferrandi_transfer_independent.md")]:
        assert compare(doc(a), doc(b), encoder=static_encoder).result.relation not in REUSE, (
            a, b)
    assert compare(doc("lindmoor_fire_copy.txt"), doc("lindmoor_fire_original.md"),
                   encoder=static_encoder).result.relation == "copy"
    assert compare(doc("calloway_fire_partial.md"), doc("calloway_fire_original.txt"),
                   encoder=static_encoder).result.relation == "partial"


def test_header_run_needs_a_run_about_neither_document():
    from retold.relate import header_run

    site = [frozenset({"daily", "globe"}), frozenset({"1998"})]
    story = [frozenset({"port", "calloway"}), frozenset({"brennick"})]
    a = np.array([1, 7, 8, 2, 3, 4, 5])
    b = np.array([9, 10, 7, 8, 6, 13, 11, 12])
    spec_a = [frozenset({"fire"}), *site, frozenset({"calloway"}), *story, frozenset()]
    spec_b = [frozenset(), frozenset({"fire"}), *site, frozenset({"calloway"}), frozenset(),
              frozenset(), frozenset()]
    assert header_run(a, b, spec_a, spec_b) == (1, 2, 2)
    # Not when the documents share more text than the run (a copy or a partial copy).
    assert header_run(a, np.array([9, 10, 7, 8, 6, 5, 11, 12]), spec_a, spec_b) == (0, 0, 0)
    # The same run naming the story is a lifted lede, not a header.
    spec_a[1:3] = story
    assert header_run(a, b, spec_a, spec_b) == (0, 0, 0)


LAST_YEAR = (
    "The Brenmoor council approved its 2025 budget on Tuesday by 31 votes to 12. Council "
    "tax will rise by 3.5 percent, adding about 48 pounds a year to a typical bill. The "
    "plan cuts 120 posts and keeps 9 libraries open. Leader Ana Kell said the savings of "
    "6.2 million pounds were painful but necessary.")
THIS_YEAR = (
    "The Brenmoor council approved its 2026 budget on Tuesday by 28 votes to 15. Council "
    "tax will rise by 4.9 percent, adding about 71 pounds a year to a typical bill. The "
    "plan cuts 85 posts and keeps 7 libraries open. Leader Ana Kell said the savings of "
    "8.4 million pounds were painful but necessary.")
THIS_YEAR_SPUN = (
    "The Brenmoor authority passed its 2026 spending plan on Tuesday by 28 votes to 15. "
    "Council tax is set to go up by 4.9 percent, adding roughly 71 pounds a year to a "
    "usual bill. The scheme removes 85 jobs and leaves 7 libraries open. Leader Ana Kell "
    "stated the savings of 8.4 million pounds were hard but required.")


def test_a_report_of_another_event_in_the_same_mould_is_no_rewrite(static_encoder):
    """Last year's budget report and this year's align sentence by sentence, but no
    figure of one is in the other: not reuse. A spin of this year's keeps its figures."""
    other = compare(document_from_text(THIS_YEAR), document_from_text(LAST_YEAR),
                    encoder=static_encoder).result
    assert other.scores["shared_figures"] < 0.5
    assert other.relation not in REUSE
    spin = compare(document_from_text(THIS_YEAR), document_from_text(THIS_YEAR_SPUN),
                   encoder=static_encoder).result
    assert spin.scores["shared_figures"] == 1.0
    assert spin.relation in REUSE
    # With the rule off (no figure need be shared), the two budgets would be reuse.
    loose = compare(document_from_text(THIS_YEAR), document_from_text(LAST_YEAR),
                    config=Config().with_(min_shared_figures=0.0),
                    encoder=static_encoder).result
    assert loose.relation in REUSE
