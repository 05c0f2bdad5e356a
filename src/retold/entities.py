"""Fact mentions in a sentence: named entities, titles/roles, numbers, dates/times, quotations.

Rule-based on purpose. The drift stage needs *spans and comparable keys*, not entity labels:
a capitalised-span chunker finds the names a spinner leaves alone or swaps, and the hard part
is the normalisation that keeps harmless rewrites quiet ("2%" = "two percent", "US" =
"United States", "LDP" = "Liberal Democratic Party", "Shinzo Abe" = "Abe"). A statistical NER
(spaCy's small English model, tried) gives the same spans on news text, mislabels many of them,
knows nothing about titles, costs ~100 MB of dependencies and runs ~500 sentences/s against tens
of thousands here; its labels would not change a single comparison below.

Everything is pure: the same sentence and ``Knowledge`` always give the same mentions. Offsets
are ``[start, end)`` character offsets into the sentence text that was passed in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from types import MappingProxyType
from typing import Literal

from retold.text import STOPWORDS, word_spans

MentionKind = Literal["entity", "title", "number", "date", "quote"]


@dataclass(frozen=True, slots=True)
class Mention:
    """One fact mention. ``key`` is the normalised value two mentions are compared on.

    ``holder`` (titles only) is the canonical key of the person the title belongs to, or "".
    ``fields`` (dates only) are the known parts of the date, e.g. ``(("d", "14"), ("m", "3"))``.
    ``tokens`` (entities only) are the canonical words, for "Shinzo Abe" ⊇ "Abe" matching.
    """

    kind: MentionKind
    text: str
    start: int
    end: int
    key: str
    holder: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    tokens: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Mentions:
    entities: tuple[Mention, ...]
    titles: tuple[Mention, ...]
    numbers: tuple[Mention, ...]
    dates: tuple[Mention, ...]
    quotes: tuple[Mention, ...]
    anaphoric: tuple[Mention, ...] = ()
    """Small numbers after "the" ("the six (people)"), which may point back at people
    already counted: they match a count on the other side but are no fact of their own."""


@dataclass(frozen=True, slots=True)
class Knowledge:
    """What the documents themselves teach: words seen capitalised mid-sentence (so a
    sentence-initial "Abe" is a name but "Officials" is not) and acronym expansions."""

    proper_words: frozenset[str] = frozenset()
    acronyms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


# --------------------------------------------------------------------------- gazetteers

# Canonical id -> aliases (lower-case, dots removed). Demonyms are aliases of their country:
# spinners swap "Chinese president" for "China's leader" and "Dutch farmers" for "farmers in the
# Netherlands" without changing a fact.
_ALIAS_GROUPS: dict[str, tuple[str, ...]] = {
    "us": ("us", "usa", "united states", "united states of america", "america", "american",
           "americans"),
    "uk": ("uk", "united kingdom", "britain", "great britain", "british", "briton", "britons"),
    "south korea": ("south korea", "republic of korea", "rok", "south korean", "s korea"),
    "north korea": ("north korea", "dprk", "north korean",
                    "democratic people's republic of korea"),
    "china": ("china", "chinese", "prc", "people's republic of china", "mainland china"),
    "taiwan": ("taiwan", "taiwanese", "republic of china"),
    "japan": ("japan", "japanese"),
    "russia": ("russia", "russian", "russian federation", "russians"),
    "netherlands": ("netherlands", "the netherlands", "dutch", "holland"),
    "uae": ("uae", "united arab emirates", "emirati"),
    "saudi arabia": ("saudi arabia", "saudi", "saudis", "ksa"),
    "czechia": ("czechia", "czech republic", "czech"),
    "turkey": ("turkey", "türkiye", "turkiye", "turkish"),
    "new zealand": ("new zealand", "new zealander", "nz"),
    "south africa": ("south africa", "south african"),
    "sri lanka": ("sri lanka", "sri lankan"),
    "philippines": ("philippines", "philippine", "filipino", "filipinos"),
    "vietnam": ("vietnam", "viet nam", "vietnamese"),
    "eu": ("eu", "european union"),
    "european commission": ("european commission", "eu commission"),
    "un": ("un", "united nations"),
    "nato": ("nato", "north atlantic treaty organization", "north atlantic treaty organisation"),
    "who": ("world health organization", "world health organisation"),
    "wwii": ("wwii", "ww2", "world war ii", "world war 2", "world war two", "second world war"),
    "wwi": ("wwi", "ww1", "world war i", "world war 1", "world war one", "first world war",
            "great war"),
}

# Country -> demonym pairs that follow no rule worth writing; added as alias groups.
_DEMONYMS = """germany german|france french|italy italian|spain spanish|india indian|
pakistan pakistani|iran iranian|iraq iraqi|israel israeli|ukraine ukrainian|poland polish|
canada canadian|mexico mexican|brazil brazilian|argentina argentine argentinian|
australia australian|egypt egyptian|thailand thai|cambodia cambodian|indonesia indonesian|
malaysia malaysian|singapore singaporean|kenya kenyan|nigeria nigerian|ethiopia ethiopian|
sweden swedish|norway norwegian|denmark danish|finland finnish|ireland irish|
switzerland swiss|belgium belgian|austria austrian|greece greek|portugal portuguese|
hungary hungarian|romania romanian|syria syrian|lebanon lebanese|jordan jordanian|
qatar qatari|afghanistan afghan|bangladesh bangladeshi|estonia estonian|latvia latvian|
lithuania lithuanian|uganda ugandan|ghana ghanaian|colombia colombian|chile chilean|
peru peruvian|venezuela venezuelan|cuba cuban|myanmar burmese|mongolia mongolian|
nepal nepali nepalese|kazakhstan kazakh|serbia serbian|croatia croatian|bulgaria bulgarian|
slovakia slovak|slovenia slovenian|iceland icelandic|morocco moroccan|algeria algerian|
tunisia tunisian|libya libyan|sudan sudanese|somalia somali|yemen yemeni|oman omani|
kuwait kuwaiti|bahrain bahraini|laos laotian|asia asian|europe european|africa african|
scotland scottish|wales welsh|england english|palestine palestinian|armenia armenian|
georgia georgian|azerbaijan azerbaijani|belarus belarusian|moldova moldovan|
zimbabwe zimbabwean|rwanda rwandan|tanzania tanzanian|zambia zambian|senegal senegalese|
cameroon cameroonian|angola angolan|mozambique mozambican|mali malian|chad chadian|
eritrea eritrean|ecuador ecuadorian|bolivia bolivian|paraguay paraguayan|
uruguay uruguayan|guatemala guatemalan|honduras honduran|nicaragua nicaraguan|
panama panamanian|haiti haitian|jamaica jamaican|maldives maldivian|bhutan bhutanese|
uzbekistan uzbek|turkmenistan turkmen|kyrgyzstan kyrgyz|tajikistan tajik|cyprus cypriot|
malta maltese|bosnia bosnian|albania albanian|montenegro montenegrin|kosovo kosovar|
botswana botswanan|namibia namibian|malawi malawian|madagascar malagasy|
mauritania mauritanian|niger nigerien|liberia liberian|gabon gabonese|togo togolese|
benin beninese|gambia gambian|guinea guinean|fiji fijian|samoa samoan|tonga tongan|
brunei bruneian|macedonia macedonian"""

# Capitals stand for their governments in news ("Tokyo's relationship with Washington"): a
# capital and its country are not reported as a changed entity.
_CAPITAL_PAIRS = """tokyo:japan beijing:china washington:us london:uk seoul:south-korea
        pyongyang:north-korea moscow:russia paris:france berlin:germany rome:italy
        madrid:spain delhi:india islamabad:pakistan tehran:iran baghdad:iraq kyiv:ukraine
        kiev:ukraine warsaw:poland ottawa:canada canberra:australia cairo:egypt
        bangkok:thailand jakarta:indonesia manila:philippines hanoi:vietnam taipei:taiwan
        brussels:eu ankara:turkey riyadh:saudi-arabia doha:qatar amman:jordan
        beirut:lebanon damascus:syria nairobi:kenya abuja:nigeria addis-ababa:ethiopia
        pretoria:south-africa brasilia:brazil mexico-city:mexico havana:cuba
        caracas:venezuela bogota:colombia lima:peru oslo:norway
        stockholm:sweden copenhagen:denmark helsinki:finland vienna:austria bern:switzerland
        lisbon:portugal athens:greece budapest:hungary prague:czechia bucharest:romania
        belgrade:serbia minsk:belarus tbilisi:georgia astana:kazakhstan
        kabul:afghanistan dhaka:bangladesh kuala-lumpur:malaysia
        dublin:ireland amsterdam:netherlands riga:latvia vilnius:lithuania tallinn:estonia
        khartoum:sudan tunis:tunisia algiers:algeria rabat:morocco accra:ghana
        kampala:uganda abu-dhabi:uae new-delhi:india"""
CAPITALS: Mapping[str, str] = MappingProxyType(
    {city.replace("-", " "): country
     for city, country in (pair.split(":") for pair in _CAPITAL_PAIRS.split())}
)

ALIASES: Mapping[str, str] = MappingProxyType(
    {alias: canon for canon, group in _ALIAS_GROUPS.items() for alias in group}
    | {
        alias: line.split()[0]
        for line in _DEMONYMS.replace("\n", "").split("|")
        for alias in line.split()
    }
)

MONTHS: Mapping[str, int] = MappingProxyType(
    {
        name: i + 1
        for i, names in enumerate(
            "january jan|february feb|march mar|april apr|may|june jun|july jul|august aug|"
            "september sep sept|october oct|november nov|december dec".split("|")
        )
        for name in names.split()
    }
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Titles: statuses (what a spinner breaks: "President" -> "former President"), qualifiers that
# make a different office ("Prime"/"Finance" + "Minister") and heads.
_STATUS = MappingProxyType(
    {
        "former": "former", "ex": "former", "erstwhile": "former", "retired": "former",
        "late": "late", "acting": "acting", "interim": "acting", "caretaker": "acting",
        "outgoing": "outgoing", "incoming": "incoming", "designate": "incoming",
        "elect": "incoming", "sitting": "", "current": "", "incumbent": "", "serving": "",
    }
)
# Modifiers that say nothing about the office: skipped inside a title.
_TITLE_NOISE = frozenset("new newly freshly recently appointed elected then the".split())
_QUALIFIERS = frozenset(
    """prime foreign finance defence defense interior home health education trade justice
    deputy vice state chief economy energy environment transport culture labour labor
    agriculture first senior assistant associate executive managing general lieutenant
    financial operating technology information marketing majority minority opposition
    petty warrant head
    """.split()
)
_HEADS = frozenset(
    """president minister chancellor senator congressman congresswoman governor mayor general
    admiral colonel commander coach manager ceo cfo chairman chairwoman chairperson chair
    secretary director ambassador envoy judge king queen prince princess emperor empress pope
    bishop archbishop spokesman spokeswoman spokesperson pm mp premier speaker prosecutor
    commissioner sheriff professor treasurer president-elect vice-president
    secretary-general director-general leader officer coo cto sergeant inspector constable
    detective superintendent captain corporal member councillor councilor councilman
    councilwoman alderman assemblyman assemblywoman""".split()
)
# What a person is by trade ("actress Mireille Dufort", "Festival founder Jonas Ekberg"): an
# office when a name follows, and one the rewrite can swap for another ("the actress" -> "the
# director"). Words a spinner swaps for each other are one role.
_OCCUPATIONS = MappingProxyType(
    {
        "founder": "founder", "co-founder": "founder", "cofounder": "founder",
        "actor": "actor", "actress": "actor", "singer": "singer", "producer": "producer",
        "scientist": "scientist", "researcher": "scientist", "historian": "historian",
        "economist": "economist", "lawyer": "lawyer",
        "doctor": "doctor", "physician": "doctor", "surgeon": "surgeon", "nurse": "nurse",
        "firefighter": "firefighter", "teacher": "teacher", "journalist": "journalist",
        "reporter": "journalist", "engineer": "engineer", "expert": "expert",
        "specialist": "expert", "analyst": "expert", "activist": "activist",
        "campaigner": "activist", "author": "author", "writer": "author",
        "novelist": "author", "architect": "architect", "fellow": "fellow",
    }
)
_HEADS |= _OCCUPATIONS.keys()
TWO_WORD_HEADS = MappingProxyType(
    {
        ("chief", "executive"): "chief executive",
        ("general", "secretary"): "general secretary",
        ("secretary", "general"): "general secretary",
        ("attorney", "general"): "attorney general",
        ("head", "coach"): "coach",
        ("vice", "president"): "vice president",
    }
)
_ROLE_NORMAL = MappingProxyType(
    {
        "pm": "prime minister", "premier": "prime minister", "ceo": "chief executive",
        "cfo": "chief financial officer", "coo": "chief operating officer",
        "cto": "chief technology officer",
        "chief executive officer": "chief executive", "chairman": "chair",
        "chairwoman": "chair", "chairperson": "chair", "spokesman": "spokesperson",
        "spokeswoman": "spokesperson", "secretary-general": "general secretary",
        "vice-president": "vice president", "congresswoman": "congressman",
        "director-general": "director general",
        # The foreign minister of the UK is its Foreign Secretary: one office, two names.
        "foreign secretary": "foreign minister",
    }
    | {word: role for word, role in _OCCUPATIONS.items() if word != role}
)
# American and British spellings of what an office is of ("Defense Minister"), and a
# spinner's word for a rank ("head economist" is the chief economist).
_SPELLING = MappingProxyType({"defense": "defence", "labor": "labour", "head": "chief"})
# Lower-case heads that are common words ("the general public", "a judge said"): only a title
# when capitalised or attached to a name.
_WEAK_HEADS = frozenset(
    "general admiral colonel commander coach manager chair secretary director judge speaker "
    "professor envoy bishop prince princess leader officer inspector detective captain member"
    .split()
) | _OCCUPATIONS.keys()
# Qualifiers that are an office on their own when a name follows ("Justice Mara Ellison";
# "Justice Minister" is still the minister).
_QUALIFIER_HEADS = frozenset({"justice", "chief", "lieutenant"})
# Qualifiers that rank an office named after what it is of ("Deputy Fire Chief").
_RANKS = frozenset("deputy vice assistant associate senior".split())
# Capitalised words after such a qualifier that make it an institution, not a person's title.
_ORGAN_WORDS = frozenset(
    "department ministry ministers league party system committee secretary court".split()
)
# Capitalised words after a common head ("General", "Director") that make the two a name of
# a place, an event or a firm, not an office and its holder.
_NOT_A_HOLDER = frozenset(
    """hospital infirmary clinic assembly election elections motors electric dynamics store
    stores staff directorate""".split()
)


def _opens_a_place_name(toks: list[_Tok], k: int) -> bool:
    """Whether the head at token ``k`` is followed by a capitalised ``_NOT_A_HOLDER`` word,
    with which it names a place, an event or a firm ("General Hospital")."""
    return k + 1 < len(toks) and _is_cap(toks[k + 1]) and toks[k + 1].low in _NOT_A_HOLDER


_PERIOD_CODE = re.compile(r"(?:Q[1-4]|H[12]|FY\d{2}(?:\d{2})?)")
# Temperature scales, named after people but units: "35 degrees Celsius" is "35C".
_UNIT_NAMES = frozenset("celsius centigrade fahrenheit kelvin".split())
_TEMPERATURE = re.compile(r"\d+(?:[.,]\d+)?°?[CFK]")
# "the former colony's president": "former" was the colony's, not the office's.
_POSSESSIVE = re.compile(r"['’]s?$")
_HONORIFICS = frozenset("mr mrs ms miss mx dr sir dame lord lady madam".split())
# Words allowed between two capitalised words of one name: "Bank of England", "Ludwig van".
_CONNECTORS = frozenset("of de del di da du la le van von bin al".split())
# Lower-case nouns that belong to the product name before them ("Tomahawk missiles").
_PRODUCT_NOUNS = frozenset(
    """missile missiles jet jets aircraft plane planes tank tanks drone drones rocket rockets
    vaccine vaccines sedan sedans car cars truck trucks phone phones weapon weapons system
    systems satellite satellites helicopter helicopters ship ships""".split()
)

_NUMBER_WORDS = MappingProxyType(
    {
        w: i
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen".split()
        )
    }
    | {w: 10 * (i + 2) for i, w in enumerate(
        "twenty thirty forty fifty sixty seventy eighty ninety".split())}
)
# Counts of times in one word. "Once" is left out: it is a conjunction ("once the plan is
# approved") as often as a count.
_MULTIPLIER_WORDS = MappingProxyType({"twice": 2, "thrice": 3, "double": 2, "triple": 3})
_THINK = frozenset("think thinks thinking thought".split())
# Ordinals are numbers of their own kind: their keys start with ORDINAL ("#3" for "3rd" and
# "third"). "Second" is also a unit of time and "first" an adverb, so an ordinal with no
# ordinal partner on the other side is no drift (see drift._number_drift).
ORDINAL = "#"
_ORDINAL_WORDS = MappingProxyType(
    {w: i + 1 for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
        "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
        "twentieth".split())}
)
_SCALES = MappingProxyType(
    {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
     "trillion": 1_000_000_000_000, "dozen": 12, "bn": 1_000_000_000, "mn": 1_000_000}
)
_MONEY_SCALES = MappingProxyType({"m": 1_000_000, "k": 1_000, "b": 1_000_000_000})
# A number word joined by a hyphen is still a number only before these ("five-year", not
# "two-way").
_HYPHEN_UNITS = frozenset(
    "year years old day days week weeks month months hour hours minute minutes metre metres "
    "meter meters mile miles kilometre kilometres km point per percent storey story "
    # counts made adjectives: "a three-strong team", "a five-member panel", "a two-time winner"
    "strong member man woman person seat nation party page game match bedroom lane time judge"
    " player team car vehicle floor round stage set goal shot".split()
)


def canonical(key: str, knowledge: Knowledge | None = None) -> str:
    """The canonical form of an entity key: alias groups and learned acronyms folded."""
    key = key.replace(".", "").strip()
    if key in ALIASES:
        return "#" + ALIASES[key]
    if knowledge is not None and (place := _demonym_of(key, knowledge)) is not None:
        return canonical(place, knowledge)
    if knowledge is not None:
        expansion = knowledge.acronyms.get(key.upper())
        if expansion is not None:
            return "#" + ALIASES[expansion] if expansion in ALIASES else expansion
    return key


def _demonym_of(word: str, knowledge: Knowledge) -> str | None:
    """The place a word outside the alias table is the adjective of, when the documents
    name it: "Bavarian" of "Bavaria", "Velorian(s)" of "Veloria" (a place the gazetteer
    cannot list, so only one the text itself names)."""
    stem = word[:-1] if word.endswith("ans") else word
    if " " in stem or len(stem) < 6 or not stem.endswith(("ian", "an")):
        return None
    place = stem[:-1]
    return place if place in knowledge.proper_words else None


_LONGEST_ALIAS = max(len(a.split()) for a in ALIASES)


def _fold_aliases(words: list[str]) -> list[str]:
    """Words of a name with each alias of several words made one token: "united states
    treasury" -> ["#us", "treasury"], which then matches "US Treasury"."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST_ALIAS, len(words) - i), 1, -1):
            phrase = " ".join(words[i : i + n])
            if phrase in ALIASES:
                out.append("#" + ALIASES[phrase])
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


