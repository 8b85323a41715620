"""The content-filter table: keywords and intent patterns per category.

Single keywords weigh little (0.15-0.45): "kill the process", "shoot a
photo", "the exam was murder" must pass. Intent patterns ("how to make a
bomb", "I want to kill myself") weigh 0.8-1.0 and cross the threshold
alone. Every keyword ends at a word boundary, so "therapist" never contains
"rapist" and "Scunthorpe" or "assassin" contain nothing.
"""

# ruff: noqa: E501  (pattern tables: one rule per line reads better than wrapped strings)

from __future__ import annotations

from routeiq.plugins.guardrails.phrases import Phrase, S, opt, words

_V, _H, _SX, _SH, _IL = "violence", "hate", "sexual", "self_harm", "illegal_activity"
_END = "(?![a-z])"
_INFLECT = f"(?:s|es|ed|d|ing|er|ers)?{_END}"


def keywords(category: str, weight: float, table: str) -> tuple[Phrase, ...]:
    """One phrase per "|"-separated keyword (common inflections allowed), each
    its own rule so that two different keywords add up."""
    return tuple(
        Phrase(f"{category}:{word}", category, weight, _INFLECT, (word,))
        for word in (w.strip() for w in table.split("|"))
        if word
    )


_HOW_TO = ("how to", "how do i", "how can i", "how would i", "how could i", "how should i",
           "ways to", "best way to", "easiest way to", "teach me to", "help me",
           "instructions for", "instructions to", "guide to", "steps to", "tutorial on", "i want to",
           "i need to", "tell me how to", "explain how to", "show me how to", "plan to",
           "detailed instructions", "step-by-step")  # fmt: skip
_PEOPLE = opt("a", "my", "the", "this", "that", "some", "all", "every", "those", "these")
_VICTIM = words(
    "someone", "somebody", "him", "her", "them", "people", "person", "wife", "husband",
    "boss", "neighbor", "neighbour", "teacher", "child", "kid", "baby", "girlfriend",
    "boyfriend", "family", "classmate", "coworker", "president", "senator", "cop", "officer",
    "man", "woman", "everyone", "you", "jews", "muslims", "christians", "immigrants",
)  # fmt: skip
# Technical objects of "kill", "shoot", "execute", "attack"...: "kill all child
# processes", "shoot me a message", "execute the job" are ordinary developer
# talk. After a harm verb (and up to three words), one of these nouns means the
# verb is not about a person, so neither the keyword nor the intent rules match.
_TECH_NOUN = words(
    "process", "processes", "pid", "pids", "thread", "threads", "job", "jobs", "task", "tasks",
    "query", "queries", "transaction", "transactions", "container", "containers", "pod", "pods",
    "script", "scripts", "command", "commands", "signal", "signals", "session", "sessions",
    "message", "messages", "email", "emails", "e-mail", "request", "requests", "server",
    "servers", "worker", "workers", "daemon", "daemons", "service", "services", "program",
    "programs", "build", "builds", "tab", "tabs", "window", "windows", "connection",
    "connections", "instance", "instances", "node", "nodes", "vm", "vms", "shell", "terminal",
    "loop", "operation", "operations", "download", "upload", "deployment", "pipeline", "test",
    "tests", "app", "apps", "application", "applications", "port", "socket", "sockets",
    "cluster", "function", "method", "code", "binary", "executable", "tmux", "screen",
    "line", "note", "text", "dm", "ping", "query", "surface", "vector", "bug", "bugs",
)  # fmt: skip
_NOT_TECH = f"(?!(?:{S}[a-z0-9_-]+){{0,3}}?{S}{_TECH_NOUN}(?![a-z]))"

_HARM_VERB = words(
    "kill", "murder", "stab", "shoot", "poison", "strangle", "assassinate", "torture",
    "kidnap", "abduct", "behead", "maim", "hurt", "beat up", "attack", "bomb", "burn",
    "rape", "drown", "suffocate", "dismember", "execute",
)  # fmt: skip
_DRUG = words(
    "meth", "methamphetamine", "crystal meth", "cocaine", "crack", "heroin", "fentanyl", "lsd",
    "mdma", "ecstasy", "ghb", "pcp", "ketamine", "dmt", "opium", "drugs",
)  # fmt: skip
_WEAPON = words(
    "bomb", "pipe bomb", "explosive", "explosives", "ied", "molotov", "grenade", "nerve agent",
    "sarin", "ricin", "anthrax", "bioweapon", "chemical weapon", "dirty bomb", "napalm",
    "ghost gun", "silencer", "suppressor", "thermite", "detonator", "poison gas",
)  # fmt: skip
_GROUP_WORDS = (
    "jews", "muslims", "christians", "blacks", "black people", "whites", "asians", "gays",
    "lesbians", "homosexuals", "trans people", "transgender people", "immigrants",
    "mexicans", "arabs", "africans", "women", "gypsies", "roma", "hindus", "sikhs",
    "refugees", "foreigners", "chinese", "indians", "disabled people", "migrants",
)  # fmt: skip
_GROUP = words(*_GROUP_WORDS)

