"""Word lists of the verification step (``routeiq.cache.verify``): number words,
units, negations, opposite pairs, colours, stop words, months and weekdays."""

from __future__ import annotations

__all__ = [
    "BARE_UNIT_MIN_LEN",
    "COLOURS",
    "MONTHS_DAYS",
    "NEGATIONS",
    "NUMBER_WORDS",
    "OPPOSITES",
    "POLAR_ALIASES",
    "STOPWORDS",
    "UNITS",
]

NUMBER_WORDS = {
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

UNITS = {
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
BARE_UNIT_MIN_LEN = 2

NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor nowhere cannot without unable "
    "isnt arent wasnt werent dont doesnt didnt cant couldnt wont wouldnt shouldnt "
    "hasnt havent hadnt mustnt neednt aint".split()
)

OPPOSITE_PAIRS = (
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
COLOURS = frozenset(
    "black white red blue green yellow brown pink purple orange grey gray silver gold "
    "golden violet beige tan".split()
)
OPPOSITES: dict[str, frozenset[str]] = {}
for _a, _b in OPPOSITE_PAIRS:
    OPPOSITES[_a] = OPPOSITES.get(_a, frozenset()) | {_b}
    OPPOSITES[_b] = OPPOSITES.get(_b, frozenset()) | {_a}

# Synonyms folded before the opposites rule: "prior to" is "before".
POLAR_ALIASES = {"prior": "before", "afterwards": "after", "fewest": "least"}

STOPWORDS = frozenset(
    "a an the of to in on at for from by with about as into onto over under and or but "
    "if then than so that this these those there here it its it's is are was were be been "
    "being am do does did doing done have has had having can could will would shall should "
    "may might must i me my mine we us our you your he him his she her they them their "
    "what which who whom whose when where why how whats hows whos wheres whens "
    "some any all each every other another such very really just also only even "
    "get got getting go going make made way ways thing things best good "
    "s t ll ve re d m".split()
)

MONTHS_DAYS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
