"""Is this digit group a phone number? Asked of the countries' numbering plans.

Shape rules ("NANP dashes", "a trunk 0") fitted our own look-alikes and not
anybody else's: a SKU ``88-4410-27`` or a member id ``2023-114-0087`` is a
dashed digit group like any phone number. Google's numbering-plan metadata
(the ``phonenumbers`` package, Apache-2.0) knows which digit strings are
assigned numbers in a country and how that country writes them, so a
candidate is a phone number when

- written with ``+`` or ``00``: it is a valid number of its country code (or,
  with ``+`` and ``accept_possible``, one of a possible length);
- written nationally: it is a valid number of one of the configured regions
  *and* its separators fall where that region's own formats put group
  boundaries (merging groups is allowed: ``0161 4960066`` for
  ``0161 496 0066``), a bare run of digits only when it starts with the
  region's trunk prefix.

A number of one of a region's lengths in no grouping of that region is
``POSSIBLE`` (assigned or not): the caller accepts it only after a phone word
("call me on"). With ``accept_possible`` an unassigned number of a
possible length (Faker's random area codes) still counts when it carries a mark
no identifier uses (``+``/``00``, an area code in parentheses) and its grouping is
the region's; written exactly in a region's grouping without such a mark it is
``POSSIBLE_GROUPED``, which the caller may accept.

Cost: a candidate may be tried against every region; with the numbers built
directly (``phonenumbers.parse`` alone is ~30 us) and each region's lengths and
region-wide pattern checked first, a new candidate costs 15 us p50 / 106 us p99
(``bench/pii_phone_cost.py``, loaded 2-core machine). Verdicts are cached per
candidate string in a bounded LRU; every region's metadata is loaded and the
configured regions' patterns compiled in ``__init__`` (start-up), not on the
first request.
"""

from __future__ import annotations

import enum
import re
from collections import OrderedDict
from collections.abc import Sequence

import phonenumbers
from phonenumbers import (
    COUNTRY_CODE_TO_REGION_CODE,
    PhoneMetadata,
    PhoneNumber,
    PhoneNumberFormat,
    PhoneNumberType,
)

#: The regions tried for numbers written without ``+``: where most of the
#: gateway's traffic is expected to come from. A setting of the PII guardrail.
DEFAULT_REGIONS: tuple[str, ...] = (
    "US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "BR", "JP", "AU", "PL", "SE", "CH", "MX",
)  # fmt: skip

SUPPORTED_REGIONS: frozenset[str] = frozenset(phonenumbers.SUPPORTED_REGIONS)

#: One national format of a region: leading digits, the NSN's groups, whether
#: its national form dials the trunk prefix, and whether it must.
_Format = tuple[re.Pattern[str] | None, re.Pattern[str], bool, bool]

_SEPARATORS = re.compile(r"[^0-9]+")
_TRUNK_IN_INTERNATIONAL = re.compile(r"\(0\)")


class Verdict(enum.IntEnum):
    """How much the numbering plans vouch for a candidate (higher is stronger)."""

    NO = 0
    #: A number of a possible length for a region, not an assigned one, in no
    #: grouping of that region: a phone number only after a phone word.
    POSSIBLE = 1
    #: (Unused since grouping is checked before validity: a number in no
    #: region's grouping is ``POSSIBLE`` whether assigned or not.)
    LOOSE = 2
    #: A number of a possible length, not assigned, written exactly as the
    #: region writes its numbers but with no mark of a phone number ("+",
    #: parentheses): Faker's "852.669.1595". Accepted with ``accept_grouped_possible``.
    POSSIBLE_GROUPED = 3
    #: A phone number as written.
    YES = 4


def _boundaries_from_end(groups: Sequence[str]) -> frozenset[int]:
    """Positions of the group boundaries, counted in digits from the end."""
    out: set[int] = set()
    remaining = sum(len(g) for g in groups)
    for group in groups[:-1]:
        remaining -= len(group)
        out.add(remaining)
    return frozenset(out)


def _with_nsn(country_code: int, nsn: str) -> PhoneNumber:
    """The number as phonenumbers.parse would build it, without its ~30 us of parsing."""
    number = PhoneNumber(country_code=country_code, national_number=int(nsn))
    if nsn[0] == "0":
        number.italian_leading_zero = True
        zeros = len(nsn) - len(nsn.lstrip("0"))
        if zeros > 1:
            number.number_of_leading_zeros = zeros
    return number