_VILE = (
    f"{words('are', 'is')}{S}{opt('all', 'just', 'nothing but', 'like')}"
    f"{words('vermin', 'animals', 'subhuman', 'parasites', 'rats', 'cockroaches', 'inferior', 'savages', 'filth', 'a disease', 'a plague', 'scum', 'trash', 'evil', 'genetically inferior', 'less than human', 'not human')}{_END}"
)

_NEGATIVE = words(
    "lazy", "stupid", "dumb", "unintelligent", "dishonest", "violent", "criminals", "intolerant",
    "dirty", "greedy", "ugly", "inferior", "mentally ill", "terrorists", "untrustworthy",
    "thieves", "savages", "primitive", "evil", "liars", "worthless", "disgusting", "useless",
    "rapists", "animals", "subhuman", "parasites", "incompetent", "clueless", "idiots",
)  # fmt: skip

#: Request framing ("how to", "write a", "give me"): weightless alone, it adds
#: REQUEST_BOOST to every harm keyword in the same message (content.py).
REQUEST = Phrase(
    "request",
    "request",
    0.0,
    _END,
    (*_HOW_TO, "write a", "write an", "give me", "give detailed", "give tips", "tips for",
     "list", "describe how", "describe in detail", "provide", "generate", "create a", "draft",
     "can you help", "help me", "devise", "outline", "explain how", "instructions"),
)  # fmt: skip
REQUEST_BOOST = 0.25

#: Defensive framing ("how to avoid", "signs of", "victim of"): harm keywords
#: in the message count at DEFENSIVE_FACTOR of their weight, and a request
#: framing adds nothing. Asking how to spot a scam is not asking to run one.
DEFENSIVE = Phrase(
    "defensive",
    "defensive",
    0.0,
    _END,
    ("how to avoid", "how do i avoid", "how can i avoid", "how to recognize", "how to recognise",
     "how to spot", "how to detect", "how to prevent", "how do i prevent", "how to protect",
     "how can i protect", "protect myself", "protect my", "how do i report", "how to report",
     "report it", "signs of", "warning signs", "what should i do if", "victim of",
     "how to stop", "how to identify", "how to tell if", "is this a scam", "avoid being",
     "prevention", "safety tips", "stay safe", "recognise", "recognize", "spot", "detect",
     "identify", "report", "prevent", "protect", "defend against", "awareness"),
)  # fmt: skip
DEFENSIVE_FACTOR = 0.5


def technical_verbs(category: str, weight: float, table: str) -> tuple[Phrase, ...]:
    """Like ``keywords``, but the verb does not count when a technical object
    follows it (``_NOT_TECH``): "kill the process" is not violence."""
    return tuple(
        Phrase(f"{category}:{word}", category, weight, _INFLECT + _NOT_TECH, (word,))
        for word in (w.strip() for w in table.split("|"))
        if word
    )


