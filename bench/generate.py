"""Generate a synthetic news corpus with rewrites mixed in at a known rate, plus gold pairs.

    python bench/generate.py --docs 20000 --out build/synth --seed 7 --rewrite-rate 0.2

Writes, line by line (memory does not grow with --docs):

* ``corpus.jsonl``  {"id", "url", "title", "published" (ISO 8601 with offset), "text"}
* ``gold.jsonl``    {"a": source id, "b": rewrite id, "kind"} per reuse pair; a rewrite of a
                    rewrite also gets a line for each earlier ancestor, with "via" naming the
                    intermediate doc and the weaker of the two kinds
* ``events.jsonl``  {"id", "event"} for every doc (rewrites carry their source's event)

Documents are either *originals* (written from an event's facts by a sentence grammar;
about 30% of them share their event with another original - the "same story, not a
rewrite" hard negatives) or *rewrites* of a recent earlier doc: copy, light, spin,
paraphrase, partial. Doc i is generated from Random(seed, i) and from docs in a bounded
window before it, so output is deterministic per seed and memory stays flat.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make "bench" importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import spinner, vocab

TEMPLATE_FILE = Path(__file__).with_name("wordlists") / "templates.txt"

EVENT_TYPES: tuple[str, ...] = (
    "election", "fire", "court", "earnings", "sports", "storm", "science", "diplomacy",
    "crime", "health",
)
KINDS: tuple[str, ...] = ("copy", "light", "spin", "paraphrase", "partial")
KIND_WEIGHTS: tuple[float, ...] = (0.15, 0.2, 0.3, 0.2, 0.15)
# How far a doc can be from what it derives from. Bounded so we keep only a window in memory.
WINDOW = 3000
# Probability that an original joins the event of a recent original (tuned so that ~30% of
# originals share their event with another original).
JOIN_EVENT = 0.19
CHAIN_PROB = 0.2  # a rewrite copies another rewrite rather than an original
MAX_CHAIN = 3
EPOCH = datetime(2019, 1, 1, tzinfo=UTC).timestamp()
SECONDS_PER_DOC = 137  # 1M docs span ~4.3 years

# --- the sentence grammar ----------------------------------------------------------------

class Slot(str):
    """A "{name}" slot (a str subclass so it is cheap to tell apart from literals)."""

    __slots__ = ()


# A node is a literal str, a Slot, a tuple of literal options (the common, fast case) or a
# list of options that are themselves node lists.
Node = str | Slot | tuple | list


def _simplify(options: list[list[Node]]) -> Node:
    if all(len(o) <= 1 and (not o or type(o[0]) is str) for o in options):
        return tuple(o[0] if o else "" for o in options)
    return options


def _parse(text: str, pos: int = 0, stop: str = "") -> tuple[list[Node], int]:
    """Parse "[a|b]" alternation and "{slot}" into a node list; returns (nodes, end pos)."""
    nodes: list[Node] = []
    buf: list[str] = []
    while pos < len(text):
        c = text[pos]
        if c in stop:
            break
        if c == "{":
            end = text.index("}", pos)
            if buf:
                nodes.append("".join(buf))
                buf = []
            nodes.append(Slot(text[pos + 1 : end]))
            pos = end + 1
        elif c == "[":
            if buf:
                nodes.append("".join(buf))
                buf = []
            options: list[list[Node]] = []
            pos += 1
            while True:
                opt, pos = _parse(text, pos, "|]")
                options.append(opt)
                if text[pos] == "]":
                    pos += 1
                    break
                pos += 1  # skip "|"
            nodes.append(_simplify(options))
        else:
            buf.append(c)
            pos += 1
    if buf:
        nodes.append("".join(buf))
    return nodes, pos


Template = Callable[[dict[str, str], Callable[[], float], Callable[[str], str]], str]


def _compile(nodes: list[Node]) -> Template:
    """Turn a parsed template into a Python function (via eval of generated code).

    Interpreting the node tree costs most of the generation time; generated code that picks
    options with ``T[int(R() * n)]`` is several times faster, which the >= 2,000 docs/s
    target needs. The function takes (facts, rng.random, slot resolver).
    """
    ns: dict[str, object] = {}
    return eval(f"lambda F, R, S: {_expr(nodes, ns)}", ns)


def _expr(nodes: list[Node], ns: dict[str, object]) -> str:
    items: list[str] = []
    for n in nodes:
        if type(n) is Slot:
            items.append(f"(F[{n!r}] if {n!r} in F else S({n!r}))")
        elif type(n) is str:
            items.append(repr(n))
        elif type(n) is tuple:
            name = f"T{len(ns)}"
            ns[name] = n
            items.append(f"{name}[int(R() * {len(n)})]")
        else:
            name = f"C{len(ns)}"
            ns[name] = None  # reserve the name before compiling the options
            ns[name] = tuple(eval(f"lambda F, R, S: {_expr(o, ns)}", ns) for o in n)
            items.append(f"{name}[int(R() * {len(n)})](F, R, S)")
    if not items:
        return "''"
    if len(items) == 1:
        return items[0]
    return "''.join((" + ", ".join(items) + ",))"


def load_templates(path: Path = TEMPLATE_FILE) -> dict[tuple[str, str], list[Template]]:
    sections: dict[tuple[str, str], list[Template]] = {}
    current: list[Template] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            a, b = line[2:].split()
            current = sections.setdefault((a, b), [])
            continue
        if current is None:
            raise ValueError(f"template outside a section: {line!r}")
        nodes, _ = _parse(line)
        current.append(_compile(nodes))
    return sections


TEMPLATES = load_templates()


def _num(lo: int, hi: int) -> Callable[[random.Random], str]:
    span = hi - lo + 1
    return lambda rng: f"{lo + int(rng.random() * span):,}"


# Slots not bound by the event are drawn fresh at each use, so background sentences vary.
GENERIC: dict[str, Callable[[random.Random], str]] = {
    "person": vocab.person,
    "org": vocab.org,
    "uni": vocab.university,
    "town": vocab.place,
    "country": lambda rng: vocab.pick(vocab.COUNTRIES, rng),
    "street": vocab.street,
    "num_small": _num(2, 19),
    "num": _num(20, 900),
    "num_thousand": _num(1000, 48000),
    "pct": _num(12, 88),
    "pct_small": _num(2, 9),
    "money_m": _num(2, 950),
    "money_k": _num(15, 990),
    "year_past": lambda rng: str(1978 + int(rng.random() * 40)),
    "month": lambda rng: vocab.pick(vocab.MONTHS, rng),
    "month_future": lambda rng: vocab.pick(vocab.MONTHS, rng),
    "ordinal": lambda rng: vocab.pick(vocab.ORDINALS, rng),
    "population": lambda rng: f"{(8 + int(rng.random() * 893)) * 1000:,}",
    "weekday_any": lambda rng: vocab.pick(vocab.WEEKDAYS, rng),
}


def render(tpl: Template, facts: dict[str, str], etype: str, rng: random.Random) -> str:
    """Fill one template: a sentence with tidy spacing and a capital first letter."""
    s = tpl(facts, rng.random, lambda name: _slot(name, facts, etype, rng))
    if "  " in s or s.startswith(" "):  # empty options leave double spaces
        s = " ".join(s.split())
    if " ," in s or " ." in s:
        s = s.replace(" ,", ",").replace(" .", ".")
    return s[:1].upper() + s[1:]


def _slot(name: str, facts: dict[str, str], etype: str, rng: random.Random) -> str:
    gen = GENERIC.get(name)
    if gen is not None:
        return gen(rng)
    if name == "quote":
        return render(_pick(TEMPLATES[etype, "quote"], rng), facts, etype, rng)
    return _pick(TEMPLATES["slot", name], rng)(
        facts, rng.random, lambda n: _slot(n, facts, etype, rng)
    )


def _pick(seq: list[Template], rng: random.Random) -> Template:
    return seq[int(rng.random() * len(seq))]


# --- events ------------------------------------------------------------------------------


def _last(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _people(rng: random.Random, facts: dict[str, str], *keys: str) -> None:
    for k in keys:
        facts[k] = vocab.person(rng)
        facts[k + "_last"] = _last(facts[k])


_EVENT_CACHE: dict[tuple[int, int], tuple[str, dict[str, str]]] = {}


def make_event(seed: int, event_idx: int) -> tuple[str, dict[str, str]]:
    """The facts of event ``event_idx`` (the index of its first doc): same for every doc.

    Pure function of (seed, event_idx); a small cache saves re-deriving recent events.
    """
    key = (seed, event_idx)
    hit = _EVENT_CACHE.get(key)
    if hit is None:
        hit = _EVENT_CACHE[key] = _make_event(seed, event_idx)
        if len(_EVENT_CACHE) > 4096:
            del _EVENT_CACHE[next(iter(_EVENT_CACHE))]  # oldest first: dicts keep order
    return hit


def _make_event(seed: int, event_idx: int) -> tuple[str, dict[str, str]]:
    rng = random.Random(_seed_key(seed, event_idx, 1))
    etype = EVENT_TYPES[int(rng.random() * len(EVENT_TYPES))]
    day = datetime.fromtimestamp(_base_time(event_idx) - rng.randint(0, 30000), UTC)
    region = vocab.region(rng)
    f: dict[str, str] = {
        "place": vocab.place(rng),
        "region": region,
        "weekday": vocab.WEEKDAYS[day.weekday()],
        "date": f"{vocab.MONTHS[day.month - 1]} {day.day}",
    }
    _people(rng, f, "official")
    big = lambda lo, hi: f"{rng.randint(lo, hi):,}"  # noqa: E731 - local shorthand
    if etype == "election":
        _people(rng, f, "cand1", "cand2")
        p1, p2 = rng.sample(vocab.PARTIES, 2)
        pct1 = rng.randint(50, 66)
        pct2 = rng.randint(max(20, 100 - pct1 - 12), 100 - pct1)
        total = rng.randint(20000, 900000)
        v1, v2 = total * pct1 // 100, total * pct2 // 100
        i1, i2 = rng.sample(vocab.ISSUES, 2)
        f.update(
            party1=p1, party2=p2, pct1=str(pct1), pct2=str(pct2), votes1=f"{v1:,}",
            votes2=f"{v2:,}", margin=f"{v1 - v2:,}", turnout=str(rng.randint(34, 79)),
            office=rng.choice(vocab.OFFICES), issue1=i1, issue2=i2,
            board=f"the {region} Electoral Commission",
            official_title="chair of the electoral commission",
        )
    elif etype == "fire":
        feature = rng.choice(vocab.PLACE_STEMS) + rng.choice(("wood", "ridge", "brook", "field"))
        kind = rng.choice(("Creek", "Canyon", "Ridge", "Hollow", "Valley"))
        f.update(
            fire_name=f"the {feature} {kind} Fire", acres=big(300, 95000), homes=big(3, 420),
            evacuated=big(400, 38000), containment=str(rng.randint(5, 85)),
            crews=big(80, 2600), wind=str(rng.randint(40, 110)),
            cause=rng.choice(vocab.FIRE_CAUSES), official_title="fire chief",
            agency=f"the {region} Fire Department",
        )
    elif etype == "court":
        _people(rng, f, "defendant", "judge", "prosecutor", "lawyer")
        f.update(
            court=f"the {region} Court", charge=rng.choice(vocab.CHARGES),
            sentence=str(rng.randint(2, 18)), fine=big(20000, 2500000),
            hours=str(rng.randint(4, 40)), age=str(rng.randint(29, 71)), org=vocab.org(rng),
        )
    elif etype == "earnings":
        _people(rng, f, "ceo", "cfo")
        rev = rng.randint(3, 480) / 10
        f.update(
            company=vocab.org(rng), product=rng.choice(vocab.PRODUCTS),
            quarter=rng.choice(vocab.QUARTERS), revenue=f"{rev:.1f}",
            revenue_est=f"{rev * rng.choice((0.9, 0.95, 1.04, 1.1)):.1f}",
            profit=big(12, 3900), pct_change=str(rng.randint(2, 38)),
            share_move=str(rng.randint(1, 19)), analyst_firm=vocab.org(rng),
            employees=big(800, 160000),
        )
    elif etype == "sports":
        _people(rng, f, "player", "coach")
        s1 = rng.randint(1, 5)
        f.update(
            team1=vocab.team(rng), team2=vocab.team(rng), team3=vocab.team(rng),
            team4=vocab.team(rng), score1=str(s1), score2=str(rng.randint(0, s1 - 1)),
            venue=f"{vocab.place(rng)} {rng.choice(('Stadium', 'Park', 'Arena', 'Ground'))}",
            league=f"the {rng.choice(vocab.COUNTRIES)} Premier League",
            attendance=big(4000, 68000), minute=str(rng.randint(4, 89)),
            age=str(rng.randint(19, 35)),
        )
    elif etype == "storm":
        f.update(
            storm_name=f"{rng.choice(vocab.STORM_KINDS)} {rng.choice(vocab.FIRST_NAMES)}",
            wind=str(rng.randint(70, 210)), rain=str(rng.randint(60, 480)),
            outages=big(4000, 420000), deaths=str(rng.randint(1, 24)),
            hours=str(rng.randint(3, 30)), official_title="emergency management director",
            agency=f"the {region} Emergency Management Agency",
            forecaster=f"the {rng.choice(vocab.COUNTRIES)} Meteorological Office",
        )
    elif etype == "science":
        _people(rng, f, "lead")
        f.update(
            university=vocab.university(rng), journal=rng.choice(vocab.JOURNALS),
            topic=rng.choice(vocab.SCIENCE_TOPICS), sample=big(40, 24000),
            effect=str(rng.randint(4, 61)),
            funder=f"the {rng.choice(vocab.COUNTRIES)} Science Foundation",
        )
    elif etype == "diplomacy":
        _people(rng, f, "minister1", "minister2")
        c1, c2, c3 = rng.sample(vocab.COUNTRIES, 3)
        f.update(
            country1=c1, country2=c2, country3=c3, city=vocab.place(rng),
            treaty=rng.choice(vocab.TREATY_KINDS), topic=rng.choice(vocab.DIPLO_TOPICS),
            value=f"{rng.randint(3, 190) / 10:.1f}", days=str(rng.randint(2, 9)),
        )
    elif etype == "crime":
        _people(rng, f, "victim")
        f.update(
            crime=rng.choice(vocab.CRIMES), street=vocab.street(rng),
            arrests=str(rng.randint(2, 6)), stolen=big(4000, 2400000),
            official_title="police chief", agency=f"the {f['place']} Police Department",
            clock=f"{rng.randint(1, 11)}:{rng.randint(0, 59):02d} {rng.choice(('a.m.', 'p.m.'))}",
            age=str(rng.randint(18, 30)), age2=str(rng.randint(31, 55)),
        )
    else:  # health
        cases = rng.randint(14, 2400)
        f.update(
            disease=rng.choice(vocab.DISEASES), cases=f"{cases:,}",
            cases_prev=f"{max(3, cases * rng.randint(30, 80) // 100):,}",
            source=rng.choice((
                f"a restaurant on {vocab.street(rng)}", "a summer camp",
                "a broken water main", "a wedding reception", "a childcare center",
                "a food festival",
            )),
            hospital=f"{f['place']} General Hospital", official_title="chief medical officer",
            agency=f"the {region} Health Department", pct_high=str(rng.randint(90, 95)),
        )
    f.setdefault("agency", f"the {region} authorities")
    f.setdefault("official_title", "spokesperson")
    # A quote from a press conference that several independent reports may reproduce.
    speaker = f[SPEAKER[etype]]
    q = render(_pick(TEMPLATES[etype, "quote"], rng), f, etype, rng)
    f["_event_quote"] = f'"{q}," {speaker} {rng.choice(("said", "told reporters", "added"))}.'
    return etype, f


SPEAKER = {
    "election": "cand1_last", "fire": "official_last", "court": "prosecutor",
    "earnings": "ceo_last", "sports": "coach", "storm": "official_last",
    "science": "lead_last", "diplomacy": "minister1_last", "crime": "official_last",
    "health": "official_last",
}


# --- articles ------------------------------------------------------------------------------


def compose(
    facts: dict[str, str], etype: str, rng: random.Random, n_sent: int
) -> tuple[str, list[str]]:
    """An independent article on the event: title + sentences, templates and facts chosen
    at random so two articles on one event differ in wording, order and selection."""
    title = render(_pick(TEMPLATES[etype, "title"], rng), facts, etype, rng)
    sents = [render(_pick(TEMPLATES[etype, "lede"], rng), facts, etype, rng)]
    own = TEMPLATES[etype, "body"]
    generic = TEMPLATES["any", "body"]
    n_own = min(len(own), max(4, round((n_sent - 1) * 0.65)))
    picks = rng.sample(own, n_own) + rng.sample(generic, min(len(generic), n_sent - 1 - n_own))
    rng.shuffle(picks)
    for t in picks:
        s = render(t, facts, etype, rng)
        # Join some neighbours into one longer sentence: news prose runs 20-30 words a
        # sentence, the templates alone are shorter.
        prev = sents[-1]
        if len(sents) > 1 and rng.random() < 0.35 and '"' not in prev and '"' not in s:
            sents[-1] = prev[:-1] + _JOINS[int(rng.random() * len(_JOINS))] + _lower_first(s)
        else:
            sents.append(s)
    if rng.random() < 0.5:
        sents.insert(1 + int(rng.random() * (len(sents) - 1)), facts["_event_quote"])
    if rng.random() < 0.3:
        sents.append(render(_pick(TEMPLATES["any", "close"], rng), facts, etype, rng))
    return title, sents


_JOINS = ("; ", ", and ", ", while ", "; meanwhile, ", ". In addition, ")


def _lower_first(s: str) -> str:
    word = s.split(" ", 1)[0]
    if s[:2].istitle() and (word in _COMMON or word.lower() in spinner.load_synonyms()[0]):
        return s[0].lower() + s[1:]
    return s


# Sentence openers that can be lower-cased when a sentence is joined to the previous one.
_COMMON = frozenset(
    "The A An Officials Police Residents Several Some Many Analysts Investigators Crews "
    "Firefighters Schools Shares Sales Prosecutors Doctors Researchers Fans Supporters "
    "Power Trade Smoke Air Strong Last Early During In On At After According Under".split()
)


def _seed_key(seed: int, idx: int, salt: int) -> int:
    # An int seed (cheap to seed from, unlike a str) unique per (seed, index, purpose).
    return ((seed & 0xFFFFFFFF) << 40) | (idx << 2) | salt


def _base_time(idx: int) -> float:
    return EPOCH + idx * SECONDS_PER_DOC


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])


def _tz_for(domain: str) -> timezone:
    return timezone(timedelta(hours=(sum(map(ord, domain)) % 11) - 5))


@dataclass(slots=True)
class Farm:
    """A content farm's fixed habits: boilerplate reused on every rewrite it publishes."""

    domain: str
    intro: str
    outro: str
    bio: str
    headings: tuple[str, ...]
    seo_prob: float
    bio_prob: float
    kind_weights: tuple[float, ...]


