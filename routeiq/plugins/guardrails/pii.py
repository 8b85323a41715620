"""PII and secrets: one combined regex, one ``finditer`` pass, cheap validators.

Each alternative of the combined pattern finds *candidates* and ends in an
empty named group that names its type (``m.lastgroup``); validators (Luhn,
mod-97, SSN rules, ``ipaddress``, entropy, context words) then decide. A
digit candidate that fails as a card/SSN/IP gets one more chance as a phone
number, since the alternation consumed it first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from routeiq.plugins.guardrails.base import Finding, Verdict, redact_spans
from routeiq.plugins.guardrails.phones import PhoneJudge
from routeiq.plugins.guardrails.phones import Verdict as PhoneVerdict
from routeiq.plugins.guardrails.settings import PIISettings
from routeiq.plugins.guardrails.validators import (
    IBAN_LENGTHS,
    card_brand,
    iban_valid,
    ipv4_valid,
    ipv6_valid,
    luhn_valid,
    shannon_entropy,
    ssn_valid,
)

#: Bump when a pattern or validator changes: it invalidates cached verdicts.
PATTERNS_VERSION = "6"

# Why the combined pattern starts with one character class: Python's regex
# engine then skips, in C, every position that cannot start a candidate
# (letters, spaces: most of any text) instead of trying each alternative at
# every position, which measured 10x slower. Every PII type contains one of
# these anchors: a digit, "@", "+", "(", ":" or "-"; tokens that start with
# letters ("sk-...", "DE89...", "Zx8K...") are caught at their first digit and
# extended left in Python.
_ANCHOR = r"[0-9@+(:\-]"

# Alternatives below run just *after* the anchor character (position p+1):
# ``(?<=X)`` says which anchor it was, ``(?<!Y.)`` checks the character before it.
_AFTER_ANCHOR: tuple[tuple[str, str], ...] = (
    (
        "EMAIL",
        r"(?<=@)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}"
        r"(?![\w-]|\.[A-Za-z0-9])",
    ),
    (
        "PRIVATE_KEY",
        r"(?<=-)----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
        r"(?:[\s\S]{0,10000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?",
    ),
    # A digit inside a token that started with letters: the token is classified in Python.
    ("TOKEN", r"(?:(?<=[A-Za-z_][0-9])|(?<=[A-Za-z][-_./+][0-9]))[A-Za-z0-9_+/=.\-]*+"),
    ("CREDIT_CARD", r"(?<=[0-9])(?<![\w-].)(?:[ -]?[0-9]){11,18}+(?![\w-])"),
    (
        "SSN",
        r"(?<=[0-9])(?<![\w-].)[0-9]{2}(?P<ssn_sep>[- ]?)[0-9]{2}(?P=ssn_sep)[0-9]{4}"
        r"(?![\w-]|[ ][0-9])",
    ),
    # An address whose first group is letters ("fdac:25..."): caught at its first ":".
    ("IPV6_TAIL", r"(?<=[0-9A-Fa-f]:)(?=[0-9A-Fa-f]{0,4}:)"),
    (
        "IPV6",
        r"(?<=[0-9A-Fa-f:])(?<![\w:.].)(?=[0-9A-Fa-f]{0,3}:[0-9A-Fa-f]{0,4}:)"
        r"[0-9A-Fa-f:]{1,38}+(?:\.[0-9]{1,3}){0,3}(?:%[\w.]{1,16})?(?![\w:])",
    ),
    # "//" may precede an address (URLs), a lone "/" may not (Chrome/1.2.3.4 is a version).
    (
        "IPV4",
        r"(?<=[0-9])(?<![\w.-].)(?<![^/]/.)[0-9]{0,2}(?:\.[0-9]{1,3}){3}(?![\w-]|\.[0-9])"
        r"(?:/[0-9]{1,2}(?![0-9]))?",
    ),
    (
        "PHONE",
        r"(?<=[0-9+(])(?<![\w+.\-/#$@].)(?=(?:[ ().\-]{0,4}[0-9]){6})"
        # Between groups: one space at most, around at most two of "().-".
        r"(?:(?:[().\-]{1,2}[ ]?|[ ](?:[().\-]{1,2}[ ]?)?)?[0-9]++)*+"
        r"(?:[ ]?(?:[xX#]|[eE]xt\.?)[ ]?[0-9]{1,6})?"
        r"(?![\w]|[.\-/:][0-9]|-[A-Za-z])",
    ),
)

# Standalone patterns used on candidates (tokens, phone fallback).
_PHONE_RE = re.compile(
    r"(?<![\w+.\-/#$@])(?:\+[ ]?)?(?:\([0-9]{1,5}\)[ .-]?)?[0-9]++"
    r"(?:(?:[ ]?\([0-9]{1,5}\)[ ]?|[ ]?-[ ]?|[ .])[0-9]++){0,7}+"
    r"(?:[ ]?(?:[xX#]|[eE]xt\.?)[ ]?[0-9]{1,6})?(?![\w]|[.\-/:][0-9])",
    re.ASCII,
)
# Known key formats, by issuer prefix.
_API_KEY_RE = re.compile(
    r"(?<![A-Za-z0-9_-])"
    r"(?:sk-(?:proj-|svcacct-|admin-|ant-(?:api[0-9]{2}-|admin[0-9]{2}-)?)?[A-Za-z0-9_-]{20,}"
    r"|(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}"
    r"|gh[pousr]_[A-Za-z0-9]{36,255}"
    r"|github_pat_[A-Za-z0-9_]{22,255}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,250}"
    r"|xapp-[0-9]-[A-Za-z0-9-]{10,250}"
    r"|AIza[0-9A-Za-z_-]{35}"
    r"|glpat-[0-9A-Za-z_-]{20,}"
    r"|[rs]k_(?:live|test)_[0-9A-Za-z]{16,247}"
    r"|SG\.[\w-]{22}\.[\w-]{43}"
    r"|hf_[A-Za-z0-9]{30,}"
    r"|npm_[A-Za-z0-9]{36}"
    r"|pypi-AgE[A-Za-z0-9_-]{50,}"
    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"
    r"|dop_v1_[a-f0-9]{64}"
    r"|AGE-SECRET-KEY-1[0-9A-Z]{58}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,})"
    r"(?![A-Za-z0-9])",
    re.ASCII,
)
_IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]){11,30}+", re.ASCII)
_IPV6_RE = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f]{0,4}:[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:]{2,39}+"
    r"(?:\.[0-9]{1,3}){0,3}(?:%[\w.]{1,16})?(?![\w:])",
    re.ASCII,
)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/=.-")
_NON_DIGIT = re.compile(r"[^0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_EXTENSION = re.compile(r"[ ]?(?:[xX#]|[eE]xt\.?)[ ]?[0-9]{1,6}$")
# Words that, just before a bare number, make it a phone number or an SSN.
_PHONE_CONTEXT = re.compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|cell|fax|whatsapp|sms|dial|número|numero|telefon"
    r"|telefono|téléphone|tél|handy|portable|call me|call us|reach me|reach us|text me"
    r"|contact me|contact us|call|calling|ring|phoned|hotline|helpline|landline)"
    r"\b\W{0,12}(?:\w+\W{1,3}){0,2}$"
)
# Labels that make a bare number an identifier, not a phone number.
_ID_CONTEXT = re.compile(
    r"(?i)\b(?:invoice|order|ref|reference|id|account|acct|ticket|tracking|serial|sku|isbn|ean"
    r"|barcode|upc|part|item|case|policy|customer|member|no|nr|number)\W{0,6}$"
)
_SSN_CONTEXT = re.compile(
    r"(?i)(?:ssn|social security|ss#|soc\. sec\.)\W{0,20}(?:\w+\W{1,3}){0,3}$"
)
# A version-ish word right before a dotted quad makes it a version, not an address.
_VERSION_CONTEXT = re.compile(
    r"(?i)\b(?:v|ver|version|versions|build|builds|release|rel|revision|rev|rv|firmware|fw"
    r"|patch|update|sdk|api|python|node|java|kernel|chrome|chromium|firefox|safari|edge"
    r"|windows|android|ios|macos|ubuntu|debian|openssl|nginx|postgres|postgresql|mysql|redis"
    r"|docker|npm|pip|gcc|clang|llvm|glibc|libc|jdk|driver|bios|tag|semver)\W{0,3}$"
)
# "upgrade from 9.15.36.122", "bumped to 10.2.0.1", "v. 4.1.2.3": a version
# word, then at most one of from/to/of/is/=, then the dotted quad.
_VERSION_VIA = re.compile(
    r"(?i)\b(?:v|ver|version|versions|build|release|rel|revision|rev|firmware|fw|patch|update"
    r"|upgrade|upgraded|upgrading|downgrade|downgraded|downgrading|migrate|migrated|migrating"
    r"|bump|bumped|bumping|pin|pinned|rollback|roll back|rolled back|revert|reverted|install"
    r"|installed|installing|tag|tagged|semver|changelog)(?:\W{1,3}[a-z][\w-]*){0,2}\W{1,3}"
    r"(?:from|to|of|is|at|=|->|onto|into)(?:\W{1,3}(?:v|version|build|release))?"
    r"(?:\W{1,3}v?[0-9]+(?:\.[0-9]+)+\W{1,3}(?:to|->|and|or|-))?\W{0,3}$"
)
# Words that make a Luhn-valid number a card even after an id word ("card number").
_CARD_CONTEXT = re.compile(
    r"(?i)\b(?:card|cards|visa|mastercard|master card|amex|american express|discover|jcb"
    r"|diners|maestro|unionpay|credit|debit|cc|pan|charge|charged|pay|paid|payment|billing)\b"
)
# Words that make a number an identifier rather than a card: build ids, order numbers.
_CARD_ID_CONTEXT = re.compile(
    r"(?i)\b(?:build|builds|version|release|commit|job|run|pipeline|artifact|order|invoice"
    r"|ref|reference|id|ticket|tracking|serial|sku|isbn|ean|barcode|upc|part|item|case"
    r"|policy|customer|member|membership|account|acct|request|trace|span|shipment|parcel"
    r"|confirmation|booking|reservation|transaction|txn)\b(?:\W{1,3}\w+){0,2}\W{0,4}$"
)
_YEARS = re.compile(r"(?:19|20)[0-9][0-9]")
_DATE_PREFIX = re.compile(
    r"^(?:(?:19|20)[0-9]{2}[-. ][0-9]{1,2}[-. ][0-9]{1,2}"
    r"|[0-9]{1,2}[-. ][0-9]{1,2}[-. ](?:19|20)[0-9]{2})"
)


_DOTTED_QUAD = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")


def _has_context(pattern: re.Pattern[str], text: str, start: int) -> bool:
    return pattern.search(text, max(0, start - 48), start) is not None


def valid_phone(candidate: str, text: str, start: int, judge: PhoneJudge) -> bool:
    """Is ``candidate`` (at ``start`` in ``text``) a phone number?

    Cheap filters first (digit count, balanced parentheses, dates, SSN and
    ZIP+4 shapes, an id word or a version word before it), then the numbering
    plans (``phones.PhoneJudge``): a valid number written the way its country
    writes it, or a valid number in any grouping after a phone word.
    """
    main = _EXTENSION.sub("", candidate)
    if main.count("(") != main.count(")") or "--" in main or ".." in main:
        return False
    digits = _NON_DIGIT.sub("", main)
    if not 7 <= len(digits) <= 17:
        return False
    international = main.startswith("+") or main.startswith("00")
    if not international:
        if _ID_CONTEXT.search(text, max(0, start - 16), start):
            return False
        groups = _DIGIT_RUN.findall(main)
        lengths = [len(g) for g in groups]
        if _DATE_PREFIX.match(main) or all(_YEARS.fullmatch(g) for g in groups):
            return False
        if lengths == [3, 2, 4] or (lengths == [5, 4] and "-" in main):
            return False  # SSN shape, ZIP+4
        if 1 in lengths[1:]:
            return False  # ISBN-like grouping, a card's check digit apart
        if "." in main:
            if (len(groups) == 2 and not main.strip("0123456789.")) or _DOTTED_QUAD.fullmatch(main):
                return False  # a decimal ("10.5931965", "26.706075"), an address-shaped quad
            if _VERSION_CONTEXT.search(text, max(0, start - 24), start) or _VERSION_VIA.search(
                text, max(0, start - 40), start
            ):
                return False
    if not international and len(digits) < 9 and _DIGIT_RUN.fullmatch(main) is not None:
        # A bare run of 7-8 digits ("commit 0402817") is a phone number only after a phone word.
        return _has_context(_PHONE_CONTEXT, text, start) and judge.judge(main) > PhoneVerdict.NO
    verdict = judge.judge(main)
    if verdict >= judge.accept_at:
        return True
    return verdict > PhoneVerdict.NO and _has_context(_PHONE_CONTEXT, text, start)


class PIIGuardrail:
    """Finds PII and secrets; redacts them as ``[PII:TYPE]``."""

    name = "pii"

    def __init__(self, settings: PIISettings | None = None) -> None:
        self.settings = settings or PIISettings()
        self.version = f"{self.name}/{PATTERNS_VERSION}/{self.settings.fingerprint()}"
        #: The verdict on a text with no finding (most texts), built once.
        self._clean = Verdict(self.name, (), 0.0, None)
        anchored = "|".join(f"{pattern}(?P<{kind}>)" for kind, pattern in _AFTER_ANCHOR)
        parts = [f"{_ANCHOR}(?:{anchored})"]
        self._extra: dict[str, tuple[str, float]] = {}
        for index, extra in enumerate(self.settings.extra_patterns):
            # Config patterns can start anywhere, so they cost the anchor's
            # fast skip; they only run when configured.
            group = f"x{index}"
            self._extra[group] = (extra.name, extra.weight)
            parts.append(f"(?:{extra.pattern})(?P<{group}>)")
        self._regex = re.compile("|".join(parts), re.ASCII)
        self.phones = PhoneJudge(
            self.settings.phone_regions,
            accept_possible=self.settings.phone_accept_possible,
            accept_grouped_possible=self.settings.phone_accept_grouped_possible,
            cache_size=self.settings.phone_cache_size,
        )
        self._validators: dict[str, Callable[[str, str, int, int], tuple[str, int, int] | None]]
        self._validators = {
            "EMAIL": self._email,
            "PRIVATE_KEY": lambda c, t, s, e: ("PRIVATE_KEY", s, e),
            "TOKEN": self._token,
            "CREDIT_CARD": self._card,
            "SSN": self._ssn,
            "IPV6": lambda c, t, s, e: ("IPV6", s, e) if ipv6_valid(c) else None,
            "IPV6_TAIL": self._ipv6_tail,
            "IPV4": self._ipv4,
            "PHONE": self._phone,
        }

    # -- validators: (type, start, end) of the confirmed span, or None -----

    def _email(
        self, candidate: str, text: str, start: int, end: int
    ) -> tuple[str, int, int] | None:
        local = start  # the match starts at "@"; the local part is before it
        while local > 0 and (text[local - 1] in "._%+-" or text[local - 1].isalnum()):
            local -= 1  # internationalised local parts (RFC 6531) are letters too
        while local < start and not text[local].isalnum():
            local += 1
        return ("EMAIL", local, end) if local < start else None

    def _token(
        self, candidate: str, text: str, start: int, end: int
    ) -> tuple[str, int, int] | None:
        begin = start
        while begin > 0 and text[begin - 1] in _TOKEN_CHARS:
            begin -= 1
        if end < len(text) and text[end] == "@":
            return None  # an email's local part: the "@" alternative takes it
        key = _API_KEY_RE.search(text, begin, end)
        if key is not None:
            return ("API_KEY", key.start(), key.end())
        if text[begin : begin + 2].isupper():
            iban = _IBAN_RE.match(text, begin)
            if iban is not None:
                span = self._iban(iban.group(), text, begin)
                if span is not None:
                    return ("IBAN", *span)
        if end < len(text) and text[end] == ":":
            address = _IPV6_RE.match(text, begin)
            if address is not None and ipv6_valid(address.group()):
                return ("IPV6", begin, address.end())
        token_end = end
        while token_end > begin and text[token_end - 1] in ".=":
            token_end -= 1  # a sentence's full stop, base64 padding
        if self._is_secret(text[begin:token_end]):
            return ("SECRET", begin, end if text[token_end:end].strip("=") == "" else token_end)
        return None

    def _ipv6_tail(
        self, candidate: str, text: str, start: int, end: int
    ) -> tuple[str, int, int] | None:
        begin = start  # the match starts at the first ":"; the first group is before it
        while begin > 0 and text[begin - 1] in _HEX_DIGITS:
            begin -= 1
        address = _IPV6_RE.match(text, begin)
        if address is not None and ipv6_valid(address.group()):
            return ("IPV6", begin, address.end())
        return None

    def _iban(self, candidate: str, text: str, start: int) -> tuple[int, int] | None:
        expected = IBAN_LENGTHS.get(candidate[:2])
        if expected is None:
            return None
        # The candidate may have run into following uppercase words: keep the
        # country's length and require the IBAN to end on a boundary.
        kept = 0
        end = start
        for offset, char in enumerate(candidate):
            if char != " ":
                kept += 1
            if kept == expected:
                end = start + offset + 1
                break
        else:
            return None
        if end < len(text) and text[end] not in " \t\r\n.,;:)]}\"'!?":
            return None
        return (start, end) if iban_valid(text[start:end].replace(" ", "")) else None

    def _card(self, candidate: str, text: str, start: int, end: int) -> tuple[str, int, int] | None:
        digits = _NON_DIGIT.sub("", candidate)
        if not luhn_valid(digits) or card_brand(digits) is None:
            return None
        # One number in ten passes Luhn: after "build", "order", "id"... it is an
        # identifier unless card words are near ("card number 5018...").
        before = max(0, start - 40)
        if _CARD_ID_CONTEXT.search(text, before, start) and not _CARD_CONTEXT.search(
            text, before, start
        ):
            return None
        return ("CREDIT_CARD", start, end)

    def _ssn(self, candidate: str, text: str, start: int, end: int) -> tuple[str, int, int] | None:
        digits = _NON_DIGIT.sub("", candidate)
        if not ssn_valid(digits[:3], digits[3:5], digits[5:]):
            return None
        if len(candidate) == 9 and not _has_context(_SSN_CONTEXT, text, start):
            return None  # a bare 9-digit number is only an SSN when the text says so
        if _ID_CONTEXT.search(text, max(0, start - 16), start) and not _has_context(
            _SSN_CONTEXT, text, start
        ):
            return None  # "part no. 284-34-4826", "order 123-45-6789": an identifier
        return ("SSN", start, end)

    def _ipv4(self, candidate: str, text: str, start: int, end: int) -> tuple[str, int, int] | None:
        if not ipv4_valid(candidate.split("/", 1)[0]):
            return None
        if _VERSION_CONTEXT.search(text, max(0, start - 24), start):
            return None
        if _VERSION_VIA.search(text, max(0, start - 40), start):
            return None
        return ("IPV4", start, end)

    def _phone(
        self, candidate: str, text: str, start: int, end: int
    ) -> tuple[str, int, int] | None:
        if candidate[0] == "+" and start > 0 and text[start - 1] == "(" and ")" in candidate:
            candidate, start = "(" + candidate, start - 1  # "(+358) 956309454"
        return ("PHONE", start, end) if valid_phone(candidate, text, start, self.phones) else None

    def _is_secret(self, token: str) -> bool:
        if len(token) < self.settings.min_secret_length:
            return False
        letters = [c for c in token if c.isalpha()]
        if not letters or not any(c.isdigit() for c in token):
            return False
        upper = sum(1 for c in letters if c.isupper()) / len(letters)
        # Random tokens mix cases evenly; identifiers (camelCase, snake_case) and
        # hex digests (one case) do not.
        if not 0.2 <= upper <= 0.8:
            return False
        return shannon_entropy(token) >= self.settings.min_entropy

    # -- the Guardrail protocol ---------------------------------------------

    def scan(self, text: str) -> list[Finding]:
        """Validated PII findings in text order (enabled types only)."""
        findings: list[Finding] = []
        enabled = self.settings.category_enabled
        covered = 0  # end of the last finding: later candidates inside it are parts of it
        search = self._regex.search
        position = 0
        # One left-to-right pass. A candidate that starts with punctuation and
        # fails validation resumes one character after its start: a rejected
        # "(001-01-0001" phone must not hide the SSN inside it.
        while (match := search(text, position)) is not None:
            group = match.lastgroup
            start, end = match.start(), match.end()
            # A rejected number is consumed whole (its digits are not re-read as
            # shorter numbers); a rejected "(" or "+" start steps one character.
            position = end if group == "TOKEN" or text[start].isdigit() else start + 1
            if group is None:
                continue
            extra = self._extra.get(group)
            if extra is not None:
                if enabled(extra[0]) and start >= covered:
                    findings.append(Finding(self.name, extra[0], start, end, extra[1]))
                    covered = end
                    position = max(end, start + 1)
                continue
            confirmed = self._validators[group](match.group(), text, start, end)
            if confirmed is None and group in ("CREDIT_CARD", "SSN", "IPV4", "IPV6"):
                # The alternation consumed this span for another type; it may still be a phone.
                phone = _PHONE_RE.match(text, start)
                if phone is not None and valid_phone(phone.group(), text, start, self.phones):
                    confirmed = ("PHONE", start, phone.end())
            if confirmed is None:
                continue
            kind, start, end = confirmed
            if not enabled(kind):
                continue
            if start < covered:
                if kind != "EMAIL":
                    continue
                # An email extends left over tokens already classified: it replaces them.
                findings = [f for f in findings if f.end <= start]
            score = self.settings.secret_score if kind == "SECRET" else 1.0
            findings.append(Finding(self.name, kind, start, end, score))
            covered = max(covered, end)
            position = max(position, covered)
        return findings

    def decide(self, findings: Sequence[Finding], text: str) -> Verdict:
        """Action if any finding reaches the threshold; redaction covers those findings."""
        if not findings:
            return self._clean
        hits = tuple(f for f in findings if f.score >= self.settings.threshold)
        score = max((f.score for f in findings), default=0.0)
        if not hits:
            return Verdict(self.name, tuple(findings), score, None)
        action = self.settings.action
        redacted = redact(text, hits) if action == "redact" else None
        return Verdict(self.name, tuple(findings), score, action, redacted)

    def check(self, text: str) -> Verdict:
        """Scan and decide in one call."""
        return self.decide(self.scan(text), text)


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding with ``[PII:TYPE]``; text between findings is untouched."""
    return redact_spans(text, findings, lambda f: f"[PII:{f.type}]")