# Strong keywords (0.35) act together with a request framing (+0.25 = 0.6);
# weak ones (0.2) need company even then (0.45).
# fmt: off
KEYWORD_PHRASES: tuple[Phrase, ...] = (
    *keywords(_V, 0.35, "murder|massacre|behead|decapitate|dismember|slaughter|genocide|torture"
              "|maim|mutilate|assassinate|strangle|bloodbath|bomb threat|death threat|snuff"
              "|threatening message|threatening letter|terrorize|car bomb|pipe bomb"
              "|mass shooting|bioweapon|biological weapon|chemical weapon|biochemical weapon"
              "|nerve agent|dirty bomb|radicalize|radicalise|ransom note"),
    *technical_verbs(_V, 0.2, "kill|stab|shoot|attack"),
    *keywords(_V, 0.2, "gun|bomb|explosive|weapon|blood|gore|corpse|violent"
              "|violence|assault|terror|terrorist|hostage|kidnap|firearm|rifle|handgun"
              "|threaten|threat|harass|harassment|bully|bullying|stalk|poison|arson|outbreak"
              "|ebola|anthrax|pandemic|extremist"),
    *keywords(_H, 0.35, "racist|racism|bigot|nazi|neo-nazi|supremacist|supremacy|xenophobic"
              "|homophobic|transphobic|antisemitic|antisemitism|slur|slurs|kkk|ku klux klan"
              "|holocaust denial|holocaust never happened|insult|insults|derogatory|demean"
              "|dehumanize|stereotype|stereotypes|racial slur|misogynist|misogynistic"),
    *keywords(_H, 0.2, "hate|hatred|inferior|vermin|degenerate|scum|less intelligent"),
    *keywords(_SX, 0.45, "porn|porno|pornography|pornographic|hentai|blowjob|handjob|orgasm"
              "|cumshot|gangbang|masturbate|masturbation|dildo|xxx|nsfw|erotica|bdsm|fetish"
              "|onlyfans|sexting|brothel|prostitute|prostitution|revenge porn|nude photos"
              "|intimate images"),
    *keywords(_SX, 0.25, "sex|sexual|sexually|sexy|nude|nudes|naked|erotic|explicit|horny"
              "|seduce|genitals|penis|vagina|breasts|boobs|intercourse|aroused|stripper|grope"
              "|groped|labia|clitoris|nipple|anal|escort"),
    *keywords(_SH, 0.45, "suicidal|self-harm|self-harming|selfharm|self-injury|cutting myself"
              "|want to die|kill myself|end my life|no reason to live|better off dead"),
    *keywords(_SH, 0.25, "suicide|overdose|self harm|anorexia|bulimia|hopeless|worthless"
              "|starve myself|without eating"),
    *keywords(_IL, 0.35, "launder|laundering|counterfeit|smuggle|smuggling|shoplift|embezzle"
              "|extort|extortion|blackmail|ransomware|keylogger|botnet|carding|dark web"
              "|darknet|hitman|burglary|poach|poaching|bribe|bribery|trafficking"
              "|falsify|forge|forgery|chop shop|chop shops|sql injection"
              "|tax evasion|untraceable|black market|stolen goods|stolen cars|fake id"
              "|fake passport|skimming device|credit card skimmer"
              "|without a prescription|drug dealer|pass a drug test|fool a breathalyzer"),
    *keywords(_IL, 0.2, "crime|criminal|drug|drugs|meth|cocaine|heroin|fentanyl|mdma|hack"
              "|hacking|exploit|weed|cannabis|marijuana|stolen|forged|heist|steal|theft"
              "|dealer|surveil|spy on|without permission|without their permission"
              "|without consent|without their consent|piracy|torrent|paywalled|copyrighted"
              "|illegal|illegally|fraud|scam|scams|phishing"),
)
# fmt: on

