"""Verification of a semantic candidate: does it ask the same question as the query?

An embedding says two texts are *about* the same thing; it does not say they ask
the same thing. Measured with all-MiniLM-L6-v2: "...castor oil at 37 weeks
pregnant?" vs "...at 35 weeks" 0.977, "What do Croats think of Turks?" vs "What do
Turks think of Croats?" 0.989, "What does 💀 mean?" vs "What does 😀 mean?" 1.000
(both emoji are one ``[UNK]`` token to the model). No threshold separates those
from true paraphrases, so between "nearest neighbour above threshold" and "serve
it" the answer-critical content of both texts must agree, rule by rule:

``numbers``      numbers (digits, number words, ordinals) as a multiset of values
``units``        units and currencies (canonical names, so "km" equals "kilometres")
``negation``     whether the text is negated at all
``opposites``    one text has a word whose opposite the other has (before/after ...)
``entities``     every capitalised name / acronym of one text occurs in the other
``order``        the shared content words keep their order up to one moved block
                 (a swap of subject and object is a different question; a passive
                 rewrite of exactly one side is allowed)
``identifiers``  code identifiers, quoted strings, ``C++``/``AB+``-style tokens
``foreign``      runs of non-Latin script and emoji, compared exactly
``unknown``      the exact text the model's tokenizer maps to ``[UNK]``

A query that is mostly ``[UNK]`` to the model is not served from (nor stored in)
the semantic tier at all: its embedding says almost nothing (``servable``).

Pure functions, no I/O, no trio. ``extract`` runs once per text (in the
embedder's worker thread, with the tokenizer's unknown spans handed in);
``disagreement`` compares two extracts in microseconds on the trio thread.
A miss is cheap and a wrong answer is not, so every rule errs towards "differ".
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "MAX_UNKNOWN_SHARE",
    "RULES",
    "Facts",
    "TokenInfo",
    "disagreement",
    "dump_facts",
    "extract",
    "load_facts",
    "servable",
]

RULES = (
    "unknown",
    "foreign",
    "numbers",
    "units",
    "negation",
    "opposites",
    "attributes",
    "identifiers",
    "entities",
    "order",
)

#: A text whose word pieces are more than this share ``[UNK]`` is never served
#: semantically.
MAX_UNKNOWN_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What the model's tokenizer made of a text: its ``[UNK]`` spans and token count."""

    unknown: tuple[str, ...] = ()
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class Facts:
    """The answer-critical content of one text (see the module docstring)."""

    numbers: tuple[str, ...]
    units: frozenset[str]
    negated: bool
    polar: frozenset[str]
    colours: frozenset[str]
    identifiers: tuple[str, ...]
    entities: frozenset[str]
    words: frozenset[str]
    content: tuple[str, ...]
    passive: bool
    foreign: tuple[str, ...]
    unknown: tuple[str, ...]
    unknown_share: float


# --- vocabularies ------------------------------------------------------------------

_NUMBER_WORDS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "million": 10**6, "billion": 10**9, "trillion": 10**12, "dozen": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "half": 0.5, "twice": 2,
    "double": 2, "triple": 3, "once": 1,
}  # fmt: skip
# "one" is left out: "which one is better" asks for no number.

