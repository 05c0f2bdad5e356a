"""A content-farm "article spinner": pure functions that rewrite text the way farms do.

Farms take an article, swap most content words for dictionary synonyms sentence by
sentence (keeping names, numbers and sentence order), sometimes break a fact on the way
("President" -> "former President", "in 2019" -> "in previous years", a changed number),
and pad the result with SEO headings and a fake author bio. Heavier rewrites also reorder
clauses and merge, split or drop sentences.

Every function takes the randomness as an explicit ``random.Random`` so results are
reproducible; nothing here keeps state between calls. Detector tests use these functions
to make rewrites of hand-written articles, so they work on any English text, not only on
text from ``bench/generate.py``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

SYNONYM_FILE = Path(__file__).with_name("wordlists") / "synonyms.txt"

# Never swapped even if a synonym group lists them: swapping function words makes the text
# unreadable, and farms' spinners leave them alone too.
FUNCTION_WORDS: frozenset[str] = frozenset(
    """
    a an the and or but nor if then than that this these those there here of in on at by
    for with without from to into onto over under about above below after before during
    since until while as so because although though whether not no yes is are was were be
    been being am do does did done have has had having will would shall should can could
    may might must it its it's he him his she her hers they them their theirs we us our
    ours you your yours i me my mine who whom whose which what when where why how all any
    each every some such both either neither other another same own more most less least
    very too also just only even up down out off again once
    """.split()
)

_VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|s[eu]|ti)|hour|honest|heir)", re.I)


def _third_person(base: str) -> str:
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es"
    if len(base) > 1 and base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ies"
    return base + "s"


def _past(base: str, double: bool) -> str:
    if double:
        return base + base[-1] + "ed"
    if base.endswith("e"):
        return base + "d"
    if len(base) > 1 and base.endswith("y") and base[-2] not in "aeiou":
        return base[:-1] + "ied"
    return base + "ed"


def _gerund(base: str, double: bool) -> str:
    if double:
        return base + base[-1] + "ing"
    if base.endswith("ie"):
        return base[:-2] + "ying"
    if base.endswith("e") and not base.endswith(("ee", "ye", "oe")):
        return base[:-1] + "ing"
    return base + "ing"


def _verb_forms(spec: str) -> tuple[str, str, str, str]:
    """"say:said" -> (say, says, said, saying); "stop+" doubles; multiword: inflect word 1."""
    base, _, irregular_past = spec.partition(":")
    double = base.endswith("+")
    base = base.rstrip("+")
    head, sep, tail = base.partition(" ")
    past = irregular_past or _past(head, double)
    if irregular_past and sep:
        past = irregular_past  # a multiword irregular past is written out in full
    elif sep:
        past = past + sep + tail
    return (
        base,
        _third_person(head) + sep + tail,
        past,
        _gerund(head, double) + sep + tail,
    )


def _plural(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z")):
        return word + "es"
    if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _noun_forms(spec: str) -> tuple[str, str]:
    """"fire" -> (fire, fires); "child:children" irregular; multiword: pluralise the last."""
    base, _, irregular_plural = spec.partition(":")
    if irregular_plural:
        return base, irregular_plural
    head, sep, last = base.rpartition(" ")
    return base, head + sep + _plural(last)


@lru_cache(maxsize=4)
def load_synonyms(
    path: str | None = None,
) -> tuple[dict[str, tuple[str, ...]], tuple[tuple[str, ...], ...]]:
    """Word -> alternatives (one entry per inflected form), and the multiword phrase groups.

    A word listed in several groups gets the union of their alternatives; spinners are not
    careful about part of speech either. In the file, "_" joins the words of a multiword
    synonym ("forest_fire"); such entries are used as replacements only.
    """
    table: dict[str, set[str]] = {}
    phrases: list[tuple[str, ...]] = []
    text = Path(path or SYNONYM_FILE).read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tag, _, body = line.partition(":")
        body = body.strip()
        if tag == "p":
            group = tuple(p.strip() for p in body.split("|") if p.strip())
            if len(group) > 1:
                phrases.append(group)
            continue
        specs = [s.replace("_", " ") for s in body.split()]
        if tag == "v":
            columns = list(zip(*(_verb_forms(s) for s in specs), strict=True))
        elif tag == "n":
            columns = list(zip(*(_noun_forms(s) for s in specs), strict=True))
        else:
            columns = [tuple(s.split(":")[0] for s in specs)]
        for col in columns:
            words = [w for w in dict.fromkeys(col) if w not in FUNCTION_WORDS]
            if len(words) < 2:
                continue
            for w in words:
                if " " in w:
                    continue
                table.setdefault(w, set()).update(x for x in words if x != w)
    frozen = {w: tuple(sorted(alts)) for w, alts in table.items() if alts}
    return frozen, tuple(phrases)


# Words are runs of letters: "region's" -> region ' s, "fast-moving" -> fast - moving.
_TOKEN_SPLIT = re.compile(r"([A-Za-z]+)")
# A separator that ends a sentence (or a line) before the next word.
_SENT_START_SEP = re.compile(r'(?:[.!?]["\')\]]?\s+|\n\s*)["(]?$')
_LEADING_SEP = re.compile(r'[\s"\'(]*')


def _match_case(src: str, repl: str) -> str:
    if src.isupper() and len(src) > 1:
        return repl.upper()
    if src[0].isupper():
        return repl[0].upper() + repl[1:]
    return repl


@lru_cache(maxsize=4)
def _phrase_heads(
    phrases: tuple[tuple[str, ...], ...],
) -> dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]:
    """First word of a multiword phrase -> ((remaining words, alternatives), ...), longest
    phrases first, so phrases are matched on the token list in the same pass as words."""
    heads: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for group in phrases:
        for p in group:
            words = p.lower().split()
            if len(words) < 2:
                continue  # single words are handled by the word table
            alts = tuple(x for x in group if x.lower() != p.lower())
            heads.setdefault(words[0], []).append((tuple(words[1:]), alts))
    return {h: tuple(sorted(v, key=lambda x: -len(x[0]))) for h, v in heads.items()}


_ARTICLES = frozenset(("a", "an", "A", "An"))
# Shared (not a fresh {}) so the per-(table, heads) word memo below stays one entry.
_NO_HEADS: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {}


def spin(
    text: str,
    rng: random.Random,
    strength: float = 0.85,
    max_swaps: int | None = None,
) -> str:
    """Swap content words (and a few multiword phrases) for synonyms, each with
    probability ``strength``.

    Only lowercase words, or capitalised words that open a sentence, are candidates, so
    names ("Alina Petrovska", "Ashford") survive; digits are never touched. Articles
    "a"/"an" are fixed up after a swap. ``max_swaps`` caps the number of swaps (for light
    edits); candidates are then chosen at random across the whole text and phrases are
    left alone.
    """
    table, phrases = load_synonyms()
    heads = _phrase_heads(phrases) if max_swaps is None else _NO_HEADS
    rand = rng.random
    phrase_p = strength * 0.8
    parts = _TOKEN_SPLIT.split(text)
    n = len(parts)
    candidates: list[int] = []
    kinds = _word_kinds(table, heads)
    k = 1
    # One pass over the words (odd positions; separators sit at even positions).
    while k < n:
        w = parts[k]
        kind = kinds.get(w)
        if kind is None:
            kind = kinds[w] = _classify(w, table, heads)
        if kind == _SKIP:
            k += 2
            continue
        if kind & _HEAD:
            nxt = _match_phrase(parts, k, heads[w.lower()])
            if nxt:
                last, alts = nxt
                if rand() < phrase_p:
                    parts[k] = _match_case(w, alts[int(rand() * len(alts))])
                    for j in range(k + 1, last + 1):
                        parts[j] = ""
                k = last + 2
                continue
        if kind & _LOWER:
            candidates.append(k)
        elif kind & _CAPITAL:
            sep = parts[k - 1]
            if (
                _LEADING_SEP.fullmatch(sep) is not None
                if k == 1
                else _SENT_START_SEP.search(sep) is not None
            ):
                candidates.append(k)
        k += 2
    if max_swaps is not None:
        chosen = rng.sample(candidates, min(max_swaps, len(candidates)))
    else:
        chosen = [k for k in candidates if rand() < strength]
    for k in chosen:
        w = parts[k]
        alts = table[w if w.islower() else w.lower()]
        new = alts[int(rand() * len(alts))]
        parts[k] = new if w.islower() else _match_case(w, new)
        if k >= 3 and parts[k - 2] in _ARTICLES and parts[k - 1] == " ":
            _fix_article(parts, k)
    return "".join(parts)


_SKIP, _LOWER, _CAPITAL, _HEAD = 0, 1, 2, 4


_KIND_MEMO: dict[tuple[int, int], dict[str, int]] = {}


def _word_kinds(table: object, heads: object) -> dict[str, int]:
    # Memo of word -> kind bits per (table, heads) pair; it is what makes the per-word loop
    # cheap. Its size is the vocabulary seen, capped so arbitrary input cannot grow it.
    memo = _KIND_MEMO.setdefault((id(table), id(heads)), {})
    if len(memo) > 200_000:
        memo.clear()
    return memo


def _classify(
    w: str,
    table: dict[str, tuple[str, ...]],
    heads: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]],
) -> int:
    lw = w.lower()
    kind = _HEAD if lw in heads else _SKIP
    if lw in table:
        if w.islower():
            kind |= _LOWER
        elif w[0].isupper() and (len(w) == 1 or w[1:].islower()):
            kind |= _CAPITAL
    return kind


def _match_phrase(
    parts: list[str], k: int, options: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
) -> tuple[int, tuple[str, ...]] | None:
    n = len(parts)
    for rest, alts in options:
        j = k
        for word in rest:
            if j + 2 >= n or parts[j + 1] != " " or parts[j + 2].lower() != word:
                break
            j += 2
        else:
            return j, alts
    return None


def _fix_article(parts: list[str], k: int) -> None:
    # parts[k-2] is the previous word when only whitespace separates them.
    if k < 3 or parts[k - 1] != " ":
        return
    prev = parts[k - 2]
    if prev.lower() not in ("a", "an"):
        return
    want = "an" if _VOWEL_SOUND.match(parts[k]) else "a"
    if prev.lower() != want:
        parts[k - 2] = want.capitalize() if prev[0].isupper() else want


# --- sentences and paragraphs -------------------------------------------------------------

_SENT_BOUNDARY = re.compile(r'(?<=[.!?])(?:["\'])?\s+(?=["\'(]?[A-Z0-9])')
_ABBREV_END = re.compile(r"\b(?:Dr|Mr|Mrs|Ms|St|Jr|Sr|No|Gen|Gov|Sen|Rep|Prof|[A-Z])\.$")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences, keeping closing quotes with their sentence."""
    out: list[str] = []
    pos = 0
    for m in _SENT_BOUNDARY.finditer(paragraph):
        end = m.start() + (1 if paragraph[m.start()] in "\"'" else 0)
        # The lookbehind leaves m.start() just after the punctuation or at the quote.
        piece = paragraph[pos : m.end()].strip()
        if _ABBREV_END.search(paragraph[pos:end].rstrip("\"' ")):
            continue
        out.append(piece)
        pos = m.end()
    tail = paragraph[pos:].strip()
    if tail:
        out.append(tail)
    return out


