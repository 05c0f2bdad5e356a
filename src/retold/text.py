"""Text normalisation, sentence splitting with character offsets, tokens and n-grams.

Everything here is pure and deterministic: the same text always gives the same sentences and
tokens, in the local pipeline and in Spark alike.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Abbreviations whose trailing period does not end a sentence. Lower-case, without the dot.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres
    vs etc inc ltd corp co dept univ no nos fig approx est jan feb mar apr jun jul aug sep sept
    oct nov dec u.s u.k u.n e.g i.e a.m p.m al ft lb oz vol op pp""".split()
)

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace,
# at a full-width 。！？ whether or not a space follows (Chinese and Japanese put none), or at
# a line break: headings, bylines and bios are lines of their own in scraped news.
# The lookahead names every branch's first character, so the scan skips ordinary text without
# trying each branch at every position: 2-3x faster on generated articles, the same matches.
_BOUNDARY = re.compile(
    r"""(?=[.!?…。！？\n])(?:([.!?…]+["'”’)\]]*)(\s+)|([。！？]+[」』"'”’）)\]]*)|(\n+))""")
# A list item's number or letter, alone before the item: "2.", "iv)", "(b)".
_ENUMERATOR = re.compile(r"\s*\(?(?:\d{1,3}|[ivxIVX]{1,4}|[a-zA-Z])[.)]\s*")
_WORD = re.compile(r"[^\W_]+(?:['’.,-][^\W_]+)*", re.UNICODE)
_SPACE = re.compile(r"\s+")

# Words that carry no content; used to find the "skeleton" of a sentence and content overlap.
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t don said says say according told also however while within
    without upon onto via per would may might must shall""".split()
)


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of a document: its text and its ``[start, end)`` offsets in the document."""

    start: int
    end: int
    text: str

    def __reduce__(self) -> tuple[type[Sentence], tuple[int, int, str]]:
        # Fingerprint workers send every sentence back to the scan: the dataclass default
        # (a state built by listing the fields, for each object) took four times as long
        # to dump and twice as long to load (190,000 sentences: 0.89 s and 0.71 s).
        return (Sentence, (self.start, self.end, self.text))


def normalize(text: str) -> str:
    """Decode HTML character references, NFKC-normalise, unify quotes and dashes, and turn
    CRLF into LF.

    Offsets of sentences are offsets into this normalised text, so callers normalise once
    and keep the result as the document's text.
    """
    text = _decode_references(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_QUOTES)


# Scraped text often keeps its page's character references ("&#8217;", "&amp;",
# "&quot;"), sometimes escaped twice; a copy scraped another way has the characters
# themselves. Only complete references (closed by ";") are decoded: "AT&T" and "R&D" stay.
_REFERENCE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _decode_references(text: str) -> str:
    for _ in range(2):
        if "&" not in text or not _REFERENCE.search(text):
            break
        text = _REFERENCE.sub(lambda m: html.unescape(m.group()), text)
    return text


_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‐": "-", "‑": "-"})


# Characters before a period searched for an abbreviation: far more than any word.
_ABBREVIATION_WINDOW = 200


def _ends_with_abbreviation(chunk: str) -> bool:
    tail = chunk.rstrip(".!?…\"')]”’").rsplit(None, 1)
    if not tail:
        return False
    last = tail[-1].lower().strip("(\"'")
    if last in _ABBREVIATIONS:
        return True
    # Initials such as "J." in "J. Smith" or "U.S." style acronyms.
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", last))


def split_sentences(text: str, max_sentences: int | None = None) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets into ``text``.

    Line breaks always end a sentence (scraped articles put headings and bylines on lines
    of their own). Leading/trailing whitespace is excluded from each span. ``max_sentences``
    caps the count: beyond it the rest of the text is dropped, which bounds alignment cost
    on pathological inputs (the caller decides whether to warn).
    """
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(4) is not None:
            end = m.start(4)
            nxt = m.end(4)
        elif m.group(3) is not None:
            end = nxt = m.end(3)
        else:
            end = m.end(1)
            nxt = m.end(2)
            following = text[nxt : nxt + 1]
            # Do not split "U.S. officials" or "Dr. Jones", nor before a lower-case word.
            # Only the tail is looked at: the whole run since ``start`` grows without bound
            # when nothing splits (lower case after every period), which made this quadratic.
            tail = text[max(start, end - _ABBREVIATION_WINDOW) : end]
            if _ends_with_abbreviation(tail) or (following and following.islower()):
                continue
        if _ENUMERATOR.fullmatch(text, start, end):
            continue  # "1." or "(b)" opens the item after it; alone it would match any list
        _append(out, text, start, end)
        start = nxt
        if max_sentences is not None and len(out) >= max_sentences:
            return out
    _append(out, text, start, len(text))
    if max_sentences is not None:
        del out[max_sentences:]
    return out


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and any(ch.isalnum() for ch in text[start:end]):
        out.append(Sentence(start, end, text[start:end]))


def words(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits; inner apostrophes, dots, commas and
    hyphens kept so that "U.S.", "1,200" and "long-range" stay whole)."""
    return [w.lower() for w in _WORD.findall(text)]


