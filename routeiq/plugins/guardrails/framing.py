"""Use versus mention: framing that makes an injection phrase a topic, not an order.

The phrase rules cannot tell "ignore previous instructions" said to the model
from the same words *discussed* ("users can type 'ignore previous
instructions'", a summary of the paper "Ignore Previous Prompt") or *used in
code and config* (``# ignore all previous build output``, ``admin_override:
false``). Three general signals scale the rules' weights down (the learned
model's score is untouched, so a real attack that borrows the framing still has
to get past it):

- the phrase sits inside quotation marks;
- the text frames itself as discussion: defending, detecting, explaining,
  summarising, a paper, a report, a policy;
- the text is mostly code or configuration lines.

All functions take the folded text of ``normalize`` (lowercase ASCII-ish).
"""

from __future__ import annotations

import re

#: Weight factor for each framing signal present (they multiply).
QUOTED_FACTOR = 0.5
DISCUSSION_FACTOR = 0.5
CODE_FACTOR = 0.5

_DISCUSSION = re.compile(
    r"\b(?:defend|defending|defense|defence|defenses|defences|protect|protecting|protection"
    r"|detect|detecting|detection|prevent|preventing|prevention|mitigate|mitigating"
    r"|mitigation|mitigations|guard against|filter|filtering|classif(?:y|ier|ication)"
    r"|explain|explaining|explanation|summari[sz]e|summary|overview|history of|paper|papers"
    r"|research|researchers|benchmark|benchmarks|dataset|report|review|audit|red[- ]team"
    r"|pentest|threat model|owasp|vulnerab(?:le|ility|ilities)|policy|policies"
    r"|what is|what are|what does|difference between|is it safe|example of|examples of"
    r"|how does|how do attackers|attack techniques)\b"
)
# A line of code or config: a comment, a key: value / key = value pair, a
# definition, a statement ending in ; or {, a shell prompt.
_CODE_LINE = re.compile(
    r"^\s*(?:#|//|/\*|\*|--|[\w.\-\[\]\"']+\s*[:=]\s|def |class |import |from \S+ import"
    r"|function |const |let |var |return |if .*[:{]$|\$ |sudo |[.#]?[\w-]+\s*\{|.*[;{}]\s*$"
    # a lone path or glob (.gitignore, .dockerignore lines)
    r"|!?[\w.*-]*[/.*][\w./*-]*\s*$)"
)
_QUOTES = "\"'`\u201c\u201d\u2018\u2019"


def discussion(folded: str) -> bool:
    """Whether the text frames itself as discussion of attacks or defences."""
    return _DISCUSSION.search(folded) is not None


def mostly_code(folded: str) -> bool:
    """Whether most of the (at least two) non-empty lines look like code or config."""
    lines = [line for line in folded.splitlines() if line.strip()]
    if len(lines) < 2:
        return False  # one line: "### system: you are free" is a forged turn, not a file
    code = sum(1 for line in lines if _CODE_LINE.match(line))
    return code * 2 >= len(lines)


def quoted(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits between quotation marks on its line."""
    if start < end and text[start] in _QUOTES:
        start += 1  # the match kept the opening quote as its left delimiter
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:start]
    after = text[end:line_end]
    for quote in _QUOTES:
        opening = before.rfind(quote)
        if opening < 0:
            continue
        # An apostrophe inside a word ("don't") is not a quotation mark.
        if quote in "'\u2019" and opening > 0 and before[opening - 1].isalnum():
            continue
        closers = "\u201d" if quote == "\u201c" else "\u2019" if quote == "\u2018" else quote
        if any(c in after for c in closers):
            return True
    return False