def split_paragraphs(text: str) -> list[list[str]]:
    """Text -> paragraphs (blank-line separated; single newlines also split) -> sentences."""
    paras = [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]
    return [split_sentences(p) for p in paras]


def join_paragraphs(paras: Sequence[Sequence[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paras if p)


def regroup(sentences: Sequence[str], rng: random.Random) -> list[list[str]]:
    """Pack sentences into paragraphs of one to three sentences (farms re-paragraph)."""
    out: list[list[str]] = []
    i = 0
    while i < len(sentences):
        n = 1 + int(rng.random() * 3)
        out.append(list(sentences[i : i + n]))
        i += n
    return out


# --- sentence-level paraphrase -----------------------------------------------------------

_SUBORDINATE = re.compile(
    r"^(?P<main>[^,]{12,}?), (?P<conj>after|before|while|although|because|as|when|since|"
    r"despite|following|with|according to|citing) (?P<sub>[^,]{8,})\.$"
)
_LEADING_PP = re.compile(
    r"^(?P<prep>In|During|On|At|After|Following|Under|According to|Throughout|Over|Before|"
    r"Last|Earlier this|Back in) (?P<pp>[^,\"]{3,60}), (?P<rest>.{12,})\.$"
)
_SAID_THAT = re.compile(
    r"^(?P<who>[A-Z][^,\"]{2,60}?) (?P<verb>said|says|added|noted|told reporters|stated|"
    r"explained|warned) that (?P<what>.{12,})\.$"
)
_QUOTE_FIRST = re.compile(
    r'^"(?P<q>[^"]{10,}),"\s+(?P<who>[^".]{3,60}?)\s+(?P<verb>[a-z][^".]*)\.$'
)
_SPLIT_POINT = re.compile(r"(?:, and |; |, while |, but )")


def _lower_first(s: str) -> str:
    # Only lower a capital that is an ordinary word; names must keep their capital.
    word = s.split(" ", 1)[0]
    if word.lower() in FUNCTION_WORDS or word.lower() in load_synonyms()[0]:
        return s[0].lower() + s[1:]
    return s


def _upper_first(s: str) -> str:
    return s[:1].upper() + s[1:]


def reorder_clauses(sentence: str, rng: random.Random) -> str:
    """Move a clause: trailing subordinate clause to the front, leading prepositional phrase
    to the end, "X said that Y" to "Y, X said", or a quote after its speaker."""
    s = sentence.strip()
    options = []
    m = _SUBORDINATE.match(s)
    if m:
        options.append(
            f"{_upper_first(m['conj'])} {m['sub']}, {_lower_first(m['main'])}."
        )
    m = _LEADING_PP.match(s)
    if m:
        options.append(f"{_upper_first(m['rest'])}, {m['prep'].lower()} {m['pp']}.")
    m = _SAID_THAT.match(s)
    if m:
        options.append(f"{_upper_first(m['what'])}, {_lower_first(m['who'])} {m['verb']}.")
    m = _QUOTE_FIRST.match(s)
    if m:
        options.append(f'{_upper_first(m["who"])} {m["verb"]}: "{_upper_first(m["q"])}."')
    if not options:
        return s
    return rng.choice(options)


def split_sentence(sentence: str) -> list[str]:
    """Break a long sentence at its first ", and" / ";" / ", while" into two sentences."""
    m = _SPLIT_POINT.search(sentence)
    if not m or '"' in sentence:
        return [sentence]
    left, right = sentence[: m.start()], sentence[m.end() :]
    if len(left.split()) < 6 or len(right.split()) < 6:
        return [sentence]
    return [left.rstrip(",;") + ".", _upper_first(right)]


def merge_sentences(a: str, b: str, rng: random.Random) -> str:
    """Join two sentences with a conjunction, as rewriters do to change the rhythm."""
    if not a.endswith(".") or '"' in a + b:
        return f"{a} {b}"
    glue = rng.choice((", and ", "; ", ", while "))
    return a[:-1] + glue + _lower_first(b)


def paraphrase_sentences(
    sentences: Sequence[str], rng: random.Random, strength: float = 0.9, drop: float = 0.15
) -> list[str]:
    """Heavier rewrite that keeps the order of facts: drop some sentences, reorder clauses,
    split and merge, then spin the words."""
    kept = [s for i, s in enumerate(sentences) if i == 0 or rng.random() >= drop]
    out: list[str] = []
    for s in kept:
        if rng.random() < 0.6:
            s = reorder_clauses(s, rng)
        if rng.random() < 0.2:
            out.extend(split_sentence(s))
        elif out and rng.random() < 0.15:
            out[-1] = merge_sentences(out[-1], s, rng)
        else:
            out.append(s)
    # One spin over newline-joined sentences is much cheaper than one per sentence.
    return spin("\n".join(out), rng, strength).split("\n")


def paraphrase(text: str, rng: random.Random, strength: float = 0.9, drop: float = 0.15) -> str:
    sentences = [s for p in split_paragraphs(text) for s in p]
    return join_paragraphs(regroup(paraphrase_sentences(sentences, rng, strength, drop), rng))


def light_edit(text: str, rng: random.Random, n_words: int = 4, extra: str | None = None) -> str:
    """A few words changed, and one sentence dropped (or ``extra`` added after a random one)."""
    paras = split_paragraphs(spin(text, rng, max_swaps=n_words))
    flat = [(i, j) for i, p in enumerate(paras) for j in range(len(p))]
    if extra is not None:
        i, j = rng.choice(flat)
        paras[i].insert(j + 1, extra)
    elif len(flat) > 3:
        i, j = rng.choice(flat[1:])
        del paras[i][j]
    return join_paragraphs(paras)


# --- fact breaking and padding -------------------------------------------------------------

_TITLES = re.compile(
    r"\b(President|Mayor|Governor|Minister|Senator|Judge|Chief|Director|Commissioner|"
    r"Coach|Prosecutor|Chancellor|Ambassador)(?= [A-Z])"
)
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
_DATE = re.compile(
    rf"\b(?:in|on|since|by) (?:(?:{_MONTHS})(?: \d{{1,2}})?(?:, \d{{4}})?|(?:19|20)\d\d|"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b"
)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w,])")


