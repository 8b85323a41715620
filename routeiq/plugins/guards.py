"""The built-in guardrails in the request path (I/O-free).

- ``GuardTable``: the guardrails effective for each (key, team), built once
  at start-up (compiling takes ~0.5-1.5 s per guardrail; never on the hot
  path). Identical effective settings share one guardrail, also across
  gateways in one process.
- ``message_slots``: the texts of a chat request (string contents and
  ``{"type": "text"}`` parts, every role: a forged "assistant" message can
  carry PII too; and an assistant's ``tool_calls`` arguments), each with where
  to write a redaction back.
- ``InputScan``: phase 1's outcome for the built-in guardrails (computed by
  ``input_scan.scan_input``: every guardrail on every text, through the
  ``VerdictCache``, the first guardrail in ``GUARD_ORDER`` that blocks wins).
- ``apply_redactions``: phase 2, in ``GUARD_ORDER`` (PII, content,
  injection): each redacting guardrail rewrites the text left by the
  previous one, so the result never depends on timing.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from hashlib import blake2b as _blake2b
from typing import Any

from routeiq.plugins.guardrails import (
    Action,
    Guardrail,
    GuardrailSettings,
    Verdict,
    VerdictCache,
    build_guardrail,
    message_digest,
    scan_messages,
)
from routeiq.plugins.settings import GuardrailsSection

Identity = tuple[str | None, str | None]  # (key name, team)

# Guardrails by (settings type, fingerprint), shared by every gateway in the
# process (tests start many). Read and written only on the trio thread (see
# ``GuardTable``); worker threads only compile, so no lock is needed.
_SHARED: OrderedDict[tuple[str, str], Guardrail] = OrderedDict()
_SHARED_MAX = 64


def _fingerprint(settings: GuardrailSettings) -> tuple[str, str]:
    return (type(settings).__name__, settings.fingerprint())


def _remember(fingerprint: tuple[str, str], guardrail: Guardrail) -> None:
    _SHARED[fingerprint] = guardrail
    _SHARED.move_to_end(fingerprint)
    if len(_SHARED) > _SHARED_MAX:
        _SHARED.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Guards:
    """The guardrails of one identity: ``input`` in GUARD_ORDER, ``output`` a subset."""

    input: tuple[Guardrail, ...] = ()
    output: tuple[Guardrail, ...] = ()
    #: Output guardrails whose action needs the response held (block, redact).
    enforce_output: bool = False
    #: Output guardrails whose action is ``redact``, in order.
    redact_output: tuple[Guardrail, ...] = ()
    #: Guardrail name -> the action taken on output instead of its own.
    output_actions: Mapping[str, Action] = field(default_factory=dict)
    #: The input guardrails' names and versions (keys ``prefix_scan.PrefixMemo``).
    key: bytes = field(init=False, default=b"")
    #: Whether an input guardrail judges texts by their role (``role_aware``).
    aware: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        names = "\x1f".join(f"{g.name}\x1e{g.version}" for g in self.input)
        object.__setattr__(self, "key", names.encode())
        object.__setattr__(self, "aware", role_aware(self.input))

    def on_output(self, verdict: Verdict) -> Verdict:
        """``verdict`` with the output action override applied (if it triggered)."""
        if verdict.action is None:
            return verdict
        action = self.output_actions.get(verdict.guardrail)
        if action is None or action == verdict.action:
            return verdict
        return replace(verdict, action=action, redacted=None)


class GuardTable:
    """Guards per (key, team); ``build`` compiles (run it in a worker thread)."""

    def __init__(self, section: GuardrailsSection, identities: Iterable[Identity]) -> None:
        self.section = section
        configured = section.configured()
        ids = {(None, None), *identities}
        for settings in configured.values():
            ids.update((None, team) for team in settings.team_overrides)
            ids.update((key, None) for key in settings.key_overrides)
        self.identities = sorted(ids, key=lambda i: (i[0] or "", i[1] or ""))
        self.configured = configured
        self.built = not configured
        self._table: dict[Identity, Guards] = {}

    def effective_settings(self) -> list[GuardrailSettings]:
        """Every distinct effective setting the identities need (cheap; no compiling)."""
        seen: dict[tuple[str, str], GuardrailSettings] = {}
        for key, team in self.identities:
            for settings in self.configured.values():
                effective = settings.resolve(key=key, team=team)
                if effective.enabled:
                    seen.setdefault(_fingerprint(effective), effective)
        return list(seen.values())

    def missing(self) -> list[GuardrailSettings]:
        """The settings whose guardrail is not compiled yet (call on the trio thread)."""
        return [s for s in self.effective_settings() if _fingerprint(s) not in _SHARED]

    @staticmethod
    def compile(settings: Sequence[GuardrailSettings]) -> list[Guardrail]:
        """Compile guardrails (blocking, pure: run it in a worker thread)."""
        return [build_guardrail(s) for s in settings]

    def build(self, compiled: Sequence[tuple[GuardrailSettings, Guardrail]] = ()) -> None:
        """Assemble every identity's guards; compiles inline whatever is still missing.

        The pipeline compiles in a worker thread first and passes the results,
        so this runs on the trio thread without blocking it.
        """
        have = {_fingerprint(s): g for s, g in compiled}
        todo = [s for s in self.effective_settings() if _fingerprint(s) not in have]
        known = [s for s in todo if _fingerprint(s) in _SHARED]
        have.update((_fingerprint(s), _SHARED[_fingerprint(s)]) for s in known)
        todo = [s for s in todo if _fingerprint(s) not in have]
        have.update((_fingerprint(s), g) for s, g in zip(todo, self.compile(todo), strict=True))
        for fingerprint, guardrail in have.items():
            _remember(fingerprint, guardrail)
        table: dict[Identity, Guards] = {}
        outputs = set(self.section.output.guardrails)
        overrides: dict[str, Action] = {k: v for k, v in self.section.output.actions.items()}
        for key, team in self.identities:
            inputs: list[Guardrail] = []
            out: list[Guardrail] = []
            redactors: list[Guardrail] = []
            enforce = False
            for name, settings in self.configured.items():
                effective = settings.resolve(key=key, team=team)
                if not effective.enabled:
                    continue
                guardrail = have[_fingerprint(effective)]
                inputs.append(guardrail)
                if name in outputs:
                    out.append(guardrail)
                    action = overrides.get(name, effective.action)
                    enforce = enforce or action in ("block", "redact")
                    if action == "redact":
                        redactors.append(guardrail)
            table[(key, team)] = Guards(
                tuple(inputs), tuple(out), enforce, tuple(redactors), dict(overrides)
            )
        self._table = table
        self.built = True

    def all(self) -> list[Guards]:
        """Every identity's guards (after ``build``)."""
        return list(self._table.values())

    def get(self, key: str | None, team: str | None) -> Guards:
        """The guards for a request (most specific identity known)."""
        table = self._table
        found = table.get((key, team)) or table.get((key, None)) or table.get((None, team))
        return found or table.get((None, None)) or Guards()


