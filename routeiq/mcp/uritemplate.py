"""Matching a URI against an RFC 6570 URI template (I/O-free).

MCP resource templates (``note://alpha/items/{item}``) name families of
resources; ``resources/read`` of ``note://alpha/items/42`` must go to the
server that listed the template. Supported expressions:

- level 1, ``{var}``: one value without ``/``, ``?`` or ``#`` (simple
  expansion percent-encodes reserved characters, so a value never holds them);
- level 2, ``{+var}`` (reserved expansion): any characters but ``?`` and ``#``;
  ``{#var}`` (fragment): ``#`` and anything after it;
- level 3 query forms ``{?a,b}`` and ``{&a,b}``: an optional query part.

Anything else in braces makes the template unusable for matching
(:func:`compile_template` returns ``None``); it is still listed.
"""

from __future__ import annotations

import re

_EXPR = re.compile(r"\{([^{}]*)\}")
_VARNAME = re.compile(r"^[A-Za-z0-9_.%]+(?::[0-9]+|\*)?$")


def _piece(expr: str) -> str | None:
    op = expr[:1] if expr[:1] in "+#?&" else ""
    names = expr[len(op) :].split(",")
    if not names or not all(_VARNAME.match(n) for n in names):
        return None
    if op == "":
        return "[^/?#]+" if len(names) == 1 else "[^/?#]+(?:,[^/?#]+)*"
    if op == "+":
        return "[^?#]+"
    if op == "#":
        return "(?:#.*)?"
    if op == "?":
        return r"(?:\?[^#]*)?"
    return r"(?:&[^#]*)?"  # "&": a continuation of a query already in the template


def compile_template(template: str) -> re.Pattern[str] | None:
    """A regex matching the URIs ``template`` expands to (``None``: unsupported)."""
    out: list[str] = []
    pos = 0
    for m in _EXPR.finditer(template):
        out.append(re.escape(template[pos : m.start()]))
        piece = _piece(m.group(1))
        if piece is None:
            return None
        out.append(piece)
        pos = m.end()
    tail = template[pos:]
    if "{" in tail or "}" in tail:
        return None
    out.append(re.escape(tail))
    try:
        return re.compile("".join(out) + r"\Z")
    except re.error:
        return None


def matches(pattern: re.Pattern[str] | None, uri: str) -> bool:
    return pattern is not None and pattern.match(uri) is not None