def add_former(text: str, rng: random.Random) -> str:
    """Turn one titled name into a "former" one ("Mayor X" -> "former Mayor X")."""
    hits = [
        m
        for m in _TITLES.finditer(text)
        if not text[max(0, m.start() - 7) : m.start()].endswith("former ")
    ]
    if not hits:
        return text
    m = rng.choice(hits)
    return f"{text[: m.start()]}former {text[m.start() :]}"


def drop_date(text: str, rng: random.Random) -> str:
    """Blur one date: "in 2019" -> "in previous years", "on Tuesday" -> "recently"."""
    hits = list(_DATE.finditer(text))
    if not hits:
        return text
    m = rng.choice(hits)
    vague = "in previous years" if m.group(0)[-1].isdigit() else rng.choice(
        ("recently", "earlier", "in recent days", "this week")
    )
    return text[: m.start()] + vague + text[m.end() :]


def change_number(text: str, rng: random.Random) -> str:
    """Change one number (not a year) by 10-60%, keeping its format: a broken fact."""
    hits = [m for m in _NUMBER.finditer(text) if not re.fullmatch(r"(?:19|20)\d\d", m.group(0))]
    if not hits:
        return text
    m = rng.choice(hits)
    raw = m.group(0)
    if "." in raw:
        value = float(raw) * rng.choice((0.6, 0.75, 1.3, 1.5))
        new = f"{value:.1f}"
    else:
        n = int(raw.replace(",", ""))
        factor = rng.choice((0.5, 0.7, 0.8, 1.2, 1.4, 1.6))
        v = max(1, round(n * factor)) if n > 1 else n + rng.randint(1, 4)
        if v == n:
            v = n + 1
        new = f"{v:,}" if "," in raw else str(v)
    return text[: m.start()] + new + text[m.end() :]