@dataclass(slots=True)
class Slot:
    """A text of the request and where it lives (``holder[field] == text``)."""

    holder: dict[str, Any]
    field: str
    text: str


def message_texts(request: dict[str, Any], roles: list[str | None] | None = None) -> list[str]:
    """Every text of ``request["messages"]``, in order (the hot path: no objects
    per text; ``message_slots`` finds the same texts again when one is rewritten).

    With ``roles``, each text's message role (None if missing) is appended to it.
    """
    messages = request.get("messages")
    if not isinstance(messages, list):
        return []
    texts: list[str] = []
    append = texts.append
    add_role = roles.append if roles is not None else None
    for message in messages:
        if type(message) is not dict:
            continue
        content = message.get("content")
        if type(content) is str and "tool_calls" not in message:
            # The common message, one string: no length bookkeeping (the general
            # code below gives the same texts and roles).
            if content:
                append(content)
                if add_role is not None:
                    role = message.get("role")
                    add_role(role if isinstance(role, str) else None)
            continue
        before = len(texts)
        if type(content) is str:
            if content:
                append(content)
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict):
                    text = part.get("text")
                    if isinstance(text, str) and text:
                        append(text)
        if "tool_calls" in message:  # (``in``: no method call on the 49 that have none)
            for fn in _called_functions(message["tool_calls"]):
                append(fn["arguments"])
        if roles is not None and len(texts) > before:
            role = message.get("role")
            roles.extend([role if isinstance(role, str) else None] * (len(texts) - before))
    return texts