def raw_words(text: str) -> list[str]:
    """Word tokens as written (same tokenisation as ``words``, case kept)."""
    return _WORD.findall(text)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with their ``[start, end)`` offsets, in original case."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def content_words(tokens: Iterable[str]) -> list[str]:
    """Tokens that are not stopwords."""
    return [t for t in tokens if t not in STOPWORDS]


def ngrams(tokens: Sequence[str], n: int) -> list[str]:
    """Space-joined word n-grams; a text shorter than ``n`` gives one gram of all its tokens."""
    if len(tokens) < n:
        return [" ".join(tokens)] if tokens else []
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def shorten(text: str, limit: int) -> str:
    """``text`` on one line (whitespace folded), cut to ``limit`` characters with an
    ellipsis: for display."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def squash(text: str) -> str:
    """Whitespace folded to single spaces and lower-cased: the key for exact-repeat lookups."""
    return _SPACE.sub(" ", text).strip().lower()


_TERMINAL = frozenset('.!?…"\')]')
# The words title case leaves in lower case (the common style guides agree on these).
_TITLE_CASE_LOWER = frozenset(
    "a an the and but or nor for so yet as at by in of on to up via per vs from with into "
    "onto over off out".split())


def looks_like_heading(sentence: str) -> bool:
    """A title, section heading or label rather than a sentence of prose.

    Headings carry no terminal punctuation or are title case; spinners insert them between
    paragraphs, so they must not dilute a rewrite's coverage.
    """
    toks = sentence.split()
    if not toks or len(toks) > 20:
        return False
    terminal = sentence.rstrip()[-1] in _TERMINAL
    if not terminal and len(toks) <= 15:
        return True
    alpha = [t for t in toks if t[0].isalpha()]
    if len(alpha) < 4:
        return False
    if terminal:
        # Prose that names people, offices and places capitalises most of its words too
        # ("US President Donald Trump and Japanese Prime Minister Shinzo Abe met in Osaka
        # on Friday."); a heading that ends like a sentence is title case throughout, every
        # word capitalised but the articles, conjunctions and short prepositions.
        return all(t[0].isupper() or t.lower() in _TITLE_CASE_LOWER for t in alpha)
    # Prose shows itself within its first few lower-case words: stop counting once a fifth
    # of the words are (well past the 15% a heading may have). Verification asks this of
    # every sentence of about every side it reads.
    lower, give_up = 0, 0.2 * len(alpha)
    for t in alpha:
        if not (t[0].isupper() or (len(t) <= 4 and t.lower() in STOPWORDS)):
            lower += 1
            if lower > give_up:
                return False
    return (len(alpha) - lower) / len(alpha) >= 0.85


# An agency dateline opening an article: "DRASNY, March 14 (CWS) - ", "PORT ALDANE - ",
# "LONDON (Reuters) - ", "ORLO, Dalmora - ".
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}(?:, [A-Z][A-Za-z]+)?"
    r"(?:, (?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}\.?)(?:,? \d{4})?)?"
    r"(?: ?\([A-Za-z0-9 .&/-]{1,30}\))? ?[-\u2013\u2014]+ (?=[A-Z\"\u201c])")


def dateline_end(text: str) -> int:
    """Where the dateline that opens ``text`` ends (0 if none): a place in capitals, maybe a
    date and an agency, then a dash. Metadata of the agency's copy, which rewrites drop."""
    m = _DATELINE.match(text)
    return m.end() if m and sum(c.isupper() for c in m.group(0)) >= 2 else 0
