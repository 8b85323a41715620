"""The current policy, and the rules file it reloads without a restart.

``PolicyEngine.policy`` is what the middleware consults: the inline rules
followed by the file's rules. It is None while a configured rules file has
never loaded (start-up failure); the middleware then applies
``failure_mode``. ``run`` (started in the lifespan nursery) loads the file
and then polls its signature (mtime, size, inode) every ``reload_seconds``;
a changed file is read and compiled in a worker thread and swapped in at
once (one assignment: requests see the old or the new rules, never a mix).
A broken file keeps the last good rules; the error is logged and counted
once per version of the file.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

import trio
import yaml
from pydantic import ValidationError

from routeiq.policy.rules import Policy, Rule, compile_rules
from routeiq.policy.settings import PolicySettings, RulesFile

log = logging.getLogger("routeiq.policy")

Signature = tuple[int, int, int]


class PolicyLoadError(Exception):
    """The rules file could not be read, parsed or validated."""


def file_signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise PolicyLoadError(f"cannot stat {path}: {exc.strerror or exc}") from None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def load_rules_file(path: str, max_bytes: int) -> RulesFile:
    """Read and validate a rules file (blocking; run it in a thread)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise PolicyLoadError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise PolicyLoadError(f"{path} is larger than {max_bytes} bytes")
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise PolicyLoadError(f"{path}: invalid YAML: {exc}") from None
    if data is None:
        data = {}
    if isinstance(data, list):
        data = {"rules": data}
    try:
        return RulesFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            ".".join(str(p) for p in e["loc"]) + f": {e['msg']}" for e in exc.errors()
        )
        raise PolicyLoadError(f"{path}: {problems}") from None


class PolicyEngine:
    """Holds the current ``Policy``; see the module docstring."""

    def __init__(self, settings: PolicySettings) -> None:
        self.settings = settings
        self.active = settings.active
        self.inline: list[Rule] = compile_rules(settings.rules, "routeiq.policy.rules")
        self.policy: Policy | None = None
        if settings.rules_file is None:
            self.policy = Policy(self.inline, settings.default_action)
        self.signature: Signature | None = None
        self._failed: Signature | None = None
        self.loads = 0
        self.load_errors = 0
        self.last_error: str | None = None
        #: ("allow" | "deny" | "unavailable_allow" | "unavailable_deny", rule) -> count
        self.decisions: Counter[tuple[str, str]] = Counter()
        #: ("policy", rule, "request", ctx) of each denial (routeiq.blocklog)
        self.on_block: Callable[[str, str, str, Any], None] | None = None

    def install(self, rules: RulesFile, signature: Signature | None = None) -> Policy:
        """Compile the file's rules after the inline ones and make them current."""
        default = rules.default_action or self.settings.default_action
        policy = Policy([*self.inline, *compile_rules(rules.rules, "rules_file")], default)
        self.policy = policy
        self.signature = signature
        self._failed = None
        self.loads += 1
        self.last_error = None
        return policy

    def _read(self, path: str) -> tuple[Signature | None, RulesFile | None, str | None]:
        """(signature, new rules or None if unchanged, error): blocking, in a thread."""
        try:
            signature = file_signature(path)
        except PolicyLoadError as exc:
            return None, None, str(exc)
        if signature == self.signature or signature == self._failed:
            return signature, None, None
        try:
            rules = load_rules_file(path, self.settings.max_file_bytes)
        except PolicyLoadError as exc:
            return signature, None, str(exc)
        try:
            if file_signature(path) != signature:
                return None, None, None  # changed while we read it: take it next poll
        except PolicyLoadError as exc:
            return None, None, str(exc)
        return signature, rules, None

    async def reload(self) -> bool:
        """Load the rules file if it changed; True when new rules were installed."""
        path = self.settings.rules_file
        if path is None:
            return False
        signature, rules, error = await trio.to_thread.run_sync(self._read, path)
        if error is not None:
            self._failure(signature, error)
            return False
        if rules is None:
            return False
        self.install(rules, signature)
        log.info("policy: loaded %d rules from %s", len(rules.rules), path)
        return True

    def _failure(self, signature: Signature | None, message: str) -> None:
        if signature is None and message == self.last_error:
            return  # still missing: counted once
        self.load_errors += 1
        self.last_error = message
        self._failed = signature
        keeping = (
            "keeping the last good rules" if self.policy is not None else self.settings.failure_mode
        )
        log.error("policy: %s (%s)", message, keeping)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Load the rules file, then poll it for changes until cancelled."""
        if self.settings.rules_file is None:
            task_status.started()
            return
        await self.reload()
        task_status.started()
        while True:
            await trio.sleep(self.settings.reload_seconds)
            await self.reload()


def bind_metrics(engine: PolicyEngine, meter: object) -> None:
    """Export decisions and file loads as OpenTelemetry observable counters."""
    from opentelemetry.metrics import CallbackOptions, Meter, Observation

    assert isinstance(meter, Meter)

    def decisions(options: CallbackOptions) -> list[Observation]:
        return [
            Observation(n, {"decision": d, "rule": rule})
            for (d, rule), n in engine.decisions.items()
        ]

    def loads(options: CallbackOptions) -> list[Observation]:
        return [
            Observation(engine.loads, {"event": "loaded"}),
            Observation(engine.load_errors, {"event": "error"}),
        ]

    meter.create_observable_counter(
        "routeiq.policy.decisions", callbacks=[decisions], description="Policy decisions by rule."
    )
    meter.create_observable_counter(
        "routeiq.policy.loads", callbacks=[loads], description="Rules file loads and load errors."
    )