def _brand(domain: str) -> str:
    name = domain.split(".")[0]
    return name[:1].upper() + name[1:]


def make_farm(k: int) -> Farm:
    domain = vocab.FARMS[k]
    rng = random.Random(f"farm/{domain}")
    brand = _brand(domain)
    author = vocab.person(rng)
    intro = rng.choice((
        f"{brand} brings you the stories everyone is talking about.",
        f"Welcome to {brand}, your source for fast news updates.",
        f"Here is the latest update from the {brand} news desk.",
        f"{brand} is tracking this developing story for our readers.",
        f"Stay ahead of the headlines with {brand}.",
    ))
    outro = rng.choice((
        f"Sign up for the {brand} newsletter to get stories like this in your inbox every morning.",
        f"Follow {brand} on social media and never miss a breaking story.",
        f"Subscribe to {brand} for daily updates, trending stories and more.",
        f"Did you find this useful? Share it with your friends and bookmark {brand} for more.",
        f"For more updates, keep visiting {brand} - news that matters, when it matters.",
    ))
    bio = rng.choice((
        f"About the author: {author} is a passionate writer who covers trending news for {brand}.",
        f"{author} is a senior content writer at {brand} with a love for storytelling.",
        f"Written by {author}, who has been writing about current affairs for over a decade.",
    ))
    headings = tuple(rng.sample((
        "What Happened?", "Key Details", "What We Know So Far", "Why It Matters",
        "Final Thoughts", "The Bottom Line", "Background", "What's Next?", "Key Takeaways",
        "Everything You Need to Know", "Reactions", "The Full Story",
    ), 5))
    w = [x * rng.uniform(0.3, 1.7) for x in KIND_WEIGHTS]
    w[0] *= 1.0 if rng.random() < 0.5 else 0.2  # some farms copy, others always spin
    return Farm(
        domain=domain, intro=intro, outro=outro, bio=bio, headings=headings,
        seo_prob=rng.uniform(0.1, 0.8), bio_prob=rng.uniform(0.1, 0.7),
        kind_weights=tuple(w),
    )