_UNITS = {
    "km": "km", "kilometer": "km", "kilometre": "km", "kms": "km",
    "m": "m", "meter": "m", "metre": "m",
    "cm": "cm", "centimeter": "cm", "centimetre": "cm",
    "mm": "mm", "millimeter": "mm", "millimetre": "mm",
    "mile": "mile", "mi": "mile", "mph": "mph", "kph": "kmh", "kmh": "kmh",
    "ft": "foot", "foot": "foot", "feet": "foot", "inch": "inch", "inches": "inch",
    "yard": "yard", "yd": "yard",
    "kg": "kg", "kilogram": "kg", "kilo": "kg", "g": "g", "gram": "g", "mg": "mg",
    "milligram": "mg", "lb": "lb", "lbs": "lb", "pound": "lb", "oz": "oz", "ounce": "oz",
    "ton": "ton", "tonne": "ton",
    "l": "l", "liter": "l", "litre": "l", "ml": "ml", "milliliter": "ml",
    "millilitre": "ml", "gallon": "gallon", "gal": "gallon", "cup": "cup", "pint": "pint",
    "second": "s", "sec": "s", "minute": "min", "min": "min", "hour": "h", "hr": "h",
    "day": "day", "week": "week", "month": "month", "year": "year", "yr": "year",
    "decade": "decade", "century": "century",
    "celsius": "C", "°c": "C", "fahrenheit": "F", "°f": "F", "kelvin": "K",
    "percent": "%", "%": "%", "percentage": "%",
    "dollar": "USD", "usd": "USD", "$": "USD", "euro": "EUR", "eur": "EUR", "€": "EUR",
    "£": "GBP", "gbp": "GBP", "sterling": "GBP", "yen": "JPY", "¥": "JPY",
    "rupee": "INR", "inr": "INR", "₹": "INR", "yuan": "CNY", "bitcoin": "BTC", "btc": "BTC",
    "kb": "kB", "mb": "MB", "gb": "GB", "tb": "TB", "kbps": "kbps", "mbps": "Mbps",
    "gbps": "Gbps", "ghz": "GHz", "mhz": "MHz", "hz": "Hz", "watt": "W", "w": "W",
    "kw": "kW", "kwh": "kWh", "volt": "V", "v": "V", "amp": "A", "mah": "mAh",
    "calorie": "kcal", "kcal": "kcal", "cal": "kcal", "acre": "acre", "hectare": "ha",
}  # fmt: skip
# Single letters are units only right after a number ("5 m"), never alone ("a m").
_BARE_UNIT_MIN_LEN = 2

_NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor nowhere cannot without unable "
    "isnt arent wasnt werent dont doesnt didnt cant couldnt wont wouldnt shouldnt "
    "hasnt havent hadnt mustnt neednt aint".split()
)

_OPPOSITE_PAIRS = (
    ("before", "after"), ("above", "below"), ("more", "less"), ("more", "fewer"),
    ("most", "least"), ("max", "min"), ("maximum", "minimum"), ("increase", "decrease"),
    ("best", "worst"), ("better", "worse"), ("buy", "sell"), ("true", "false"),
    ("positive", "negative"), ("hot", "cold"), ("high", "low"), ("higher", "lower"),
    ("highest", "lowest"), ("male", "female"), ("men", "women"), ("man", "woman"),
    ("boy", "girl"), ("left", "right"), ("north", "south"), ("east", "west"),
    ("import", "export"), ("win", "lose"), ("winner", "loser"), ("add", "remove"),
    ("enable", "disable"), ("start", "end"), ("open", "close"), ("inside", "outside"),
    ("internal", "external"), ("input", "output"), ("upload", "download"),
    ("push", "pull"), ("encrypt", "decrypt"), ("encode", "decode"), ("gain", "lose"),
    ("rich", "poor"), ("young", "old"), ("older", "younger"), ("big", "small"),
    ("bigger", "smaller"), ("biggest", "smallest"), ("large", "small"),
    ("largest", "smallest"), ("long", "short"), ("longer", "shorter"),
    ("fast", "slow"), ("faster", "slower"), ("cheap", "expensive"), ("legal", "illegal"),
    ("safe", "unsafe"), ("possible", "impossible"), ("easy", "hard"), ("easy", "difficult"),
    ("pros", "cons"), ("advantage", "disadvantage"), ("agree", "disagree"),
    ("like", "dislike"), ("love", "hate"), ("accept", "reject"), ("allow", "deny"),
    ("yesterday", "tomorrow"), ("today", "tomorrow"), ("today", "yesterday"),
    ("past", "future"), ("morning", "evening"), ("day", "night"), ("summer", "winter"),
    ("asc", "desc"), ("ascending", "descending"), ("client", "server"),
    ("sender", "receiver"), ("uppercase", "lowercase"), ("prefix", "suffix"),
    ("up", "down"), ("upward", "downward"), ("front", "behind"), ("into", "out"),
    ("onto", "off"), ("on", "off"), ("toward", "away"), ("towards", "away"),
    ("over", "under"), ("top", "bottom"), ("full", "empty"), ("wet", "dry"),
    ("closed", "open"), ("pull", "push"), ("enter", "exit"), ("arrive", "leave"),
    ("sit", "stand"), ("sitting", "standing"), ("near", "far"), ("light", "dark"),
    ("import", "export"), ("send", "receive"), ("give", "take"), ("borrow", "lend"),
    ("teach", "learn"), ("parent", "child"), ("employer", "employee"),
)  # fmt: skip
_COLOURS = frozenset(
    "black white red blue green yellow brown pink purple orange grey gray silver gold "
    "golden violet beige tan".split()
)
_OPPOSITES: dict[str, frozenset[str]] = {}
for _a, _b in _OPPOSITE_PAIRS:
    _OPPOSITES[_a] = _OPPOSITES.get(_a, frozenset()) | {_b}
    _OPPOSITES[_b] = _OPPOSITES.get(_b, frozenset()) | {_a}