# --------------------------------------------------------------------------- tokens


@dataclass(frozen=True, slots=True)
class _Tok:
    start: int
    end: int
    text: str
    low: str
    initial: bool  # first word of a sentence (or after an opening quote/colon)


# What opens an item of a list ("- ", "* ", "• ", "2. "): the word after it opens a sentence.
_LIST_MARKER = re.compile(r"\s*(?:[-*•·]|\d{1,2}[.)])\s+")


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    prev_start = prev_end = 0
    for start, end, w in word_spans(text):
        # From the previous word on is enough to see what precedes this one (the whole
        # prefix made this quadratic).
        before = text[prev_start:start].rstrip()
        gap = text[prev_end:start]
        initial = (
            # After an opening quote too: a quoted clause starts with a capital.
            not before or before[-1] in ".!?:;\"“'(—–"
            # A line break ends a sentence, as in ``split_sentences``: the word after a
            # spinner's sub-heading ("Reactions\n\nNumerous residents") opens one.
            or "\n" in gap
            or (not out and _LIST_MARKER.fullmatch(gap) is not None)
        )
        out.append(_Tok(start, end, w, bare_word(w), initial))
        prev_start, prev_end = start, end
    return out


def bare_word(word: str) -> str:
    """Lower-case, possessive and dots removed: "Japan's" -> "japan", "U.S" -> "us"."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    return w.rstrip("'").replace(".", "")


def _is_cap(tok: _Tok) -> bool:
    return tok.text[0].isupper()


def _is_acronym(word: str) -> bool:
    letters = word.replace(".", "")
    return 2 <= len(letters) <= 6 and sum(c.isupper() for c in letters) >= 2 and letters.isalpha()


def _headline(toks: Sequence[_Tok]) -> bool:
    """Title Case: every content word capitalised, at least four of them. There capitals
    are no sign of a name ("Central Bank Slashes Rates: Everything You Need To Know"); a
    sentence always has a lower-case word."""
    content = [t for t in toks
               if t.text[0].isalpha() and len(t.low) > 1 and t.low not in STOPWORDS]
    return len(content) >= 4 and all(_is_cap(t) for t in content)


def _known_name(tok: _Tok, knowledge: Knowledge) -> bool:
    """A word the documents name elsewhere (capitalised mid-sentence), an acronym or a
    gazetteer word: what still marks a name inside a headline."""
    return (tok.low in knowledge.proper_words or _is_acronym(tok.text)
            or canonical(tok.low, knowledge) != tok.low)


def _gap_is_space(text: str, left: _Tok, right: _Tok) -> bool:
    gap = text[left.end : right.start]
    return gap.isspace() and "\n" not in gap


# --------------------------------------------------------------------------- quotes

_QUOTE_RE = re.compile(r'"([^"\n]{1,600})"|(?<![\w\'])\'([^\'\n]{1,300}?)\'(?![\w])')


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Start and end of the inside of each quotation (text has unified quote marks)."""
    out = []
    for m in _QUOTE_RE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        if any(ch.isalnum() for ch in m.group(group)):
            out.append((m.start(group), m.end(group)))
    return out