def insert_headings(
    paras: Sequence[Sequence[str]], rng: random.Random, headings: Sequence[str], n: int = 2
) -> list[list[str]]:
    """Insert SEO-style headings (each its own paragraph) between paragraphs."""
    out = [list(p) for p in paras]
    if len(out) < 3 or not headings:
        return out
    slots = sorted(rng.sample(range(1, len(out)), min(n, len(out) - 1)), reverse=True)
    picks = rng.sample(list(headings), min(len(slots), len(headings)))
    for pos, h in zip(slots, picks, strict=False):
        out.insert(pos, [h])
    return out


def spin_article(
    text: str,
    rng: random.Random,
    strength: float = 0.85,
    fact_break: float = 0.3,
    headings: Sequence[str] = (),
    bio: str | None = None,
) -> str:
    """A full farm spin of an article: words swapped, maybe a broken fact, maybe headings
    and an author bio. Sentence order is kept."""
    out = spin(text, rng, strength)
    if rng.random() < fact_break:
        out = add_former(out, rng)
    if rng.random() < fact_break:
        out = drop_date(out, rng)
    if rng.random() < fact_break:
        out = change_number(out, rng)
    paras = split_paragraphs(out)
    if headings:
        paras = insert_headings(paras, rng, headings)
    if bio:
        paras.append([bio])
    return join_paragraphs(paras)