# Synonyms folded before the opposites rule: "prior to" is "before".
_POLAR_ALIASES = {"prior": "before", "afterwards": "after", "fewest": "least"}

_STOPWORDS = frozenset(
    "a an the of to in on at for from by with about as into onto over under and or but "
    "if then than so that this these those there here it its it's is are was were be been "
    "being am do does did doing done have has had having can could will would shall should "
    "may might must i me my mine we us our you your he him his she her they them their "
    "what which who whom whose when where why how whats hows whos wheres whens "
    "some any all each every other another such very really just also only even "
    "get got getting go going make made way ways thing things best good "
    "s t ll ve re d m".split()
)

_MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)

# --- patterns ----------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])[-+]?\d[\d,]*(?:\.\d+)?(?:st|nd|rd|th|s)?(?![\d])", re.I)
_NUM_UNIT = re.compile(r"\d\s*(°[cf]|[a-zA-Z]{1,5}\b|%|\$|€|£|¥|₹)")
_CURRENCY_BEFORE = re.compile(r"([$€£¥₹])\s*\d")
_BACKTICK = re.compile(r"`([^`\n]+)`")
_DQUOTE = re.compile(r"[\"“”]([^\"“”\n]{1,200})[\"“”]")
_SQUOTE = re.compile(r"(?<!\w)['\u2018]([^'\u2018\u2019\n]{1,200})['\u2019](?!\w)")
_SNAKE = re.compile(r"\b[A-Za-z_][A-Za-z0-9]*_[A-Za-z0-9_]+\b")
_CAMEL = re.compile(r"\b[a-z]+[A-Z][A-Za-z0-9]*\b")
_DOTTED = re.compile(r"\b[A-Za-z_]\w+(?:\.[A-Za-z_]\w+)+(?:\(\))?")
_CALL = re.compile(r"\b[A-Za-z_]\w*\(\)")
_SIGNED = re.compile(r"(?<![\w+#])([A-Za-z][A-Za-z0-9]{0,3})([+#]+|-(?=[\s?.,!]|$))")
# Codes that mix letters and digits ("q64", "gpt4", "b12", "iphone14"): the model
# splits them into pieces whose embedding barely changes with the digits.
_ALNUM = re.compile(r"\b[A-Za-z]+\d\w*\b")
_FLAG = re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*")
_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|get|gets|got)\s+(?:[^\s.?!,]+\s+){0,3}?"
    r"\w+(?:ed|en|wn|t)\b(?:\s+[^\s.?!,]+){0,5}?\s+by\b"
    r"|\bbeing\s+\w+(?:ed|en|wn|t)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?:;]\s+|\n")


def _is_foreign_char(ch: str) -> bool:
    """Letters of non-Latin scripts and symbols/emoji: the model barely reads them."""
    if ch.isascii():
        return False
    cat = unicodedata.category(ch)
    if cat.startswith("L"):
        name = unicodedata.name(ch, "")
        return not name.startswith("LATIN")
    return cat in ("So", "Sk", "Co", "Cn")


def _foreign_runs(text: str) -> tuple[str, ...]:
    runs: list[str] = []
    current: list[str] = []
    for ch in text:
        if _is_foreign_char(ch) or (current and unicodedata.category(ch) in ("Mn", "Me", "Cf")):
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return tuple(runs)


