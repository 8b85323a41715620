"""Phase 1 of a conversation's next turn: the history's outcome, remembered whole.

The verdict cache (``guardrails/cache.py``) already spares the history a
rescan, but a cached turn still walks every earlier message. A chat client
resends the whole conversation every turn, so this turn's messages start with
the last turn's. ``PrefixMemo`` keeps the *combined* phase-1 outcome
(``InputScan``: nothing blocked, what triggered, which texts to redact) of each
conversation it saw, and the next turn scans only the messages after its
longest remembered prefix.

Recognising the prefix is the part every turn pays for the whole history, so
it is done in a few C-level passes over the message list (``message_keys``:
``map`` of ``dict.get``, no Python step per message) and one dict lookup per
tried length: the key is the tuple of the messages' raw roles and contents
themselves (a text is its own key, compared exactly on a hit: no digest and no
collision to reason about). Extracting texts, hashing them with blake2b and
folding them happens for the new messages only, and the history's triggered
verdicts are counted from a tally (``Remembered``), not walked. Measured with
``bench/guard_history_cost.py`` (a next turn whose new text is already judged,
histories of 10 to 200 messages, interleaved with the digest-keyed memo this
replaced): 0.38 us per earlier message before (texts, digests and roles of
every message, two blake2b keys), 0.18 us now, on a loaded 2-core machine.

What makes two keys equal makes the two messages' texts and roles equal
(``guards.message_texts``): a string content is the key (same string, same
text), any other message (content parts, ``tool_calls``, no content) is keyed
by the tuple of its texts, which never equals a string; a role compares as the
raw value (equal values give the same role or both none). A message that is not
a plain ``dict`` turns the memo off for that request (the walk skips those).

Only outcomes without a block are kept (a blocked request never becomes the
history of a next turn). A hit returns what a full scan would: the same
verdicts (they are a pure function of text, role and guardrail version), the
same redaction indices; ``triggered`` lists the history's verdicts first.
Pure and I/O-free; an LRU bounded by entries and by the characters it holds.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from routeiq.plugins.guards import InputScan, message_texts

#: Messages looked back for a remembered prefix: a turn usually adds the
#: assistant's reply and the next user message (2), sometimes tool calls and
#: their results too. (Named for texts when the memo was keyed by them.)
MAX_NEW_TEXTS = 6

Key = tuple[bytes, tuple[Any, ...], tuple[Any, ...]]

_get = dict.get
_has = dict.__contains__
_DICTS = {dict}
_STRS = {str}


@dataclass(slots=True)
class MessageKeys:
    """Per message of a request: its raw ``role`` and the ``key`` of its texts
    (see the module docstring); ``plain`` when every key is a string content."""

    roles: list[Any]
    keys: list[Any]
    plain: bool
    #: The characters the keys hold (-1: not counted yet; a next turn counts its
    #: new messages only, ``chars_from``).
    chars: int = -1

    def prefix(self, guards: bytes, count: int) -> Key:
        """The memo key of the first ``count`` messages under the guardrails ``guards``."""
        return (guards, tuple(self.roles[:count]), tuple(self.keys[:count]))

    def chars_from(self, start: int) -> int:
        """The characters the keys and roles of ``messages[start:]`` hold (a role
        is held as sent: a long one counts against the memo's bound too)."""
        keys = self.keys[start:] if start else self.keys
        roles = self.roles[start:] if start else self.roles
        try:
            chars = sum(map(len, roles))  # every role a string: one C pass
        except TypeError:
            chars = sum(len(r) for r in roles if type(r) is str)
        if self.plain:
            return chars + sum(map(len, keys))
        return chars + sum(len(k) if type(k) is str else sum(map(len, k)) for k in keys)


def message_keys(messages: Any) -> MessageKeys | None:
    """The ``MessageKeys`` of a request's ``messages`` list, or None when a message
    is not a plain dict (no memo then) or there is none."""
    if type(messages) is not list or not messages or set(map(type, messages)) != _DICTS:
        return None
    n = len(messages)
    roles = list(map(_get, messages, repeat("role", n)))
    contents: list[Any] = list(map(_get, messages, repeat("content", n)))
    if set(map(type, contents)) == _STRS and not any(map(_has, messages, repeat("tool_calls", n))):
        return MessageKeys(roles, contents, True)
    # Content parts, tool calls or no content somewhere (agent turns): those
    # messages are keyed by their texts (a tuple never equals a string content).
    keys: list[Any] = [
        content
        if type(content) is str and "tool_calls" not in message
        else tuple(message_texts({"messages": [message]}))
        for message, content in zip(messages, contents, strict=True)
    ]
    return MessageKeys(roles, keys, False)


@dataclass(slots=True)
class Remembered:
    """A remembered conversation's phase-1 outcome: the number of texts its
    messages hold (the next turn's text indices start there), the outcome, and
    how its triggered verdicts count (``tally``: (guardrail, action) -> verdicts;
    ``warned``: guardrails whose action was warn; ``loud``: any warn)."""

    texts: int
    scan: InputScan
    tally: dict[tuple[str, str], int] = field(default_factory=dict)
    warned: frozenset[str] = frozenset()
    loud: bool = False
    #: The characters of its messages' keys (set by ``PrefixMemo.put``).
    chars: int = 0

    @classmethod
    def of(cls, texts: int, scan: InputScan, history: Remembered | None) -> Remembered:
        """``scan`` (the history's verdicts first, then the new texts') remembered,
        its tally built on the history's (only the new verdicts are walked)."""
        fresh = scan.triggered
        if history is not None:
            fresh = fresh[len(history.scan.triggered) :]
            if not fresh:
                return cls(texts, scan, history.tally, history.warned, history.loud)
        elif not fresh:
            return cls(texts, scan)
        tally = dict(history.tally) if history is not None else {}
        get = tally.get
        for verdict in fresh:
            key = (verdict.guardrail, verdict.action or "none")
            tally[key] = get(key, 0) + 1
        warned = frozenset([g for g, action in tally if action == "warn"])
        return cls(texts, scan, tally, warned, bool(warned))


class PrefixMemo:
    """LRU of (guardrails, roles, message keys) -> ``Remembered``, at most
    ``max_entries`` conversations and ``max_chars`` characters of their texts.

    Beside it, how many entries start with each pair of first messages (a
    conversation's system prompt and first question, or its first exchange):
    a first turn, whose first two messages no entry starts with, is answered
    with one lookup instead of one per tried length (5 for 6 messages).
    """

    def __init__(self, max_entries: int = 20_000, max_chars: int = 8_000_000) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be >= 1")
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.chars = 0
        #: key -> (its characters, its ``_heads`` key, the outcome)
        self._entries: OrderedDict[Key, tuple[int, Key, Remembered]] = OrderedDict()
        self._heads: dict[Key, int] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def longest(self, guards: bytes, keys: MessageKeys) -> tuple[int, Remembered | None]:
        """(k, outcome of messages[:k]) for the longest remembered proper prefix
        among the last ``MAX_NEW_TEXTS`` lengths, or (0, None)."""
        n = len(keys.keys)
        lowest = max(n - 1 - MAX_NEW_TEXTS, 0)
        entries = self._entries
        try:
            highest = n - 1 if n < 3 or keys.prefix(guards, 2) in self._heads else 1
            for count in range(highest, lowest, -1):
                key = keys.prefix(guards, count)
                found = entries.get(key)
                if found is not None:
                    entries.move_to_end(key)
                    self.hits += 1
                    return count, found[2]
        except TypeError:  # an unhashable role (not a string): no memo
            pass
        self.misses += 1
        return 0, None

    def put(self, guards: bytes, keys: MessageKeys, outcome: Remembered) -> None:
        """Remember the outcome of all the messages (evicting the oldest past the caps)."""
        count = len(keys.keys)
        key = keys.prefix(guards, count)
        head = keys.prefix(guards, min(count, 2))
        chars = keys.chars if keys.chars >= 0 else keys.chars_from(0)
        outcome.chars = chars
        try:
            self._drop(self._entries.pop(key, None))
        except TypeError:
            return
        if chars > self.max_chars:
            return
        entries = self._entries
        entries[key] = (chars, head, outcome)
        heads = self._heads
        heads[head] = heads.get(head, 0) + 1
        self.chars += chars
        while len(entries) > self.max_entries or self.chars > self.max_chars:
            self._drop(entries.popitem(last=False)[1])

    def _drop(self, entry: tuple[int, Key, Remembered] | None) -> None:
        if entry is None:
            return
        chars, head, _ = entry
        self.chars -= chars
        left = self._heads[head] - 1
        if left:
            self._heads[head] = left
        else:
            del self._heads[head]

    def clear(self) -> None:
        self._entries.clear()
        self._heads.clear()
        self.chars = 0


def followed_by(history: InputScan, rest: InputScan, offset: int) -> InputScan:
    """The outcome of the history's texts followed by ``rest`` (whose indices start at
    ``offset``); the stored history is not modified."""
    redact = [*history.redact]
    if rest.redact:  # (most turns redact nothing new: no comprehension frame)
        redact += [offset + i for i in rest.redact]
    return InputScan(rest.block, [*history.triggered, *rest.triggered], redact)


def new_texts(
    messages: Any, keys: MessageKeys | None, start: int, roles: list[str | None] | None
) -> list[str]:
    """The texts of ``messages[start:]`` (``guards.message_texts``: anything but a
    list has none; their roles appended to ``roles``). When every message is a
    plain string content, its keys are its texts already."""
    if keys is None or not keys.plain:
        return message_texts({"messages": messages[start:] if start else messages}, roles)
    if start == len(keys.keys) - 1:  # a next turn's one new message: no comprehension
        text = keys.keys[start]
        if not text:
            return []
        if roles is not None:
            role = keys.roles[start]
            roles.append(role if type(role) is str else None)
        return [text]
    texts = [text for text in keys.keys[start:] if text]
    if roles is not None:
        if len(texts) == len(keys.keys) - start:  # no empty content: one role per message
            roles += [r if type(r) is str else None for r in keys.roles[start:]]
        else:
            pairs = zip(keys.keys[start:], keys.roles[start:], strict=True)
            roles += [r if type(r) is str else None for text, r in pairs if text]
    return texts