FARM_PROFILES: tuple[Farm, ...] = tuple(make_farm(k) for k in range(len(vocab.FARMS)))
KIND_RANK = {k: i for i, k in enumerate(KINDS)}


@dataclass(slots=True)
class Doc:
    idx: int
    id: str
    domain: str
    title: str
    sents: list[str]  # flat sentence list (paragraphing is re-derived from the text)
    text: str
    published: float
    event: str
    etype: str
    # (ancestor id, kind of reuse relative to that ancestor), nearest first
    ancestors: list[tuple[str, str]] = field(default_factory=list)


def _paragraphs(sents: list[str], rng: random.Random) -> str:
    return spinner.join_paragraphs(spinner.regroup(sents, rng))


class Generator:
    """Streams documents; keeps only a window of recent docs in memory."""

    def __init__(self, seed: int = 0, rewrite_rate: float = 0.2) -> None:
        self.seed = seed
        self.rate = rewrite_rate
        self.window: dict[int, Doc] = {}
        self.originals: list[int] = []  # recent original indices (bounded)
        self.chainable: list[int] = []  # recent copy/light/spin rewrites (bounded)

    def docs(self, n: int) -> Iterator[tuple[Doc, str | None, list[dict[str, str]]]]:
        """Yield (doc, rewrite kind or None, gold lines) for docs 0..n-1."""
        for i in range(n):
            doc, kind, gold = self.make(i)
            self.window[i] = doc
            self.window.pop(i - WINDOW, None)
            if kind is None:
                self.originals.append(i)
            elif kind in ("copy", "light", "spin") and len(doc.ancestors) < MAX_CHAIN:
                self.chainable.append(i)
            for lst in (self.originals, self.chainable):
                while lst and lst[0] <= i - WINDOW:
                    lst.pop(0)
            yield doc, kind, gold

    def make(self, i: int) -> tuple[Doc, str | None, list[dict[str, str]]]:
        rng = random.Random(_seed_key(self.seed, i, 0))
        if self.originals and rng.random() < self.rate:
            return self._rewrite(i, rng)
        return self._original(i, rng), None, []

    # originals
    def _original(self, i: int, rng: random.Random) -> Doc:
        event_idx = i
        if self.originals and rng.random() < JOIN_EVENT:
            # a recent original's event: same story, independent write-up
            recent = self.originals[-600:]
            event_idx = int(self.window[recent[int(rng.random() * len(recent))]].event[1:])
        etype, facts = make_event(self.seed, event_idx)
        title, sents = compose(facts, etype, rng, rng.randint(18, 29))
        domain = vocab.OUTLETS[int(rng.random() * len(vocab.OUTLETS))]
        return Doc(
            idx=i, id=f"n{i:07d}", domain=domain, title=title, sents=sents,
            text=_paragraphs(sents, rng), published=_base_time(i) + rng.randint(0, 3600),
            event=f"e{event_idx:07d}", etype=etype,
        )

    # rewrites
    def _rewrite(self, i: int, rng: random.Random) -> tuple[Doc, str, list[dict[str, str]]]:
        if self.chainable and rng.random() < CHAIN_PROB:
            src = self.window[self.chainable[int(rng.random() * len(self.chainable))]]
        else:
            src = self.window[self.originals[int(rng.random() * len(self.originals))]]
        syndicated = rng.random() < 0.06
        farm = FARM_PROFILES[int(rng.random() * len(FARM_PROFILES))]
        kind = "copy" if syndicated else rng.choices(KINDS, farm.kind_weights)[0]
        domain = farm.domain
        if syndicated:  # a legitimate outlet republishing with credit
            domain = vocab.OUTLETS[int(rng.random() * len(vocab.OUTLETS))]
        title, sents = self._rewrite_body(kind, src, farm, syndicated, rng)
        if kind in ("spin", "paraphrase") and rng.random() < farm.seo_prob:
            paras = spinner.insert_headings(
                spinner.regroup(sents, rng), rng, farm.headings, n=rng.randint(1, 3)
            )
            text = spinner.join_paragraphs(paras)
        else:
            text = _paragraphs(sents, rng)
        if not syndicated and kind != "copy" and rng.random() < farm.bio_prob:
            text += "\n\n" + farm.bio
        delay = 600 * (2 ** (rng.random() * 9))  # 10 minutes to ~3.5 days, log-uniform
        doc = Doc(
            idx=i, id=f"n{i:07d}", domain=domain, title=title, sents=sents, text=text,
            published=src.published + delay, event=src.event, etype=src.etype,
        )
        doc.ancestors = [(src.id, kind)] + [
            (aid, max(kind, ak, key=KIND_RANK.__getitem__)) for aid, ak in src.ancestors
        ]
        gold = [{"a": src.id, "b": doc.id, "kind": kind}]
        gold += [
            {"a": aid, "b": doc.id, "kind": k, "via": src.id} for aid, k in doc.ancestors[1:]
        ]
        return doc, kind, gold

    def _rewrite_body(
        self, kind: str, src: Doc, farm: Farm, syndicated: bool, rng: random.Random
    ) -> tuple[str, list[str]]:
        sents = list(src.sents)
        if kind == "copy":
            if syndicated:
                note = (
                    f"This story originally appeared on {src.domain} "
                    "and is republished here with permission."
                )
                return src.title, [*sents, note]
            return src.title, [farm.intro, *sents, farm.outro]
        if kind == "light":
            # a few words changed, one sentence dropped or one added
            out = spinner.spin("\n".join(sents), rng, max_swaps=rng.randint(2, 6)).split("\n")
            if rng.random() < 0.5:
                etype, facts = make_event(self.seed, int(src.event[1:]))
                extra = render(_pick(TEMPLATES["any", "body"], rng), facts, etype, rng)
                out.insert(1 + int(rng.random() * len(out)), extra)
            elif len(out) > 3:
                del out[1 + int(rng.random() * (len(out) - 1))]
            return src.title, [*out, farm.outro] if rng.random() < 0.5 else out
        if kind == "spin":
            strength = rng.uniform(0.75, 0.95)
            body = spinner.spin("\n".join(sents), rng, strength)
            for breaker in (spinner.add_former, spinner.drop_date, spinner.change_number):
                if rng.random() < 0.35:
                    body = breaker(body, rng)
            out = body.split("\n")
            return spinner.spin(src.title, rng, strength), [farm.intro, *out, farm.outro]
        if kind == "paraphrase":
            out = spinner.paraphrase_sentences(sents, rng, rng.uniform(0.8, 0.97), drop=0.2)
            if rng.random() < 0.3:
                out = spinner.change_number("\n".join(out), rng).split("\n")
            if rng.random() < 0.3:
                out = spinner.add_former("\n".join(out), rng).split("\n")
            return spinner.spin(src.title, rng, 0.95), [farm.intro, *out]
        # partial: a new write-up of the same event that lifts 30-50% of the source's
        # sentences (spun) in their original order
        etype, facts = make_event(self.seed, int(src.event[1:]))
        title, fresh = compose(facts, etype, rng, rng.randint(10, 20))
        k = max(2, round(len(sents) * rng.uniform(0.3, 0.5)))
        lifted_idx = sorted(rng.sample(range(len(sents)), min(k, len(sents))))
        strength = rng.uniform(0.3, 0.8)
        lifted = spinner.spin("\n".join(sents[j] for j in lifted_idx), rng, strength).split("\n")
        total = len(fresh) + len(lifted)
        slots = set(rng.sample(range(1, total), len(lifted)))  # keep the fresh lede first
        merged: list[str] = []
        fi = li = 0
        for pos in range(total):
            if pos in slots:
                merged.append(lifted[li])
                li += 1
            else:
                merged.append(fresh[fi])
                fi += 1
        return title, merged


