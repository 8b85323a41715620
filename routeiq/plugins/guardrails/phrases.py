"""Build one anchored regex from a table of weighted phrase patterns.

Shared by the injection and content guardrails. Patterns are written for the
folded text of ``normalize`` (lowercase, leetspeak and homoglyphs folded).

Speed, measured: a flat alternation of a few hundred phrases costs ~1 us per
position tried, far over budget. So (1) the combined pattern starts with one
character class, ``[^a-z0-9]`` (the separator before a word), which lets
Python's regex engine skip letters in C and try the phrases only at word
starts (the folded text gets a leading space so position 0 has one too); and
(2) the literal lead words of all phrases are merged into a trie, so at a
word start the engine tests one branch per distinct first letter instead of
every phrase. Each alternative ends in an empty named group that identifies
the phrase through ``m.lastgroup``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

#: Between two words: spaces, punctuation, up to a few characters.
S = r"[^a-z]{1,4}"


def words(*options: str) -> str:
    """A non-capturing alternation of literal options (spaces become ``S``)."""
    return "(?:" + "|".join(re.escape(o).replace(r"\ ", S) for o in options) + ")"


def opt(*options: str) -> str:
    """Zero or one of the options followed by a separator."""
    return f"(?:{words(*options)}{S})?"


@dataclass(frozen=True, slots=True)
class Phrase:
    """One weighted signal: any literal ``lead`` (a space matches ``S``)
    followed by the regex ``rest``."""

    id: str
    category: str
    weight: float
    rest: str
    leads: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """The compiled pattern plus the table to read its matches back."""

    regex: re.Pattern[str]
    by_group: dict[str, Phrase]


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    endings: list[tuple[float, str]] = field(default_factory=list)

    def emit(self) -> str:
        branches = [
            (S if char == " " else re.escape(char)) + child.emit()
            for char, child in self.children.items()
        ]
        # Only one alternative can match at a position: try the heaviest first,
        # so a weak phrase sharing the lead never hides a strong one.
        branches.extend(ending for _, ending in sorted(self.endings, key=lambda e: -e[0]))
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"


def compile_phrases(phrases: Sequence[Phrase], extra: Iterable[Phrase] = ()) -> PhraseSet:
    """One regex for all phrases; ``extra`` (from config) are plain regexes
    (their ``rest``) on the folded text, tried after the anchored part."""
    root = _Node()
    by_group: dict[str, Phrase] = {}
    for index, phrase in enumerate(phrases):
        group = f"p{index}"
        by_group[group] = phrase
        for lead in phrase.leads:
            node = root
            for char in lead:
                node = node.children.setdefault(char, _Node())
            marker = f"(?P<{group}_{len(node.endings)}_{id(node)}>)"
            node.endings.append((phrase.weight, f"{phrase.rest}{marker}"))
    parts = [f"[^a-z0-9]{root.emit()}"]
    for index, phrase in enumerate(extra):
        group = f"x{index}"
        by_group[group] = phrase
        parts.append(f"(?:{phrase.rest})(?P<{group}>)")
    regex = re.compile("|".join(parts))
    # Map every marker group back to its phrase ("p3_0_1402..." -> phrase p3).
    for name in regex.groupindex:
        if name.startswith("p"):
            by_group[name] = by_group[name.split("_", 1)[0]]
    return PhraseSet(regex, by_group)