def _international(digits: str) -> PhoneNumber | None:
    """Country code (1-3 digits, prefix-free) and NSN of digits written after "+"."""
    for size in (1, 2, 3):
        code = int(digits[:size] or "0")
        if code in COUNTRY_CODE_TO_REGION_CODE:
            nsn = digits[size:]
            return _with_nsn(code, nsn) if 2 <= len(nsn) <= 17 else None
    return None


def _possible(number: PhoneNumber) -> bool:
    """A full national length for the country (not a local-only short form)."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    return bool(reason == phonenumbers.ValidationResult.IS_POSSIBLE)


def _merged(written: frozenset[int], allowed: frozenset[int]) -> bool:
    """The written boundaries are the format's first ones, the rest merged:
    "0161 4960066" for "0161 496 0066", but not "021631-6341" for "02 16 31 63 41"."""
    return written == frozenset(sorted(allowed, reverse=True)[: len(written)])


class PhoneJudge:
    """Numbering-plan verdicts for phone candidates, cached per candidate string."""

    def __init__(
        self,
        regions: Sequence[str] = DEFAULT_REGIONS,
        *,
        accept_possible: bool = True,
        accept_grouped_possible: bool = False,
        cache_size: int = 4096,
    ) -> None:
        self.regions = tuple(r.upper() for r in regions)
        self.accept_possible = accept_possible
        #: The weakest verdict accepted without a phone word.
        self.accept_at = Verdict.POSSIBLE_GROUPED if accept_grouped_possible else Verdict.YES
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Verdict] = OrderedDict()
        # phonenumbers loads a region's metadata on first use (~1-4 ms each):
        # load them all now so no request pays for it.
        PhoneMetadata.load_all()
        self._prefixes: dict[str, str] = {}
        #: region -> (country code, trunk prefix, possible NSN lengths, NSN pattern)
        self._plans: dict[str, tuple[int, str, frozenset[int], re.Pattern[str]]] = {}
        self._formats: dict[str, list[_Format]] = {}
        for region in self.regions:
            metadata = PhoneMetadata.metadata_for_region(region)
            if metadata is None:
                raise ValueError(f"unknown phone region {region!r}")
            prefix = metadata.national_prefix or ""
            self._prefixes[region] = prefix
            desc = metadata.general_desc
            lengths = frozenset(desc.possible_length or ()) if desc else frozenset()
            pattern = re.compile((desc.national_number_pattern if desc else None) or "(?!)")
            self._plans[region] = (metadata.country_code or 0, prefix, lengths, pattern)
            formats: list[_Format] = []
            for fmt in metadata.number_format:
                if fmt.pattern is None:
                    continue
                leading = fmt.leading_digits_pattern
                rule = fmt.national_prefix_formatting_rule or ""
                # "0\\1": the national format dials the trunk prefix before the first group.
                dials_trunk = bool(prefix) and prefix in rule.split("\\1", 1)[0]
                formats.append(
                    (
                        re.compile(leading[-1]) if leading else None,
                        re.compile(fmt.pattern),
                        dials_trunk,
                        dials_trunk and not fmt.national_prefix_optional_when_formatting,
                    )
                )
            self._formats[region] = formats

        self._warm()

    def _warm(self) -> None:
        """Judge each region's example numbers once: phonenumbers compiles a
        region's patterns on first use (up to ~4 ms for a candidate), which
        belongs to start-up, not to the first request that writes such a number."""
        for region in self.regions:
            for kind in (PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE):
                example = phonenumbers.example_number_for_type(region, kind)
                if example is None:
                    continue
                for style in (PhoneNumberFormat.NATIONAL, PhoneNumberFormat.E164):
                    self._judge(phonenumbers.format_number(example, style))

    def __len__(self) -> int:
        return len(self._cache)

    def clear(self) -> None:
        """Forget every cached verdict (benchmarks time cold candidates with it)."""
        self._cache.clear()

    def judge(self, candidate: str) -> Verdict:
        """The verdict for ``candidate`` (extension already removed)."""
        # The pipeline scans long inputs in a worker thread while the loop scans
        # short ones: each OrderedDict call is atomic under the GIL, and an entry
        # another thread evicted in between is no error (no lock on the hot path).
        cached = self._cache.get(candidate)
        if cached is not None:
            try:
                self._cache.move_to_end(candidate)
            except KeyError:
                pass
            return cached
        verdict = self._judge(candidate)
        self._cache[candidate] = verdict
        while len(self._cache) > self.cache_size:
            try:
                self._cache.popitem(last=False)
            except KeyError:
                break
        return verdict

    def _judge(self, candidate: str) -> Verdict:
        text = candidate.strip()
        if text.startswith("(+") and ")" in text:
            text = "+" + text[2:].replace(")", " ", 1)  # "(+57)3142555034"
        international = text.startswith("+") or (text.startswith("00") and text[2:3] != "0")
        if international:
            digits = _SEPARATORS.sub("", _TRUNK_IN_INTERNATIONAL.sub("", text))
            if text.startswith("00"):
                digits = digits[2:]
            number = _international(digits)
            if number is None:
                return Verdict.NO
            if phonenumbers.is_valid_number(number):
                return Verdict.YES
            if not _possible(number):
                return Verdict.NO
            # "+", a country code and a possible length: no identifier is written so.
            return Verdict.YES if self.accept_possible and text[0] == "+" else Verdict.POSSIBLE
        groups = [g for g in _SEPARATORS.split(text) if g]
        digits = "".join(groups)
        best = Verdict.NO
        marked = "(" in text
        for region in self.regions:
            country_code, prefix, lengths, general = self._plans[region]
            # The national significant number: without the trunk prefix when the
            # text dials one, else the digits as written. Built directly rather than
            # by phonenumbers.parse (~30 us a region, most of the cost); a region
            # whose lengths cannot hold it is skipped before any validation.
            options = [digits[len(prefix) :]] if prefix and digits.startswith(prefix) else []
            options.append(digits)
            for nsn in options:
                if len(nsn) not in lengths:
                    continue
                # Grouping first (the region's own format patterns): validation
                # (~25 us: every number type's pattern) only matters for a number
                # written as the region writes it. Ungrouped, a number of one of
                # the region's lengths is possible, whatever its validity, and the
                # caller accepts either only after a phone word.
                if len(groups) == 1:
                    # A bare digit run is a phone number when dialled with the trunk prefix.
                    grouped = bool(prefix) and len(nsn) < len(digits)
                else:
                    grouped = self._grouped_like(groups, nsn, region)
                if not grouped:
                    best = max(best, Verdict.POSSIBLE)
                    continue
                number = _with_nsn(country_code, nsn)
                # The region-wide pattern, one C regex, rules most numbers out
                # before the full per-type validation.
                if general.fullmatch(nsn) is not None and (
                    phonenumbers.is_valid_number_for_region(number, region)
                ):
                    return Verdict.YES
                if self.accept_possible and marked:
                    return Verdict.YES
                if len(groups) > 1:
                    best = max(best, Verdict.POSSIBLE_GROUPED)
        return best

    def _grouped_like(self, written: list[str], nsn: str, region: str) -> bool:
        """Do the written groups' boundaries fall where the region's formats put them?

        Boundaries are counted from the end, so a prefix (trunk "0", "1") in
        front of the national significant number (NSN) lines up. A format whose
        rule dials the trunk prefix ("0\\1": "020 7946 0958") needs it, and then
        groups may be merged ("0161 4960066"); a prefix the format does not
        attach must stand apart ("1-415-555-0132", not "1415-555-0132"), and
        without a trunk prefix the grouping is exact: "617387-4589" is not
        "617 387 4589".
        """
        wanted = _boundaries_from_end(written)
        prefix = self._prefixes[region]
        extra = sum(len(g) for g in written) - len(nsn)
        trunk_written = bool(prefix) and extra == len(prefix) and written[0].startswith(prefix)
        for leading, pattern, dials_trunk, needs_trunk in self._formats[region]:
            if leading is not None and leading.match(nsn) is None:
                continue
            match = pattern.fullmatch(nsn)
            if match is None:
                continue
            allowed = _boundaries_from_end([g for g in match.groups() if g])
            if dials_trunk and trunk_written and _merged(wanted - {len(nsn)}, allowed):
                return True
            if needs_trunk:
                continue
            if extra > 0 and len(nsn) not in wanted:
                continue  # "1415-555-0132": the prefix glued to the area code
            if wanted - {len(nsn)} == allowed:
                return True
        return False