def _iso(ts: float, domain: str) -> str:
    return datetime.fromtimestamp(round(ts), _tz_for(domain)).isoformat()


def write_corpus(
    out: Path, n: int, seed: int = 0, rewrite_rate: float = 0.2, fmt: str = "jsonl"
) -> dict[str, int]:
    """Write corpus.jsonl, gold.jsonl, events.jsonl under ``out``; return counts by kind."""
    if fmt != "jsonl":
        raise ValueError(f"unsupported format {fmt!r}")
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {"original": 0, **{k: 0 for k in KINDS}}
    gen = Generator(seed, rewrite_rate)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    with (
        open(out / "corpus.jsonl", "w", encoding="utf-8") as fc,
        open(out / "gold.jsonl", "w", encoding="utf-8") as fg,
        open(out / "events.jsonl", "w", encoding="utf-8") as fe,
    ):
        for doc, kind, gold in gen.docs(n):
            counts[kind or "original"] += 1
            month = time.strftime("%Y/%m", time.gmtime(doc.published))
            url = f"https://{doc.domain}/{doc.etype}/{month}/{_slug(doc.title)}-{doc.idx}"
            fc.write(dumps({
                "id": doc.id, "url": url, "title": doc.title,
                "published": _iso(doc.published, doc.domain), "text": doc.text,
            }) + "\n")
            fe.write(dumps({"id": doc.id, "event": doc.event}) + "\n")
            for g in gold:
                fg.write(dumps(g) + "\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--out", type=Path, required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rewrite-rate", type=float, default=0.2, help="fraction of rewrites")
    ap.add_argument("--format", default="jsonl", choices=["jsonl"])
    args = ap.parse_args(argv)
    if not 0 <= args.rewrite_rate < 1:
        ap.error("--rewrite-rate must be in [0, 1)")
    t0 = time.perf_counter()
    counts = write_corpus(args.out, args.docs, args.seed, args.rewrite_rate, args.format)
    dt = time.perf_counter() - t0
    print(
        f"wrote {args.docs} docs to {args.out} in {dt:.1f}s ({args.docs / dt:,.0f} docs/s): "
        + ", ".join(f"{k}={v}" for k, v in counts.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