PHRASES: tuple[Phrase, ...] = (
    # -- violence ------------------------------------------------------------
    Phrase(
        "violence:how_to_harm",
        _V,
        0.9,
        f"{S}{opt('get away with')}{_HARM_VERB}{S}{_PEOPLE}{_VICTIM}{_END}{_NOT_TECH}",
        _HOW_TO,
    ),
    Phrase(
        "violence:threat",
        _V,
        0.9,
        f"{S}{opt('going to', 'gonna', 'about to')}{_HARM_VERB}{S}{_PEOPLE}{_VICTIM}{_END}{_NOT_TECH}",
        (
            "i will",
            "i'll",
            "i am going to",
            "i'm going to",
            "im going to",
            "i'm gonna",
            "i want to",
            "i wanna",
            "we will",
            "we're going to",
            "let's",
            "lets",
        ),
    ),
    Phrase(
        "violence:make_weapon",
        _V,
        0.9,
        f"{S}{opt('a', 'an', 'the', 'some', 'homemade', 'my own')}{opt('homemade', 'simple', 'powerful', 'working')}{_WEAPON}{_END}",
        (
            "make",
            "build",
            "assemble",
            "create",
            "construct",
            "manufacture",
            "synthesize",
            "produce",
            "cook",
            "brew",
            "detonate",
            "plant",
        ),
    ),
    Phrase(
        "violence:weapon",
        _V,
        0.35,
        _END,
        (
            "pipe bomb",
            "nerve agent",
            "sarin",
            "ricin",
            "bioweapon",
            "chemical weapon",
            "dirty bomb",
            "molotov",
            "ied",
            "ghost gun",
            "napalm",
        ),
    ),
    Phrase(
        "violence:mass",
        _V,
        0.5,
        f"{S}{words('shooting', 'murder', 'killing', 'casualties', 'stabbing', 'attack')}",
        ("mass", "school", "terrorist"),
    ),
    # -- hate ------------------------------------------------------------------
    Phrase("hate:group_are", _H, 0.9, f"{S}{_VILE}", _GROUP_WORDS),
    Phrase(
        "hate:all_group_are",
        _H,
        0.9,
        f"{S}{_GROUP}{S}{_VILE}",
        ("all", "those", "these", "the", "fucking", "filthy", "dirty"),
    ),
    Phrase(
        "hate:group_should",
        _H,
        0.9,
        f"{S}{words('should', 'must', 'need to', 'deserve to', 'ought to')}{S}{opt('all', 'just')}{opt('be')}{words('die', 'be exterminated', 'exterminated', 'be killed', 'killed', 'be gassed', 'gassed', 'burn', 'be deported', 'be wiped out', 'wiped out', 'be eliminated', 'eliminated', 'hang', 'be lynched', 'be shot')}",
        (*_GROUP_WORDS, "they", "all of them"),
    ),
    Phrase(
        "hate:extermination",
        _H,
        0.8,
        f"{S}{opt('all', 'the')}{_GROUP}",
        (
            "exterminate",
            "kill all",
            "gas the",
            "gas all",
            "wipe out",
            "get rid of all",
            "deport all",
            "eliminate all",
            "death to",
            "hang all",
            "lynch",
        ),
    ),
    Phrase(
        "hate:slogans",
        _H,
        0.7,
        _END,
        (
            "heil hitler",
            "sieg heil",
            "white power",
            "white pride worldwide",
            "race war",
            "ethnic cleansing",
            "master race",
            "inferior race",
            "14 words",
            "great replacement",
            "final solution",
            "untermensch",
            "subhuman",
        ),
    ),
    Phrase(
        "hate:jokes",
        _H,
        0.45,
        f"{S}{opt('about')}{_GROUP}",
        (
            "racist jokes",
            "racist joke",
            "sexist jokes",
            "jokes about",
            "slurs for",
            "slurs about",
            "insults for",
        ),
    ),
    # -- sexual ---------------------------------------------------------------
    Phrase(
        "sexual:minors",
        _SX,
        1.0,
        f"{S}{opt('sexual', 'nude', 'naked', 'explicit')}{words('porn', 'pornography', 'nudes', 'nude', 'naked', 'sex', 'sexual', 'erotic', 'explicit', 'abuse material')}",
        (
            "child",
            "children",
            "minor",
            "minors",
            "underage",
            "kid",
            "kids",
            "preteen",
            "12 year old",
            "13 year old",
            "14 year old",
            "loli",
            "lolita",
        ),
    ),
    Phrase(
        "sexual:explicit_request",
        _SX,
        0.8,
        f"{S}{opt('a', 'an', 'some', 'me', 'me a')}{opt('very', 'really', 'extremely')}{words('explicit', 'graphic', 'erotic', 'pornographic', 'dirty', 'smutty', 'nsfw', 'x-rated', 'steamy')}{S}{opt('sex', 'sexual', 'erotic', 'lesbian', 'gay')}{words('story', 'stories', 'scene', 'content', 'fanfic', 'fan fiction', 'roleplay', 'description', 'sex', 'poem', 'chat', 'novel', 'text')}",
        ("write", "generate", "create", "describe", "tell", "give", "produce", "compose"),
    ),
    # -- self-harm ------------------------------------------------------------
    Phrase(
        "self_harm:kill_myself",
        _SH,
        0.95,
        f"{S}{words('kill myself', 'end my life', 'end it all', 'take my own life', 'commit suicide', 'hurt myself', 'harm myself', 'cut myself', 'hang myself', 'die', 'not be alive', 'disappear forever', 'overdose', 'jump off', 'slit my wrists', 'starve myself', 'shoot myself')}",
        (
            "i want to",
            "i wanna",
            "i'm going to",
            "i am going to",
            "im going to",
            "going to",
            "i will",
            "i'll",
            "i plan to",
            "i need to",
            "i should",
            "i'm thinking about",
            "thinking of",
            "i feel like",
            "should i",
            "how do i",
            "how can i",
            "how to",
            "i'm ready to",
            "i've decided to",
            "i might",
        ),
    ),
    Phrase(
        "self_harm:methods",
        _SH,
        0.95,
        f"{S}{opt('a', 'the')}{words('painless', 'quick', 'quickest', 'easiest', 'fastest', 'best', 'surest', 'effective', 'reliable')}{S}{words('way', 'ways', 'method', 'methods')}{S}to{S}{words('die', 'kill yourself', 'kill myself', 'commit suicide', 'end my life', 'end your life', 'overdose', 'end it')}",
        ("the", "a", "most", "what", "what's", "whats", "the most"),
    ),
    Phrase(
        "self_harm:how_suicide",
        _SH,
        0.9,
        f"{S}{words('commit suicide', 'kill yourself', 'kill myself', 'end your life', 'end my life', 'self-harm', 'self harm', 'cut yourself', 'overdose on', 'hang yourself', 'slit your wrists')}",
        _HOW_TO,
    ),
    Phrase(
        "self_harm:lethal_dose",
        _SH,
        0.6,
        f"{S}{words('dose', 'dosage', 'amount')}",
        ("lethal", "fatal", "deadly", "overdose"),
    ),
    # -- illegal activity -----------------------------------------------------
    Phrase(
        "illegal:drugs_make",
        _IL,
        0.9,
        f"{S}{opt('some', 'a', 'pure', 'high quality', 'homemade', 'illegal')}{_DRUG}{_END}",
        (
            "make",
            "cook",
            "synthesize",
            "synthesise",
            "manufacture",
            "produce",
            "grow",
            "extract",
            "smuggle",
            "sell",
            "buy",
            "deal",
            "traffic",
            "distribute",
            "get",
            "order",
            "source",
        ),
    ),
    Phrase(
        "illegal:how_to_crime",
        _IL,
        0.85,
        f"{S}{opt('get away with')}{words('steal', 'shoplift', 'launder money', 'launder', 'counterfeit', 'forge', 'smuggle', 'hack into', 'break into', 'hotwire', 'pick a lock', 'pickpocket', 'blackmail', 'extort', 'bribe', 'embezzle', 'evade taxes', 'commit fraud', 'commit tax fraud', 'commit insurance fraud', 'commit identity theft', 'steal someone', 'stalk', 'dox', 'poach', 'skim', 'rob', 'burglarize', 'scam', 'defraud', 'phish', 'traffic', 'make a fake', 'make fake', 'create fake', 'print money', 'cheat on', 'bypass the', 'disable the alarm', 'crack a password', 'crack passwords', 'get unsupervised access')}",
        _HOW_TO,
    ),
    Phrase(
        "illegal:evade",
        _IL,
        0.45,
        f"{S}{words('caught', 'detected', 'detection', 'the police', 'law enforcement', 'the cops', 'the authorities', 'a trace', 'any trace', 'evidence')}",
        (
            "without getting",
            "without being",
            "avoid getting",
            "avoid being",
            "avoid",
            "evade",
            "escape",
            "not get",
            "leave no",
            "hide from",
            "hide the",
            "without leaving",
            "get rid of",
        ),
    ),
    Phrase(
        "illegal:malware",
        _IL,
        0.7,
        f"{S}{opt('a', 'an', 'some', 'my own', 'working')}{words('ransomware', 'malware', 'keylogger', 'botnet', 'trojan', 'rootkit', 'computer virus', 'virus', 'worm', 'spyware', 'phishing', 'exploit', 'backdoor', 'ddos', 'credit card skimmer', 'skimmer', 'fake id', 'fake ids', 'fake passport', 'counterfeit money', 'counterfeit', 'fake money')}{_END}",
        (
            "write",
            "create",
            "build",
            "make",
            "develop",
            "code",
            "program",
            "deploy",
            "spread",
            "launch",
            "generate",
            "design",
            "craft",
            "produce",
            "print",
        ),
    ),
    Phrase(
        "illegal:crime_terms",
        _IL,
        0.5,
        f"{S}{words('laundering', 'trafficking', 'fraud', 'theft', 'evasion', 'trading', 'smuggling', 'forgery')}",
        (
            "money",
            "human",
            "sex",
            "drug",
            "arms",
            "wire",
            "credit card",
            "identity",
            "tax",
            "insider",
            "organ",
            "insurance",
            "check",
            "cigarette",
        ),
    ),
    *KEYWORD_PHRASES,
    # Last, so that a specific phrase sharing a lead ("how to ...") is tried first.
    DEFENSIVE,
    REQUEST,
)