def role_aware(guardrails: Sequence[Guardrail]) -> bool:
    """Whether any guardrail judges texts by their message role (injection)."""
    for guardrail in guardrails:  # (a loop: twice per request, no generator frame)
        if hasattr(guardrail, "role_kind"):
            return True
    return False


def _kinds(guardrail: Guardrail, roles: Sequence[str | None]) -> list[str] | None:
    role_kinds = getattr(guardrail, "role_kinds", None)
    if role_kinds is not None:
        return role_kinds(roles)  # type: ignore[no-any-return]
    role_kind = getattr(guardrail, "role_kind", None)
    return None if role_kind is None else [role_kind(r) for r in roles]


def message_slots(request: dict[str, Any]) -> list[Slot]:
    """The texts of ``message_texts`` (same order), each with where it lives."""
    slots: list[Slot] = []
    messages = request.get("messages")
    if not isinstance(messages, list):
        return slots
    for message in messages:
        content = message.get("content") if type(message) is dict else None
        if type(content) is str:
            if content:
                slots.append(Slot(message, "content", content))
        elif isinstance(content, list):
            for part in content:
                if isinstance(part, dict):
                    text = part.get("text")
                    if isinstance(text, str) and text:
                        slots.append(Slot(part, "text", text))
        calls = message.get("tool_calls") if type(message) is dict else None
        if calls:
            for fn in _called_functions(calls):
                slots.append(Slot(fn, "arguments", fn["arguments"]))
    return slots


def _called_functions(calls: Any) -> list[dict[str, Any]]:
    """The ``function`` objects of an assistant message's ``tool_calls`` whose
    ``arguments`` is a non-empty string: the model's earlier call, sent back by the
    client, is text too (an e-mail address in a tool's arguments is PII going
    upstream like one in the content); Messages' ``tool_use`` and Responses'
    ``function_call`` items arrive here as these."""
    out: list[dict[str, Any]] = []
    if not isinstance(calls, list):
        return out
    for call in calls:
        fn = call.get("function") if type(call) is dict else None
        if type(fn) is dict:
            arguments = fn.get("arguments")
            if type(arguments) is str and arguments:
                out.append(fn)
    return out


@dataclass(slots=True)
class InputScan:
    """Phase 1 of the built-in guardrails.

    ``block``: the first blocking verdict (None if nothing blocks);
    ``triggered``: every other verdict that decided an action;
    ``redact``: indices of the slots some guardrail wants redacted.
    """

    block: Verdict | None = None
    triggered: list[Verdict] = field(default_factory=list)
    redact: list[int] = field(default_factory=list)


def uncached(
    guardrails: Sequence[Guardrail],
    texts: Sequence[str],
    digests: Sequence[bytes],
    cache: VerdictCache,
    roles: Sequence[str | None] | None = None,
) -> list[tuple[int, int]]:
    """(guardrail index, text index) pairs the cache cannot answer (with ``roles``,
    texts a role-aware guardrail trusts are not asked for)."""
    lru = cache._messages  # read-only peek: no LRU touch, no counters
    missing: list[tuple[int, int]] = []
    for gi, guardrail in enumerate(guardrails):
        key = (guardrail.name, guardrail.version)
        kinds = _kinds(guardrail, roles) if roles is not None else None
        for ti, digest in enumerate(digests):
            if kinds is not None and kinds[ti] == "trusted":
                continue
            entry = lru.get(digest)
            if entry is None or key not in entry:
                missing.append((gi, ti))
    return missing