_IRREGULAR_NOT = MappingProxyType({"won't": "will", "can't": "can", "shan't": "shall",
                                   "ain't": "is"})
_CONTRACTED = MappingProxyType({"'re": "are", "'m": "am", "'ve": "have", "'ll": "will",
                                "'d": "would"})
# "'s" is also a possessive: expanded only after these.
_IS_BEFORE_S = frozenset("it that there he she what who here where how let".split())


def _expanded(word: str) -> list[str]:
    """A contraction's full words: "won't" -> ["will", "not"], "they're" -> ["they", "are"]."""
    if word == "cannot":
        return ["can", "not"]
    if word in _IRREGULAR_NOT:
        return [_IRREGULAR_NOT[word], "not"]
    if word.endswith("n't"):
        return [word[:-3], "not"]
    head, _, tail = word.partition("'")
    if tail and "'" + tail in _CONTRACTED:
        return [head, _CONTRACTED["'" + tail]]
    if tail == "s" and head in _IS_BEFORE_S:
        return [head, "us" if head == "let" else "is"]
    return [word]


def quote_key(text: str) -> str:
    """The words of a quotation as compared: aliases folded ("US-first" = "America-first")
    and contractions expanded ("won't" = "will not"), neither of which alters a quote."""
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)?", text.lower().replace("’", "'"))
    return " ".join(canonical(x) for w in words for x in _expanded(w))


def _quotes(text: str, spans: Sequence[tuple[int, int]] | None = None) -> list[Mention]:
    out: list[Mention] = []
    for start, end in quote_spans(text) if spans is None else spans:
        inner = text[start:end]
        if any(ch.isalnum() for ch in inner):
            out.append(Mention("quote", inner, start, end, quote_key(inner)))
    return out


# --------------------------------------------------------------------------- dates

_MONTH_ALT = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_WEEKDAY_ALT = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:1[6-9]\d\d|20\d\d)"
_REL_UNIT = (r"(?:seven\s+days|week|weekend|month|year|yr|spring|summer|autumn|fall|winter"
             r"|quarter|decade|century)")