def _stem(word: str) -> str:
    """A crude English stem: enough to match "kills"/"killed"/"kill" and "France's"."""
    w = word.replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    for suffix in ("ing", "ed", "es", "s"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _canonical_number(token: str) -> str | None:
    t = token.lower().rstrip("s") if token.lower().endswith("0s") else token.lower()
    for suffix in ("st", "nd", "rd", "th"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
    t = t.replace(",", "").lstrip("+")
    try:
        value = float(t)
    except ValueError:
        return None
    return repr(int(value)) if value == int(value) else repr(value)


def _numbers(text: str, words: list[str]) -> tuple[str, ...]:
    found = [n for m in _NUMBER.finditer(text) if (n := _canonical_number(m.group())) is not None]
    for w in words:
        value = _NUMBER_WORDS.get(w)
        if value is not None:
            found.append(repr(int(value)) if value == int(value) else repr(value))
    return tuple(sorted(found))


def _units(text: str, words: list[str]) -> frozenset[str]:
    units = set()
    for m in _NUM_UNIT.finditer(text):
        u = _UNITS.get(m.group(1).lower()) or _UNITS.get(m.group(1).lower().rstrip("s"))
        if u:
            units.add(u)
    for m in _CURRENCY_BEFORE.finditer(text):
        units.add(_UNITS[m.group(1)])
    for w in words:
        if len(w) < _BARE_UNIT_MIN_LEN or w in _NUMBER_WORDS:
            continue
        u = _UNITS.get(w) or (_UNITS.get(w[:-1]) if w.endswith("s") else None)
        if u:
            units.add(u)
    return frozenset(units)


def _identifiers(text: str) -> tuple[str, ...]:
    """Quoted strings, code identifiers and signed tokens, in order of appearance
    (order matters: "convert 'a' to 'b'", "can AB+ give to A+")."""
    found: dict[str, int] = {}
    for pattern in (_BACKTICK, _DQUOTE, _SQUOTE):
        for m in pattern.finditer(text):
            found.setdefault("q:" + m.group(1).strip().casefold(), m.start())
    for pattern in (_SNAKE, _CAMEL, _DOTTED, _CALL, _FLAG, _ALNUM):
        for m in pattern.finditer(text):
            found.setdefault("c:" + m.group(), m.start())
    for m in _SIGNED.finditer(text):
        found.setdefault("s:" + (m.group(1) + m.group(2)).casefold(), m.start())
    return tuple(sorted(found, key=found.__getitem__))


def _entities(text: str) -> frozenset[str]:
    """Capitalised words not opening a sentence, acronyms, months and weekdays."""
    ents: set[str] = set()
    for sentence in _SENTENCE_END.split(text):
        for i, m in enumerate(_WORD.finditer(sentence)):
            w = m.group()
            if not w[0].isupper():
                if w.casefold() in _MONTHS_DAYS and len(w) > 3:
                    ents.add(w.casefold())
                continue
            acronym = len(w) > 1 and w.isupper()
            if (i > 0 and w not in ("I", "I'm", "I've", "I'd", "I'll")) or acronym:
                ents.add(_stem(w.casefold()))
    return frozenset(ents)


def _polar(words: list[str]) -> frozenset[str]:
    out = set()
    for w in words:
        w = _POLAR_ALIASES.get(w, w)
        if w in _OPPOSITES:
            out.add(w)
        else:
            s = _stem(w)
            if s in _OPPOSITES:
                out.add(s)
    return frozenset(out)


def _negated(words: list[str]) -> bool:
    plain = (w.replace("'", "").replace("\u2019", "") for w in words)
    return any(w in _NEGATIONS for w in plain)


def extract(text: str, info: TokenInfo | None = None) -> Facts:
    """The answer-critical content of ``text``; ``info`` from the model's tokenizer."""
    words = [w.casefold() for w in _WORD.findall(text)]
    content = tuple(
        s for w in words if w not in _STOPWORDS and (s := _stem(w)) and s not in _STOPWORDS
    )
    foreign = _foreign_runs(text)
    if info is not None and info.tokens:
        unknown = tuple(sorted(info.unknown))
        share = len(info.unknown) / info.tokens
    else:  # no tokenizer: foreign characters stand in for what the model cannot read
        unknown = ()
        letters = sum(1 for ch in text if not ch.isspace())
        share = sum(len(r) for r in foreign) / letters if letters else 0.0
    return Facts(
        numbers=_numbers(text, words),
        units=_units(text, words),
        negated=_negated(words),
        polar=_polar(words),
        colours=frozenset(w for w in words if w in _COLOURS),
        identifiers=_identifiers(text),
        entities=_entities(text),
        words=frozenset(_stem(w) for w in words),
        content=content,
        passive=_PASSIVE.search(text) is not None,
        foreign=foreign,
        unknown=unknown,
        unknown_share=share,
    )


def servable(facts: Facts) -> bool:
    """False when the model cannot read most of the text: no semantic tier for it."""
    return facts.unknown_share <= MAX_UNKNOWN_SHARE


def _opposed(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(w not in b and _OPPOSITES[w] & b for w in a) or any(
        w not in a and _OPPOSITES[w] & a for w in b
    )


def _shared_order(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """The content words both texts use exactly once, in each text's order."""
    once_a = {w for w in a if a.count(w) == 1}
    shared = {w for w in b if b.count(w) == 1} & once_a
    return [w for w in a if w in shared], [w for w in b if w in shared]


def _reordered(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether the shared words changed roles (see the ``order`` rule).

    Counted as breakpoints of ``b``'s order as a permutation of ``a``'s: 0 is the
    same order; 3 is one block moved ("In 1978 he left" / "He left in 1978");
    4 or more is words swapped across others ("Croats ... Turks" / "Turks ...
    Croats"). One block of a single word moved between two inner positions is
    a modifier changing what it modifies ("the man in the hat smoking a straw
    cigarette" / "the man in the straw hat smoking a cigarette"), so it counts
    too; a word moved to or from either end ("... in 2012" / "the 2012 ...") does
    not. Tuned on SICK's tune split: false hits 0.42% -> 0.22% at 0.95 (int8).
    """
    first, second = _shared_order(a, b)
    if len(first) < 2 or first == second:
        return False
    position = {w: i for i, w in enumerate(first)}
    perm = [-1, *(position[w] for w in second), len(first)]
    breaks = sum(1 for x, y in itertools.pairwise(perm) if y != x + 1)
    if breaks > 3:
        return True
    last = len(first) - 1
    for i, w in enumerate(first):
        if [x for x in first if x != w] == [x for x in second if x != w]:
            j = second.index(w)
            return 0 < i < last and 0 < j < last
    return False


def disagreement(query: Facts, candidate: Facts) -> str | None:
    """The first rule on which the two texts differ (see ``RULES``), or None."""
    if query.unknown != candidate.unknown:
        return "unknown"
    if query.foreign != candidate.foreign:
        return "foreign"
    if query.numbers != candidate.numbers:
        return "numbers"
    if query.units != candidate.units:
        return "units"
    if query.negated != candidate.negated:
        return "negation"
    if _opposed(query.polar, candidate.polar):
        return "opposites"
    if query.colours and candidate.colours and query.colours != candidate.colours:
        return "attributes"
    if query.identifiers != candidate.identifiers:
        return "identifiers"
    if not (query.entities <= candidate.words and candidate.entities <= query.words):
        return "entities"
    if query.passive == candidate.passive and _reordered(query.content, candidate.content):
        return "order"
    return None


def dump_facts(facts: Facts) -> list[object]:
    """``facts`` as a JSON-ready list (for sharing an entry between processes)."""
    return [
        list(facts.numbers),
        sorted(facts.units),
        facts.negated,
        sorted(facts.polar),
        sorted(facts.colours),
        list(facts.identifiers),
        sorted(facts.entities),
        sorted(facts.words),
        list(facts.content),
        facts.passive,
        list(facts.foreign),
        list(facts.unknown),
        facts.unknown_share,
    ]


def load_facts(raw: object) -> Facts | None:
    """The inverse of ``dump_facts``; None for anything malformed."""
    if not isinstance(raw, list) or len(raw) != 13:
        return None
    strs = (0, 1, 3, 4, 5, 6, 7, 8, 10, 11)
    if not all(isinstance(raw[i], list) and all(isinstance(x, str) for x in raw[i]) for i in strs):
        return None
    if not (isinstance(raw[2], bool) and isinstance(raw[9], bool)):
        return None
    share = raw[12]
    if not isinstance(share, int | float) or isinstance(share, bool):
        return None
    return Facts(
        numbers=tuple(raw[0]),
        units=frozenset(raw[1]),
        negated=raw[2],
        polar=frozenset(raw[3]),
        colours=frozenset(raw[4]),
        identifiers=tuple(raw[5]),
        entities=frozenset(raw[6]),
        words=frozenset(raw[7]),
        content=tuple(raw[8]),
        passive=raw[9],
        foreign=tuple(raw[10]),
        unknown=tuple(raw[11]),
        unknown_share=float(share),
    )