def check_pairs(
    guardrails: Sequence[Guardrail], texts: Sequence[str], pairs: Sequence[tuple[int, int]]
) -> list[Verdict]:
    """Pure checks, safe in a worker thread (the only shared state they touch,
    the PII guardrail's phone-verdict LRU, tolerates concurrent use)."""
    return [guardrails[gi].check(texts[ti]) for gi, ti in pairs]


def store_pairs(
    guardrails: Sequence[Guardrail],
    digests: Sequence[bytes],
    pairs: Sequence[tuple[int, int]],
    verdicts: Sequence[Verdict],
    cache: VerdictCache,
) -> None:
    """Put verdicts computed off the event loop into the cache (counted as scans)."""
    for (gi, ti), verdict in zip(pairs, verdicts, strict=True):
        guardrail = guardrails[gi]
        cache.put((guardrail.name, guardrail.version, digests[ti]), verdict)
    cache.scans += len(verdicts)


def apply_redactions(
    guardrails: Sequence[Guardrail],
    slots: Sequence[Slot],
    indices: Iterable[int],
    cache: VerdictCache,
    roles: Sequence[str | None] | None = None,
) -> int:
    """Rewrite the texts at ``indices`` in GUARD_ORDER; returns how many changed.

    With ``roles`` (one per slot), a role-aware guardrail leaves the texts it
    trusts alone and judges the others for their role."""
    changed = 0
    for index in indices:
        slot = slots[index]
        text = slot.text
        for guardrail in guardrails:
            verdict = scan_messages(guardrail, [text], cache)[0]
            kinds = _kinds(guardrail, [roles[index]]) if roles is not None else None
            if kinds is not None:
                verdict = guardrail.for_kind(verdict, kinds[0], text)  # type: ignore[attr-defined]
            if verdict.action == "redact" and verdict.redacted is not None:
                text = verdict.redacted
        if text != slot.text:
            slot.holder[slot.field] = text
            slot.text = text
            changed += 1
    return changed


def digests_of(texts: Sequence[str]) -> list[bytes]:
    return [message_digest(t) for t in texts]


class DigestMemo:
    """Recently seen text -> its ``message_digest``, so a conversation's history
    is not re-hashed on every turn.

    Keyed by the text itself: a hit is an exact string match (a dict lookup with
    a C string hash and compare, ~15x cheaper than blake2b here), so it can never
    return another text's digest. Bounded by entries and by total characters,
    evicting the oldest first; texts over ``max_text`` characters are not kept.
    """

    def __init__(
        self, max_entries: int = 20_000, max_chars: int = 4_000_000, max_text: int = 8192
    ) -> None:
        self.max_entries = max_entries
        self.max_chars = max_chars
        self.max_text = max_text
        self.chars = 0
        self._memo: OrderedDict[str, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._memo)

    def digests(self, texts: Sequence[str]) -> list[bytes]:
        """``message_digest`` of each text, from the memo where it has them; the
        new ones are remembered (then the oldest evicted past the bounds, once)."""
        memo = self._memo
        found = list(map(memo.get, texts))
        if None not in found:  # texts judged before, e.g. an answer pre-warmed
            return found  # type: ignore[return-value]
        max_text = self.max_text
        added = 0
        for index, digest in enumerate(found):
            if digest is not None:
                continue
            text = texts[index]
            digest = memo.get(text)  # (a text repeated in this request: memoised above)
            if digest is None:
                digest = _blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                if len(text) <= max_text:
                    memo[text] = digest
                    added += len(text)
            found[index] = digest
        if added:
            self.chars += added
            while len(memo) > self.max_entries or self.chars > self.max_chars:
                old, _ = memo.popitem(last=False)
                self.chars -= len(old)
        return found  # type: ignore[return-value]