_NUM_WORD_ALT = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_DATE_RE = re.compile(
    rf"""
    (?P<range>\b(?P<d0>\d{{1,2}})(?:st|nd|rd|th)?(?=\s*(?:-|–|to|and)\s*\d{{1,2}}(?:st|nd|rd|th)?
        \s+(?:of\s+)?(?P<m0>{_MONTH_ALT})))
    |(?P<dmy>\b(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH_ALT})(?:,?\s+(?P<y1>{_YEAR}))?\b)
    |(?P<mdy>\b(?P<m2>{_MONTH_ALT})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?(?![\d,]\d)(?:,?\s+(?P<y2>{_YEAR}))?\b)
    |(?P<my>\b(?P<m3>{_MONTH_ALT})(?:\s+(?:of\s+)?(?P<y3>{_YEAR}))?\b)
    |(?P<wd>\b(?:(?P<wrel>last|next|this|previous|coming|past)\s+)?(?P<w>{_WEEKDAY_ALT})
        (?:\s+(?P<part>morning|afternoon|evening|night))?\b)
    |(?P<time>\b(?P<th>\d{{1,2}})(?:[:.](?P<tm>\d{{2}}))?\s*(?P<ampm>[ap])(?:m\b|\.m\.)
        |\b(?P<th2>\d{{1,2}}):(?P<tm2>\d{{2}})\b|\b(?P<noon>noon|midday|midnight)\b)
    |(?P<decade>\b(?:the\s+)?(?:(?P<dec>(?:1[6-9]|20)?\d0)s|(?P<decw>twenties|thirties|forties
        |fifties|sixties|seventies|eighties|nineties))\b)
    |(?P<rel>\b(?:(?P<rrel>last|final|next|this|previous|preceding|prior|past|coming|upcoming|following
        |subsequent|earlier\s+this
        |later\s+this)\s+(?:(?P<rq>\d+|{_NUM_WORD_ALT})\s+)?
        (?P<runit>{_REL_UNIT}s?)(?P<rhalf>\s+and\s+a\s+half)?|(?P<rday>yesterday|today|tomorrow|tonight)
        |(?P<agoq>(?:\d+|a|an|a\s+few|several|many|{_NUM_WORD_ALT})\s+)?(?:over\s+)?
        (?P<agou>(?:day|week|month|year|yr|decade|centur(?:y|ie))s?)(?P<agohalf>\s+and\s+a\s+half)?
        \s+(?P<agow>ago|back|(?:earlier|prior|before|previously|sooner)
        (?=\s*(?:[,.;:)!?]|$|and\b|but\b)))
        |(?P<fromq>\d+|a|an|{_NUM_WORD_ALT})\s+(?P<fromu>(?:day|week|month|year)s?)\s+from\s+now)\b)
    |(?P<year>(?<![\d,.])\b{_YEAR}\b(?![,.]\d|\s*%|\s*per\s*cent|-))
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A bare four-digit number is a year after these words (or right before a comma/end); otherwise
# "2000 runners" would be a date.
_YEAR_CUES = frozenset(
    "in since by until till before after from of during to between and early late mid the "
    "year spring summer autumn fall winter circa around".split()
)
_PREPOSITIONS = frozenset("in on since by until till before after from during at of".split())
_DECADE_WORDS = MappingProxyType({
    w: str(10 * n) for n, w in enumerate(
        "twenties thirties forties fifties sixties seventies eighties nineties".split(), start=2)
})
# "the following year" is the year after the one the text is about, which a spinner's "next
# year" also names as often as not.
# A spinning tool's abbreviations of units: "this yr", "a yr earlier".
_UNIT_NORMAL = MappingProxyType({"yr": "year", "yrs": "years"})
_REL_NORMAL = MappingProxyType({"final": "last", "previous": "last", "preceding": "last",
                                "prior": "last", "past": "last", "coming": "next",
                                "upcoming": "next",
                                "following": "next", "subsequent": "next"})


# Before "today" or "tomorrow", these make it a noun (an age, a future), no date.
_DAY_AS_NOUN = frozenset("the a an our their its his her your".split())


def _dates(text: str) -> list[Mention]:
    out: list[Mention] = []
    for m in _DATE_RE.finditer(text):
        g = m.groupdict()
        fields: dict[str, str] = {}
        if g["range"] or g["dmy"] or g["mdy"] or g["my"]:
            # The first day of "3 to 17 June" takes the month of the second.
            month = g["m0"] or g["m1"] or g["m2"] or g["m3"]
            # Month names must be capitalised: "may", "march" are verbs.
            if not month[0].isupper():
                continue
            if g["my"] and month.rstrip(".") == "May" and _looks_like_modal_may(text, m):
                continue
            fields["m"] = str(MONTHS[month.lower().rstrip(".")])
            day = g["d0"] or g["d1"] or g["d2"]
            if day:
                fields["d"] = str(int(day))
            year = g["y1"] or g["y2"] or g["y3"]
            if year:
                fields["y"] = year
        elif g["wd"]:
            if not g["w"][0].isupper():
                continue
            fields["wd"] = g["w"].lower()
            if g["wrel"]:
                fields["rel"] = _REL_NORMAL.get(g["wrel"].lower(), g["wrel"].lower())
            if g["part"]:
                # An evening runs into the night: "Saturday night" and "Saturday evening"
                # name one time, where "Saturday morning" does not.
                part = g["part"].lower()
                fields["part"] = "evening" if part == "night" else part
        elif g["time"]:
            if g["noon"]:
                fields["t"] = "00:00" if g["noon"].lower() == "midnight" else "12:00"
            else:
                hour = int(g["th"] or g["th2"])
                minute = int(g["tm"] or g["tm2"] or 0)
                if hour > 24 or minute > 59:
                    continue  # "in 31:04": a race time, minutes and seconds
                if g["ampm"] and g["ampm"].lower() == "p" and hour < 12:
                    hour += 12
                fields["t"] = f"{hour:02d}:{minute:02d}"
        elif g["decade"]:
            # "in their twenties" = "in their 20s"
            fields["decade"] = g["dec"] or _DECADE_WORDS[g["decw"].lower()]
        elif g["rel"]:
            if g["rday"]:
                before = text[: m.start()].split()[-2:]
                prev = before[-1].lower() if before else ""
                if prev in _DAY_AS_NOUN or (
                        prev == "of" and (len(before) < 2 or before[0].lower() != "as")):
                    continue  # "the world of tomorrow", "worried about the tomorrow"
                fields["rel"] = g["rday"].lower()
            elif g["runit"]:
                if (g["rrel"].lower() == "following" and g["runit"].lower().endswith("s")
                        and re.match(r"\s+of\b", text[m.end():])):
                    continue  # "following months of delays" is "after months of delays"
                rel = re.sub(r"\s+", " ", g["rrel"].lower()).replace("earlier ", "")
                rel = rel.replace("later ", "")
                unit = _UNIT_NORMAL.get(g["runit"].lower(), g["runit"].lower())
                if unit.startswith("seven"):
                    unit = "week"  # "the past seven days" is the past week
                if rel == "final" and text[: m.start()].split()[-1:] in (["the"], ["The"]):
                    continue  # "the final year of his term"; a spinner's "final yr" is last
                count = count_word(g["rq"]) if g["rq"] else 1
                rel = _REL_NORMAL.get(rel, rel)
                # "the past ten years" is a time (the last decade); "the next ten years" is
                # a span from now, which "within ten years" says as well: a count.
                if (g["rq"] or g["rhalf"]) and (not count or rel != "last"):
                    continue
                if (g["rq"] and g["rrel"].lower() == "last"
                        and text[: m.start()].split()[-1:] != ["the"]):
                    continue  # "expected to last three weeks": the verb
                # Plural units without a count ("previous years") say no when: vague.
                if unit.endswith("s") and not g["rq"]:
                    fields["vague"] = "1"
                # "the past decade" = "the last ten years", "the past 12 months" = "the
                # past year": one span, said in the largest whole unit.
                count, unit = whole_units(*_and_a_half(count, unit.rstrip("s"), g["rhalf"]))
                fields["rel"] = f"{rel} {unit}"
                if count != 1:
                    fields["n"] = str(count)
            elif g["fromu"]:
                qty = g["fromq"].lower()
                count = (qty if qty.isdigit() else "1" if qty in ("a", "an")
                         else str(_NUMBER_WORDS.get(qty, "")))
                unit = g["fromu"].lower().rstrip("s")
                # "one month from now" is next month, "a day from now" tomorrow.
                if count == "1":
                    fields["rel"] = "tomorrow" if unit == "day" else f"next {unit}"
                else:
                    fields["rel"] = f"{unit} ahead"
                    fields["ahead"] = count
            else:
                if g["agow"].lower() == "back" and not g["agoq"]:
                    continue  # "15 days back" is "15 days ago"; "years back" may be a place
                # "15 days ago" is a day; "a few days ago" and "years ago" say no when.
                qty = (g["agoq"] or "").strip().lower()
                # "a week earlier" is "a week ago" in a spinner's words, but "the year
                # before" places nothing.
                if g["agow"].lower() not in ("ago", "back"):
                    if not qty:
                        continue
                    fields["loose"] = "1"
                unit = _UNIT_NORMAL.get(g["agou"].lower(), g["agou"].lower())
                unit = "century" if unit.startswith("centur") else unit.rstrip("s")
                # "a decade ago" = "ten years ago", "a week ago" = "seven days prior".
                n, unit = whole_units(*_and_a_half(count_word(qty), unit, g["agohalf"]))
                count = str(n) if n else ""
                if count:
                    fields["ago"] = count
                else:
                    fields["vague"] = "1"
                fields["rel"] = f"{unit} ago"
                # "a year ago" and "last year", "a day ago" and "yesterday": a spinner's
                # swap, one time.
                loose = {k: v for k, v in fields.items() if k == "loose"}
                if count == "1" and unit in ("week", "month", "year"):
                    fields = {"rel": f"last {unit}"} | loose
                elif count == "1" and unit == "day":
                    fields = {"rel": "yesterday"} | loose
        elif g["year"]:
            before = text[: m.start()].split()
            after = text[m.end() :].lstrip()
            cue = before[-1].lower().strip("(,") if before else ""
            if cue in ("and", "to") and not (
                len(before) > 1 and re.fullmatch(_YEAR, before[-2].strip(",")) is not None
            ):
                cue = ""  # "between 2019 and 2020" is a range; "and 2000 runners" is a count
            # "a 2011 collision", "a 1997 Georgia killing", "the court's 1992 decision": a
            # year naming an event.
            event = (cue in ("a", "an") or cue.endswith(("'s", "’s"))) and after[:1].isalpha()
            if not (cue in _YEAR_CUES or cue.endswith("-") or not after or after[0] in ",.;)"
                    or event):
                continue
            fields["y"] = m.group()
        start = m.start()
        if ("m" in fields and "d" not in fields) or ("y" in fields and "m" not in fields):
            # "early November" -> "mid-November", "autumn 2025" -> "the spring of 2025": the
            # same month or year, another part of it.
            part = _PART_OF.search(text[:start])
            if part is not None:
                word = (part.group(1) or part.group(2) or part.group(3)).lower()
                fields["within"] = _PARTS.get(word, word)
                start = part.start()
        # Keep the preposition with the date: the detail reads "in 2019" -> "in previous years".
        pre = re.search(r"(\w+)\s+$", text[:start])
        if pre and pre.group(1).lower() in _PREPOSITIONS:
            start = pre.start(1)
        out.append(Mention("date", text[start : m.end()], start, m.end(), _date_key(fields),
                           fields=tuple(sorted(fields.items()))))
    return _merge_adjacent_dates(text, out)


# "Harlow Bay-based" and "Harlow Bay-headquartered" name one place.
_PLACE_SUFFIX = re.compile(r"-(?:based|headquartered|registered|born)\b")
_PART_OF = re.compile(
    r"(?:\b(early|mid|late)[\s-]*"
    r"|\b(?:the\s+)?(start|beginning|middle|end|close|first\s+half|second\s+half)\s+of\s+"
    r"(?:the\s+)?"
    r"|\b(?:the\s+)?(spring|summer|autumn|fall|winter)\s+(?:of\s+)?)$", re.I)
_PARTS = MappingProxyType({
    "start": "early", "beginning": "early", "first half": "early", "middle": "mid",
    "end": "late", "close": "late", "second half": "late", "fall": "autumn",
})


def count_word(qty: str) -> int:
    """The number a count word or figure says ("a" = 1, "ten" = 10), 0 for none."""
    qty = qty.strip().lower()
    if qty.isdigit():
        return int(qty)
    return 1 if qty in ("a", "an") else _NUMBER_WORDS.get(qty, 0)


# A span of time in a larger unit when it is a whole number of them.
_LARGER_UNIT = MappingProxyType({"day": ("week", 7), "month": ("year", 12),
                                 "year": ("decade", 10)})


def _and_a_half(count: int, unit: str, half: str | None) -> tuple[int, str]:
    """ "a year and a half" is 18 months; other units are left whole."""
    if half and count and unit == "year":
        return count * 12 + 6, "month"
    return count, unit


def whole_units(count: int, unit: str) -> tuple[int, str]:
    """ (count, unit) in the largest unit that divides it: (14, "day") -> (2, "week"),
    (10, "year") -> (1, "decade"); a count of 0 (none given) is left as it is."""
    while count and unit in _LARGER_UNIT:
        larger, per = _LARGER_UNIT[unit]
        if count % per:
            break
        count, unit = count // per, larger
    return count, unit


def _looks_like_modal_may(text: str, m: re.Match[str]) -> bool:
    """ "May" mid-sentence is the month, but sentence-initial "May be" is a verb."""
    return not text[: m.start()].strip() and bool(re.match(r"May\s+(?:be|have|not)\b",
                                                             text[m.start() :]))


def _date_key(fields: Mapping[str, str]) -> str:
    return ";".join(f"{k}={v}" for k, v in sorted(fields.items())
                    if k not in ("vague", "loose"))


def _merge_adjacent_dates(text: str, dates: list[Mention]) -> list[Mention]:
    """ "Monday, 14 March" and "8pm on Sunday" are one date each."""
    out: list[Mention] = []
    for d in dates:
        if out:
            prev = out[-1]
            gap = text[prev.end : d.start]
            if re.fullmatch(r"\s*,?\s*(?:on|at)?\s*", gap) and not (
                set(dict(prev.fields)) & set(dict(d.fields))
            ):
                fields = dict(prev.fields) | dict(d.fields)
                out[-1] = Mention("date", text[prev.start : d.end], prev.start, d.end,
                                  _date_key(fields), fields=tuple(sorted(fields.items())))
                continue
        out.append(d)
    return out


# --------------------------------------------------------------------------- numbers

_NUM_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:-[A-Za-z]+)*|%|\S")


_ANAPHORIC = frozenset("the both all these those".split())
# "p.c" is a spinning tool's "percent" ("fell 18 p.c final yr").
_PERCENT_AFTER = re.compile(
    r"\s*(?:%|per\s*cent\b|percent\b|percentage\s+points?\b|p\.c\b\.?)", re.I)
_FRACTIONS = MappingProxyType(
    {"half": 0.5, "quarter": 0.25, "quarters": 0.25, "third": 1 / 3, "thirds": 1 / 3,
     "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}
)
_NUMERATOR_WORDS = frozenset("a an one two three four five six seven eight nine".split())
_NUMERATOR = rf"(?P<n>{'|'.join(sorted(_NUMERATOR_WORDS))})"
_FRACTION_WORD = r"(?P<f>half|quarters?|thirds?|fifths?|tenths?)"
_FRACTION_BEFORE = re.compile(rf"(?:\b{_NUMERATOR}[\s-]+)?\b{_FRACTION_WORD}\s+(?:of\s+)?$", re.I)


# A fraction that stands alone is a proportion ("half of the respondents", "a quarter of the
# buses", "cut by a third": 50%, 25%, 33%) or, before "a"/"an" and a unit, an amount ("half a
# point": 0.5). "The first half of", "the third quarter": periods, not amounts.
_FRACTION_ALONE = re.compile(rf"\b(?:{_NUMERATOR}[\s-]+)?{_FRACTION_WORD}\b(?!-)", re.I)
_PROPORTION_OF = frozenset("of the its their his her our all a an".split())
# A fraction after a comparison or an approximation is a share whatever follows it ("fewer
# than half can fly", "nearly a third were late"): none of these words precedes the period
# or the time of a match that "half" and "quarter" also name.
_PROPORTION_AFTER = frozenset(
    "by than nearly almost about around roughly approximately some barely only".split()
)
# "half a point", "a quarter of a percentage point": a fraction of one unit is an amount.
_OF_ONE_UNIT = re.compile(
    r"\s+(?:of\s+)?an?\b(?:(?P<pct>\s+(?:percentage\s+point|per\s*cent|percent)\b)"
    r"|(?P<hour>\s+hour\b))?", re.I
)
_BASIS_POINTS = re.compile(r"\s*(?:basis[\s-]+points?|bps?)\b", re.I)
_CENTS = re.compile(r"\s*(?:cents?|pence)\b", re.I)
_DECADES = re.compile(r"\s+(decades?|centur(?:y|ies))\b", re.I)
# "four in ten", "one out of every five": a share, compared as a percentage.
_RATIO = re.compile(r"\s+(?:in|out\s+of)\s+(?:every\s+)?(\d+|[a-z]+)\b", re.I)
# Words after "a"/"one" that make it a count ("a million", "a decade").
_COUNTED_AFTER_A = frozenset({"decade", "century"})
_PERIOD_BEFORE = frozenset(
    "the first second third fourth final last next this that every each other".split()
)


def _fractions(text: str, taken: list[tuple[int, int]]) -> list[Mention]:
    out = []
    for m in _FRACTION_ALONE.finditer(text):
        f, n = m.group("f").lower(), (m.group("n") or "").lower()
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        before = text[: m.start()].split()
        prev = before[-1].lower().strip(",;:(") if before else ""
        if (f != "half" and not n) or prev in _PERIOD_BEFORE:
            continue
        after = text[m.end("f") :].split(maxsplit=1)
        nxt = after[0].lower() if after else ""
        if nxt not in _PROPORTION_OF and prev not in _PROPORTION_AFTER:
            continue  # "a quarter" as in three months, "half" as in "at half"
        value = _FRACTIONS[f] * (_NUMBER_WORDS.get(n, 1) or 1)
        unit = _OF_ONE_UNIT.match(text, m.end())
        end = m.end()
        if unit is None:
            key = f"{round(value * 100):.10g}%"
        elif unit.group("pct"):
            key, end = f"{value:.10g}%", unit.end()
        elif unit.group("hour"):
            key, end = f"{value * 60:.10g}", unit.end()  # half an hour is 30 minutes
        else:
            key = f"{value:.10g}"
        out.append(Mention("number", text[m.start() : end], m.start(), end, key))
    return out


def parse_number_words(words: list[str]) -> float | None:
    """Value of a run of number words: ["two", "hundred", "and", "fifty"] -> 250."""
    total = 0.0
    current = 0.0
    seen = False
    for w in words:
        if w == "and":
            continue
        if w in _NUMBER_WORDS:
            current += _NUMBER_WORDS[w]
        elif "-" in w and all(p in _NUMBER_WORDS for p in w.split("-")):
            current += sum(_NUMBER_WORDS[p] for p in w.split("-"))
        elif w in ("a", "an"):
            current += 1
        elif w == "hundred":
            current = (current or 1) * 100
        elif w in _SCALES:
            total += (current or 1) * _SCALES[w]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _numbers(text: str, exclude: list[tuple[int, int]]) -> tuple[list[Mention], list[Mention]]:
    """Number mentions and, apart, the anaphoric ones (``Mentions.anaphoric``)."""
    toks = [(m.start(), m.end(), m.group()) for m in _NUM_TOKEN.finditer(text)]
    out: list[Mention] = []
    anaphoric: list[Mention] = []
    i = 0
    while i < len(toks):
        start, _end, tok = toks[i]
        low = tok.lower()
        if any(s <= start < e for s, e in exclude):
            i += 1
            continue
        value: float | None = None
        j = i + 1
        nxt = toks[j][2].lower() if j < len(toks) else ""
        # A suffix written on to digits: "3rd", "$100m", "95p".
        glued = nxt if tok[0].isdigit() and nxt and toks[j][0] == toks[i][1] else ""
        if glued in ("st", "nd", "rd", "th"):
            # "3rd": an ordinal, compared with "third" and not with the count 3.
            out.append(Mention("number", text[start:toks[j][1]], start, toks[j][1],
                               f"{ORDINAL}{tok}"))
            i = j + 1
            continue
        if tok[0].isdigit():
            prev_char = text[start - 1 : start]
            # "G7", "No.10", "Covid-19": digits glued to letters are names, not quantities.
            if prev_char.isalpha() or (prev_char == "-" and text[start - 2 : start - 1].isalpha()):
                i += 1
                continue
            value = float(tok.replace(",", "")) if re.fullmatch(r"[\d,]*\.?\d+", tok) else None
            if value is None:
                i += 1
                continue
            if value in (100, 1000, 1_000_000) and re.match(r"['’]s\b", text[toks[i][1]:]):
                i += 1  # a spinning tool's "1000's of fans" is "thousands": no count
                continue
            if (slash := _SLASH_FRACTION.match(text, toks[i][1])) and 0 < value < float(
                    slash.group(1)) <= 10:
                # "1 / 4 of a point" is a spinner's "a quarter of a point".
                out.append(Mention("number", text[start:slash.end()], start, slash.end(),
                                   f"{value / float(slash.group(1)):.10g}"))
                while j < len(toks) and toks[j][0] < slash.end():
                    j += 1
                i = j
                continue
        elif low in _NUMBER_WORDS or _is_hyphen_number(low) or (
            low in ("a", "an") and (nxt in _SCALES or nxt in _COUNTED_AFTER_A)
        ):
            if nxt in _FRACTIONS:
                i += 1  # the numerator of "two thirds": read with its fraction
                continue
            if low == "one" and nxt not in _SCALES and nxt not in _COUNTED_AFTER_A and not (
                _ratio(text[toks[i][1]:])
            ):
                # "one of the", "the one who": a pronoun far more often than a count.
                i += 1
                continue
            if (i > 0 and toks[i - 1][2].lower() in _ANAPHORIC
                    and _NUMBER_WORDS.get(low, 99) <= 10
                    and not _PERCENT_AFTER.match(text, toks[i][1])):
                # "the two (leaders)" refers back to people already named; spinners say "the
                # pair" or "both" for it. Not a count ("the two percent goal" is one).
                anaphoric.append(Mention("number", tok, start, toks[i][1],
                                         f"{_NUMBER_WORDS[low]:.10g}"))
                i += 1
                continue
            run = [low.split("-")[0] if _is_hyphen_unit(low) else low]
            while (not _is_hyphen_unit(low) and j < len(toks)
                   and (toks[j][2].lower() in _NUMBER_WORDS or toks[j][2].lower() in _SCALES
                        or _is_hyphen_number(toks[j][2].lower())
                        or (toks[j][2].lower() == "and" and j + 1 < len(toks)
                            and toks[j + 1][2].lower() in _NUMBER_WORDS))):
                run.append(toks[j][2].lower())
                j += 1
            value = parse_number_words(run)
            if value is None:
                i += 1
                continue
            if (len(run) == 1 and value < 10 and j + 1 < len(toks) and toks[j][2] == "."
                    and toks[j][0] == toks[j - 1][1] and toks[j + 1][0] == toks[j][1]
                    and toks[j + 1][2].isdigit()):
                # A spinning tool spells the units of "5.9" out: "five.9".
                value = float(f"{value:.0f}.{toks[j + 1][2]}")
                j += 2
        elif low in _MULTIPLIER_WORDS:
            if i and toks[i - 1][2].lower() in _THINK:
                i += 1  # "think twice": hesitate, not a count
                continue
            value = _MULTIPLIER_WORDS[low]  # "twice" says what "two times" says
        elif low == "pair" and i and toks[i - 1][2].lower() == "a" and nxt == "of":
            value = 2  # "a pair of men": two men
        elif low in _ORDINAL_WORDS:
            prev = toks[i - 1][2].lower() if i else ""
            if prev not in _NUMERATOR_WORDS:  # "a fifth of", "by a third": fractions (below)
                out.append(Mention("number", tok, start, toks[i][1],
                                   f"{ORDINAL}{_ORDINAL_WORDS[low]}"))
            i += 1
            continue
        else:
            i += 1
            continue
        # Scale words after digits: "1.2 million", "4 billion".
        while j < len(toks) and toks[j][2].lower() in _SCALES and tok[0].isdigit():
            value *= _SCALES[toks[j][2].lower()]
            j += 1
        # ... and in a compound: "a 40-million-dollar grant" is 40 million dollars.
        if (j == i + 1 and j + 1 < len(toks) and tok[0].isdigit() and toks[j][2] == "-"
                and toks[j][1] == toks[j + 1][0] == toks[i][1] + 1
                and toks[j + 1][2].split("-")[0].lower() in _SCALES):
            value *= _SCALES[toks[j + 1][2].split("-")[0].lower()]
            j += 2
        suffix = glued if j == i + 1 else ""  # none after a scale word ("4 billion")
        if suffix in _MONEY_SCALES and start > 0 and text[start - 1] in "$£€¥":
            # "$100m", "£250k": after a currency sign a glued letter is a scale, not metres.
            value *= _MONEY_SCALES[suffix]
            j += 1
        elif suffix in ("m", "k"):
            # "8.5m users" (millions, as British news writes them) or "the 100m final"
            # (metres): kept in the mention's text, its key the bare value; drift also
            # accepts the scaled value (see number_values).
            j += 1
        elif suffix == "p" and toks[j][2] == "p" and value < 1000:
            value /= 100  # "95p" is 95 pence ("1080p" screens are left alone)
            j += 1
        # "a quarter of a million", "half a million": the fraction belongs to the number.
        frac = _FRACTION_BEFORE.search(text[:start])
        if frac:
            value *= _FRACTIONS[frac.group("f").lower()] * (
                _NUMBER_WORDS.get((frac.group("n") or "a").lower(), 1) or 1
            )
            start = frac.start()
        pct = False
        rest = text[toks[j - 1][1] :]
        pm = _PERCENT_AFTER.match(rest)
        if pm:
            pct = True
            stop = toks[j - 1][1] + pm.end()
        elif bp := _BASIS_POINTS.match(rest):
            # 25 basis points are a quarter of a percentage point.
            value, pct = value / 100, True
            stop = toks[j - 1][1] + bp.end()
        elif _CENTS.match(rest):
            # "98 cents" is "$0.98"; the unit word stays outside the mention, as "dollars" does.
            value /= 100
            stop = toks[j - 1][1]
        elif span_unit := _DECADES.match(rest):
            # Three decades are 30 years (and read as 30 when compared with "30 years").
            value *= 100 if span_unit.group(1).lower().startswith("centur") else 10
            stop = toks[j - 1][1] + span_unit.end()
        elif (share := _ratio(rest)) and value <= share[0]:  # "four in ten", not "100m in 10"
            value, pct = 100 * value / share[0], True
            if round(value, 1) != value:
                value = round(value)  # as a fraction's share: one in three is 33%, a third
            stop = toks[j - 1][1] + share[1]
        else:
            stop = toks[j - 1][1]
        if not any(s < stop and start < e for s, e in exclude):
            key = f"{value:.10g}" + ("%" if pct else "")
            out.append(Mention("number", text[start:stop], start, stop, key))
        while j < len(toks) and toks[j][0] < stop:
            j += 1
        i = j
    out += _fractions(text, [*exclude, *((m.start, m.end) for m in out)])
    # "Profits halved" is "profits fell by 50%".
    out += [Mention("number", h.group(), h.start(), h.end(), "50%")
            for h in _HALVED.finditer(text) if not any(s <= h.start() < e for s, e in exclude)]
    return sorted(out, key=lambda m: m.start), anaphoric


_HALVED = re.compile(r"\bhalv(?:e|es|ed|ing)\b", re.I)
_SLASH_FRACTION = re.compile(r"\s*/\s*(\d{1,2})\b(?!\s*/)")


_GLUED_SCALE = re.compile(r"\d([mk])$", re.I)


def number_values(m: Mention) -> tuple[str, ...]:
    """The values a number mention may stand for: "8.5m" is 8.5 million users or 8.5
    metres, "12k" 12 thousand or 12 kilometres; the words around tell a reader, not us."""
    g = _GLUED_SCALE.search(m.text)
    if g is None:
        return (m.key,)
    try:
        scaled = float(m.key) * (1_000_000 if g.group(1).lower() == "m" else 1_000)
    except ValueError:
        return (m.key,)
    return (m.key, f"{scaled:.10g}")


def _ratio(rest: str) -> tuple[float, int] | None:
    """The denominator of "in ten" / "out of every 5" at the start of ``rest`` and where the
    phrase ends. After "in" only up to ten or a hundred or a thousand ("3 in 2019" is a year);
    after "out of" any whole number from two."""
    m = _RATIO.match(rest)
    if m is None:
        return None
    word = m.group(1).lower()
    den = float(word) if word.isdigit() else _NUMBER_WORDS.get(word, _SCALES.get(word))
    if den is None or den < 2:
        return None
    if m.group(0).split()[0].lower() == "in" and den > 10 and den not in (100, 1000):
        return None
    return den, m.end()


def _is_hyphen_number(low: str) -> bool:
    return "-" in low and (
        all(p in _NUMBER_WORDS for p in low.split("-")) or _is_hyphen_unit(low)
    )


def _is_hyphen_unit(low: str) -> bool:
    parts = low.split("-")
    return (len(parts) > 1 and parts[0] in _NUMBER_WORDS and parts[1] in _HYPHEN_UNITS
            and low != "one-time")  # "a one-time champion" is a former one


# --------------------------------------------------------------------------- titles


@dataclass(frozen=True, slots=True)
class _TitleParse:
    first: int  # token index range [first, last)
    last: int
    status: str
    role: str
    consumed: frozenset[int]  # tokens that belong to the office, not to a name


def _parse_title(toks: list[_Tok], i: int, text: str) -> _TitleParse | None:
    if (toks[i].low == "who" and i + 1 < len(toks) and toks[i + 1].low == "chairs"
            and _gap_is_space(text, toks[i], toks[i + 1])):
        # "X, who chairs the board": her office, as "X, the board's chair" would say it.
        # Only "chairs": "who heads"/"leads"/"runs" are what spinners make of any office.
        return _TitleParse(i, i + 2, "", "chair", frozenset({i, i + 1}))
    status = ""
    consumed: set[int] = set()
    k = i
    qualifiers: list[str] = []
    modifiers = 0
    marked = False  # a status word, even one that names no status ("serving")
    while k < len(toks):
        low = toks[k].low
        if k > i and not _gap_is_space(text, toks[k - 1], toks[k]):
            if qualifiers and qualifiers[-1] in _QUALIFIER_HEADS and toks[k - 1].low in (
                    _QUALIFIER_HEADS) and _in_apposition(toks, i, k - 1, text):
                # "Tomas Verlaine, the police chief, said": the qualifier is the office.
                return _TitleParse(i, k, status, " ".join(qualifiers), frozenset(consumed))
            break
        if low.startswith("then-") and low[5:] in _HEADS and not qualifiers:
            # "then-President Ronald Reagan": the office he held at the time, no status.
            consumed.add(k)
            return _TitleParse(i, k + 1, status, _ROLE_NORMAL.get(low[5:], low[5:]),
                               frozenset(consumed))
        rank, dash, head = low.partition("-")
        if dash and rank in _RANKS and head in _HEADS and low not in _HEADS and len(qualifiers) < 2:
            # "vice-captain", "deputy-governor": a rank and its office in one token.
            consumed.add(k)
            role = " ".join([*qualifiers, rank, _ROLE_NORMAL.get(head, head)])
            return _TitleParse(i, k + 1, status, _ROLE_NORMAL.get(role, role),
                               frozenset(consumed))
        if low.startswith("ex-") and len(low) > 3:
            # "ex-President": status and head in one token.
            status = "former"
            head = low[3:]
            if head in _HEADS:
                consumed.add(k)
                return _TitleParse(i, k + 1, status, _ROLE_NORMAL.get(head, head),
                                   frozenset(consumed))
            if head not in _QUALIFIERS or qualifiers:
                return None
            qualifiers.append(head)  # "ex-prime minister": the office follows
            consumed.add(k)
            k += 1
            continue
        if low in _STATUS and not qualifiers:
            status = _STATUS[low] or status
            marked = True
            consumed.add(k)
        elif low in _TITLE_NOISE and not qualifiers:
            if k == i and low == "the":
                return None
        elif canonical(low) != low and not qualifiers and k > i:
            pass  # nationality inside a title ("former US President"): not part of the office
        elif k + 1 < len(toks) and (low, toks[k + 1].low) in TWO_WORD_HEADS and _gap_is_space(
            text, toks[k], toks[k + 1]
        ):
            role = TWO_WORD_HEADS[(low, toks[k + 1].low)]
            consumed.update((k, k + 1))
            end = k + 2
            if end < len(toks) and toks[end].low == "officer" and _gap_is_space(
                    text, toks[end - 1], toks[end]):
                consumed.add(end)  # "Chief Executive Officer": one office
                end += 1
            return _TitleParse(i, end, status, " ".join([*qualifiers, role]),
                               frozenset(consumed))
        elif low in _HEADS or (low.endswith("-elect") and low[:-6] in _HEADS):
            if low.endswith("-elect"):
                status, low = "incoming", low[:-6]
            # A status word or a qualifier in the same lower case makes the common word an
            # office: "the serving general", "the club's assistant coach", "the chief
            # financial officer" ("Labour leader" is the party's).
            qualified = bool(qualifiers) and not any(
                _is_cap(toks[j]) for j in consumed if toks[j].low in _QUALIFIERS)
            if low in _WEAK_HEADS and _opens_a_place_name(toks, k):
                return None  # "Varenz General Hospital", "the General Assembly"
            if low in _WEAK_HEADS and not _is_cap(toks[k]) and not (marked or qualified) and not (
                k + 1 < len(toks) and _is_cap(toks[k + 1])
                and _gap_is_space(text, toks[k], toks[k + 1])
            ) and not _in_apposition(toks, i, k, text):
                return None
            consumed.add(k)
            role = " ".join([*qualifiers, _ROLE_NORMAL.get(low, low)])
            return _TitleParse(i, k + 1, status, _ROLE_NORMAL.get(role, role),
                               frozenset(consumed))
        elif low in _QUALIFIERS and len(qualifiers) < 2:
            qualifiers.append(_SPELLING.get(low, low))
            consumed.add(k)
        elif qualifiers and qualifiers[-1] in _QUALIFIER_HEADS and _is_cap(toks[k - 1]) and (
            _is_cap(toks[k]) and low not in _ORGAN_WORDS
        ):
            # "Chief Justice Mara Ellison": the qualifier was the office itself.
            return _TitleParse(i, k, status, " ".join(qualifiers), frozenset(consumed))
        elif ((status and not qualifiers) or (qualifiers and qualifiers[-1] in _RANKS)
              or (qualifiers and qualifiers[-1] == "chief" and not _is_cap(toks[k]))) and (
              modifiers < 2 and low.isalpha()
              and low not in STOPWORDS and not _POSSESSIVE.search(toks[k].text)):
            # "former harbour director", "Deputy Fire Chief", "the chief medical officer":
            # what the office is of ("Finance chief Valka Vane" is followed by a name).
            modifiers += 1
        else:
            return None
        k += 1
    return None


def _past_modifiers(toks: list[_Tok], i: int, text: str) -> int:
    """Where the title starting at token ``i`` starts with the at most two lower-case words
    before it that say what the office is of ("the regional police chief")."""
    j = i
    while j > max(0, i - 2) and toks[j - 1].text.isalpha() and toks[j - 1].text.islower() and (
            toks[j - 1].low not in STOPWORDS) and _gap_is_space(text, toks[j - 1], toks[j]):
        j -= 1
    return j


def _in_apposition(toks: list[_Tok], i: int, k: int, text: str) -> bool:
    """Whether the title from token ``i`` to its head ``k`` stands in apposition to a name:
    after the name and ", a", ", an" or ", the" ("Mireille Dufort, an actress"), or after
    "a"/"an" and before ", Name" ("a firefighter, Lukas Brenner"). A common word there says
    what the person is."""
    j = _past_modifiers(toks, i, text) - 1
    after_name = (j >= 1 and toks[j].low in ("a", "an", "the") and _is_cap(toks[j - 1])
                  and text[toks[j - 1].end : toks[j].start].strip() == ",") or (
        # "Greta Solheim, chair of the board": no article, but what she is chair of follows
        j >= 0 and _is_cap(toks[j]) and text[toks[j].end : toks[j + 1].start].strip() == ","
        and k + 1 < len(toks) and toks[k + 1].low in ("of", "at"))
    before_name = (k + 1 < len(toks) and _is_cap(toks[k + 1])
                   and text[toks[k].end : toks[k + 1].start].strip() == ","
                   and any(t.low in ("a", "an") for t in toks[max(0, k - 3) : k]))
    return after_name or before_name


# --------------------------------------------------------------------------- entities


@dataclass(frozen=True, slots=True)
class _Chunk:
    first: int
    last: int  # exclusive token index


# Bodies named for what they serve: "the Danforth Institute for Public Policy" is one name.
_BODIES_FOR = frozenset(
    """institute centre center commission council foundation agency office committee society
    alliance fund organisation organization association coalition campaign network trust
    department""".split()
)


def _chunks(
    toks: list[_Tok], text: str, blocked: set[int], knowledge: Knowledge, after_honorific: set[int]
) -> list[_Chunk]:
    out: list[_Chunk] = []
    i = 0
    while i < len(toks):
        if i in blocked or not _is_cap(toks[i]) or toks[i].low in _HONORIFICS:
            i += 1
            continue
        k = i + 1
        while k < len(toks):
            if not _gap_is_space(text, toks[k - 1], toks[k]) or k in blocked:
                break
            if _is_cap(toks[k]) and toks[k].low not in _HONORIFICS:
                k += 1
                continue
            # Connectors only between two capitalised words: "Republic of Korea".
            # Only "of", "of the" or one particle ("van") joins: "Korea for the Apec" is two
            # ("for" only after a body: "Institute for the Study of War" is one).
            c = k
            if toks[k].low in _CONNECTORS or (
                    toks[k].low == "for" and toks[k - 1].low in _BODIES_FOR):
                c = k + 1
                if toks[k].low in ("of", "for") and c < len(toks) and toks[c].low == "the":
                    c += 1
            if (c > k and c < len(toks) and _is_cap(toks[c]) and c not in blocked
                    and toks[k].low != "the"
                    and all(_gap_is_space(text, toks[x - 1], toks[x]) for x in range(k, c + 1))):
                k = c + 1
                continue
            break
        first, last = i, k
        # Leading function words ("The European Union", "But Trump") are not the name.
        while first < last and toks[first].low in STOPWORDS and not _is_acronym(toks[first].text):
            first += 1
        while last > first and toks[last - 1].low in _CONNECTORS | {"the"}:
            last -= 1
        if first < last:
            words = [t.low for t in toks[first:last]]
            if toks[first].initial and first == i and first not in after_honorific:
                known = (
                    words[0] in knowledge.proper_words
                    or canonical(" ".join(words), knowledge) != " ".join(words)
                    or canonical(words[0]) != words[0] or " ".join(words) in CAPITALS
                    or _is_acronym(toks[first].text)
                )
                # A lone capitalised first word is usually just a capitalised common word.
                if not known and last - first == 1:
                    i = k
                    continue
                if not known and words[0] in _COMMON_OPENERS:
                    first += 1
            if first < last and not all(
                w in MONTHS or w in WEEKDAYS or w in _NUMBER_WORDS for w in words
            ):
                out.append(_Chunk(first, last))
        i = k
    return out


# Capitalised sentence openers that are not part of a following name ("Officials Trump ..."
# never happens, but "Lately Trump" after a lost comma does).
_COMMON_OPENERS = frozenset(
    "however lately meanwhile afterward afterwards consequently moreover but yet still also "
    "later earlier today yesterday".split()
)


def learn_from(*texts: str) -> Knowledge:
    """Document-level knowledge from whole documents: words seen capitalised mid-sentence
    and acronym expansions ("LDP" -> "liberal democratic party")."""
    proper: set[str] = set()
    acronyms: dict[str, str] = {}
    all_toks = [_tokens(t) for t in texts]
    for text, toks in zip(texts, all_toks, strict=True):
        headlines = _headline_lines(text, toks)
        for n, t in enumerate(toks):
            if (_is_cap(t) and not t.initial and t.low not in STOPWORDS | _HONORIFICS
                    and n not in headlines):
                proper.add(t.low)
        for a, b in pairwise(toks):
            if a.low in _HONORIFICS:
                proper.add(b.low)
    base = Knowledge(frozenset(proper))
    for text, toks in zip(texts, all_toks, strict=True):
        _learn_acronyms(text, toks, base, acronyms)
    _learn_lowercase_acronyms(all_toks, acronyms)
    return Knowledge(frozenset(proper), MappingProxyType(acronyms))


def _headline_lines(text: str, toks: list[_Tok]) -> set[int]:
    """Indices of the tokens on Title Case lines (headlines teach no names)."""
    out: set[int] = set()
    k = 0
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        first = k
        while k < len(toks) and toks[k].start < end:
            k += 1
        if k > first and _headline(toks[first:k]):
            out.update(range(first, k))
        pos = end + 1
    return out


def _learn_acronyms(text: str, toks: list[_Tok], base: Knowledge, out: dict[str, str]) -> None:
    for chunk in _chunks(toks, text, set(), base, set()):
        words = [t.low for t in toks[chunk.first : chunk.last]]
        if len(words) < 2:
            continue
        key = " ".join(words)
        content = [w for w in words if w not in _CONNECTORS | {"the"}]
        for initials in ("".join(w[0] for w in content), "".join(w[0] for w in words)):
            out.setdefault(initials.upper(), key)


def _learn_lowercase_acronyms(all_toks: list[list[_Tok]], out: dict[str, str]) -> None:
    """ "GDP" in one document and "gross domestic product" in the other: an acronym whose
    letters are the initials of consecutive lower-case words (function words allowed between)."""
    acronyms = {t.text.replace(".", "").upper() for toks in all_toks for t in toks
                if _is_acronym(t.text)} - set(out)
    if not acronyms:
        return
    for toks in all_toks:
        lows = [t.low for t in toks]
        for i in range(len(lows)):
            if lows[i] in STOPWORDS or not toks[i].text[0].islower():
                continue
            content: list[str] = []
            for j in range(i, min(len(lows), i + 9)):
                if lows[j] in _CONNECTORS | {"and", "the"}:
                    continue
                content.append(lows[j])
                initials = "".join(w[0] for w in content).upper()
                if initials in acronyms and len(content) >= 2:
                    out.setdefault(initials, " ".join(lows[i : j + 1]))
                if not any(a.startswith(initials) for a in acronyms):
                    break


# "24/7" says "around the clock", no count of hours or days ("24-7" may be a score).
_ALWAYS = re.compile(r"(?<![\w/.-])24\s*(?:/|x)\s*7(?![\w/]|[.-]\d)", re.I)


def extract(text: str, knowledge: Knowledge | None = None,
            quotes_at: Sequence[tuple[int, int]] | None = None) -> Mentions:
    """All fact mentions of one sentence (or a few joined sentences). ``quotes_at``: the
    quotations' spans in ``text`` where a larger text tells them (a quotation that runs
    over two sentences has no closing mark in its first)."""
    knowledge = knowledge or learn_from(text)
    quotes = _quotes(text, quotes_at)
    dates = _dates(text)
    date_spans = [(d.start, d.end) for d in dates]
    idioms = [(m.start(), m.end()) for m in _ALWAYS.finditer(text)]
    numbers, anaphoric = _numbers(text, date_spans + idioms)
    toks = _tokens(text)

    titles: list[tuple[_TitleParse, Mention]] = []
    blocked: set[int] = set()
    i = 0
    while i < len(toks):
        parse = _parse_title(toks, i, text)
        if parse is None:
            i += 1
            continue
        first = min(parse.consumed)
        start, end = toks[first].start, toks[parse.last - 1].end
        key = f"{parse.status}|{parse.role}"
        titles.append((parse, Mention("title", text[start:end], start, end, key)))
        blocked |= parse.consumed
        i = parse.last
    # Month/weekday/number tokens never start or continue a name.
    for idx, t in enumerate(toks):
        if t.low in MONTHS and t.text[0].isupper() and any(
            s <= t.start < e for s, e in date_spans
        ):
            blocked.add(idx)
        if t.low in WEEKDAYS:
            blocked.add(idx)
        if text[t.end : t.end + 1] == "$":
            blocked.add(idx)  # "US$45", "HK$3": a currency, not a mention of the country
        if _PERIOD_CODE.fullmatch(t.text):
            blocked.add(idx)  # "Q3", "H1", "FY2024": a period of a year, not a name
        if t.low in _UNIT_NAMES or _TEMPERATURE.fullmatch(t.text):
            blocked.add(idx)
        # Offices are never names, also in the plural: "MPs", "Senators"; but "General"
        # is part of "Varenz General Hospital".
        if (t.low in _HEADS or (t.low.endswith("s") and t.low[:-1] in _HEADS)) and not (
                _opens_a_place_name(toks, idx)):
            blocked.add(idx)
    if _headline(toks):
        blocked |= {idx for idx, t in enumerate(toks) if not _known_name(t, knowledge)}
    after_honorific = {
        idx + 1 for idx, t in enumerate(toks[:-1]) if t.low in _HONORIFICS and _is_cap(t)
    }
    chunks = _chunks(toks, text, blocked, knowledge, after_honorific)

    entities: list[Mention] = []
    chunk_of_token: dict[int, Mention] = {}
    for ch in chunks:
        words = [t.low for t in toks[ch.first : ch.last]]
        key = canonical(" ".join(words), knowledge)
        tokens = (
            frozenset({key}) if key.startswith("#")
            else frozenset(canonical(_demonym_of(w, knowledge) or w)
                           for w in _fold_aliases(_PLACE_SUFFIX.sub("", key).split())
                           if w not in _CONNECTORS)
        )
        if key in CAPITALS:
            tokens |= {"#" + CAPITALS[key].replace("-", " ")}
        start, end = toks[ch.first].start, toks[ch.last - 1].end
        if ch.last < len(toks) and toks[ch.last].low in _PRODUCT_NOUNS and _gap_is_space(
            text, toks[ch.last - 1], toks[ch.last]
        ):
            end = toks[ch.last].end  # shown with its noun; compared on the name
        mention = Mention("entity", text[start:end], start, end, key, tokens=tokens)
        entities.append(mention)
        for idx in range(ch.first, ch.last):
            chunk_of_token[idx] = mention

    title_mentions = [
        _with_holder(parse, m, toks, text, chunk_of_token) for parse, m in titles
    ]
    return Mentions(tuple(entities), tuple(title_mentions), tuple(numbers), tuple(dates),
                    tuple(quotes), tuple(anaphoric))


def _with_holder(
    parse: _TitleParse, mention: Mention, toks: list[_Tok], text: str,
    chunk_of_token: Mapping[int, Mention],
) -> Mention:
    """Attach the title to the person it names: "President X", "the chief executive, X," or
    "X, the chief executive"."""
    holder: Mention | None = None
    k = parse.last
    # Nationality words between title and name were left to the chunker: skip that chunk.
    while k < len(toks) and k in chunk_of_token and canonical(chunk_of_token[k].key).startswith(
        "#"
    ) and chunk_of_token[k].key != chunk_of_token.get(k + 1, chunk_of_token[k]).key:
        k += 1
    if (k + 1 in chunk_of_token and toks[k].low in _HONORIFICS and _is_cap(toks[k])
            and _gap_is_space(text, toks[k - 1], toks[k])
            and text[toks[k].end : toks[k + 1].start].strip() in ("", ".")):
        holder = chunk_of_token[k + 1]  # "Health Commissioner Dr Miriam Stallworth"
    elif k < len(toks) and k in chunk_of_token and _gap_is_space(text, toks[k - 1], toks[k]):
        holder = chunk_of_token[k]
    elif (k + 1 < len(toks) and toks[k].low == "for" and k + 1 in chunk_of_token
          and _gap_is_space(text, toks[k - 1], toks[k])
          and _gap_is_space(text, toks[k], toks[k + 1])
          and len(chunk_of_token[k + 1].key.split()) >= 3):
        # "Deputy Mayor for Infrastructure Lenka Horvath": the portfolio and the name make
        # one chunk, whose last word is still the holder's surname (a chunk of fewer than
        # three words is the portfolio alone: "the Minister for Ostravia").
        holder = chunk_of_token[k + 1]
    else:
        # Appositive after the title, possibly "of Norway" / "of the union" first.
        k = parse.last
        hops = 0
        while k < len(toks) and hops < 4 and text[toks[k - 1].end : toks[k].start].strip() == "":
            k += 1
            hops += 1
        comma = k < len(toks) and text[toks[k - 1].end : toks[k].start].strip() == ","
        if (comma and k + 1 < len(toks) and toks[k].low in _HONORIFICS and _is_cap(toks[k])
                and text[toks[k].end : toks[k + 1].start].strip() in ("", ".")):
            k += 1  # "the chief executive, Dr Helena Brix"
        if comma and k in chunk_of_token and (hops == 0 or toks[parse.last].low == "of"):
            holder = chunk_of_token[k]
        elif parse.first > 0:
            # "X, the chief executive", "X, the regional police chief"
            b = _past_modifiers(toks, parse.first, text) - 1
            if b > 1 and _POSSESSIVE.search(toks[b].text) and toks[b - 1].low == "the":
                b -= 1  # "X, the club's head coach"
            if toks[b].low in ("the", "a", "an") and b > 0:
                b -= 1
            if b in chunk_of_token and text[toks[b].end : toks[b + 1].start].strip() == ",":
                holder = chunk_of_token[b]
    if holder is None or holder.key.startswith("#"):
        return mention
    # "General Secretary Yusuf Demir of the Transport Workers' Union" chunks the name with
    # the body it serves; the person is the part before "of".
    surname = holder.key.split(" of ")[0].split()[-1]
    return Mention("title", mention.text, mention.start, mention.end, mention.key,
                   holder=surname)
