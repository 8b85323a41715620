"""Logging: JSON or text lines that carry the request id and trace id, keys masked.

``setup_logging(fmt, level)`` installs one handler on the root logger. Every
record written while a request is served (the request is in a context
variable set at arrival, inherited by the tasks it starts) carries
``request_id`` and ``trace_id``. Secrets never reach a line: bearer tokens,
``sk-...`` style keys and ``api_key``-like fields are masked to their first
four characters in the final text, whatever logger wrote it.

The access log (``routeiq.access``, one line per request after its response:
method, path, status, duration, model, deployment, key alias, tokens, cost)
is ``off``, ``on`` or ``sampled`` (``telemetry.access_log`` and
``telemetry.access_log_sample_rate``); 5xx responses are always logged when
sampling.
"""

from __future__ import annotations

import logging
import random
import re
import sys
import time
from contextvars import ContextVar
from typing import Any

import orjson

access_log = logging.getLogger("routeiq.access")

# The request being served by the current task (its RequestContext), set once at
# arrival (asgi/request_id.py); trio tasks started while serving it inherit it.
# Here, not in routeiq.telemetry, so that the CLI sets up logging before any heavy import.
CURRENT: ContextVar[Any] = ContextVar("routeiq_request", default=None)

_SECRET = re.compile(
    r"(?P<pre>\b(?:Bearer|Basic)\s+|\b(?:sk|pk|rk|ak)-|"
    r"(?:api[_-]?key|x-api-key|authorization|password|secret|token)[\"']?\s*[:=]\s*[\"']?)"
    r"(?P<val>[A-Za-z0-9._~+/=-]{4})(?P<rest>[A-Za-z0-9._~+/=-]{4,})",
    re.IGNORECASE,
)
# Standard LogRecord attributes: everything else a caller passed in ``extra`` is a field.
_STANDARD = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


# Literal markers, one of which every match of _SECRET contains: a few substring
# checks (~2 us a line) spare most lines the regex (~70 us on a 200-character line).
_MARKERS = (
    "sk-", "pk-", "rk-", "ak-", "bearer", "basic", "api_key", "api-key", "apikey",
    "authorization", "password", "secret", "token\"", "token'", "token=", "token:", "token ",
)  # fmt: skip


def mask_secrets(text: str) -> str:
    """Keep a secret's first four characters, mask the rest."""
    lower = text.lower()
    if not any(m in lower for m in _MARKERS):
        return text
    return _SECRET.sub(lambda m: m.group("pre") + m.group("val") + "****", text)


class RequestFilter(logging.Filter):
    """Stamps each record with the current request's id and trace id (if any)."""

    def filter(self, record: logging.LogRecord) -> bool:
        ctx = CURRENT.get()
        if ctx is not None:
            if not hasattr(record, "request_id"):
                record.request_id = ctx.request_id
            trace = ctx.trace
            if trace is not None and not hasattr(record, "trace_id"):
                record.trace_id = trace.trace_id_hex
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": _iso(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        line = orjson.dumps(out, default=str).decode("utf-8")
        return mask_secrets(line)


def one_line(text: str) -> str:
    """``text`` with its non-printable characters (CR, LF, NUL, U+2028...) escaped as
    ``\\r``, ``\\x00``...: a path or key alias a client chose cannot forge a log line.
    Printable text (the usual case, one C-level check) is returned as it is."""
    if text.isprintable():
        return text
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        msg = one_line(record.getMessage())
        line = f"{_iso(record.created)} {record.levelname} {record.name}: {msg}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        rid = getattr(record, "request_id", None)
        if rid is not None:
            tid = getattr(record, "trace_id", None)
            line += f" [request_id={rid}" + (f" trace_id={tid}]" if tid else "]")
        return mask_secrets(line)


_second: list[Any] = [-1, ""]  # the last whole second formatted, and its text


def _iso(ts: float) -> str:
    """UTC ISO 8601 with milliseconds; strftime once a second, not once a line."""
    sec = int(ts)
    if sec != _second[0]:
        _second[0], _second[1] = sec, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sec))
    return f"{_second[1]}.{int(ts * 1000) % 1000:03d}Z"


def setup_logging(fmt: str = "text", level: str = "INFO") -> None:
    """One stderr handler on the root logger, JSON or text, with request ids and masking."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(RequestFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # No line prints thread or process names: do not look them up for every record.
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False


class AccessLog:
    """Decides whether a request gets an access line, and writes it."""

    def __init__(self, mode: str = "on", sample_rate: float = 0.1, seed: int | None = None) -> None:
        self.mode = mode
        self.sample_rate = sample_rate
        self._rng = random.Random(seed)

    def wanted(self, status: int) -> bool:
        if self.mode == "off":
            return False
        if self.mode == "on" or status >= 500:
            return True
        return self._rng.random() < self.sample_rate

    def write(self, method: str, path: str, ctx: Any, elapsed: float) -> None:
        status = ctx.status or 0
        if not self.wanted(status) or not access_log.isEnabledFor(logging.INFO):
            return
        usage = ctx.usage or {}
        pt, ct = usage.get("prompt_tokens"), usage.get("completion_tokens")
        fields = {
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round(elapsed * 1000.0, 3),
            "model": ctx.model,
            "deployment": ctx.deployment,
            "key_alias": ctx.key_name,
            "input_tokens": pt,
            "output_tokens": ct,
            "cost_usd": ctx.cost,
            "attempts": ctx.attempts,
        }
        # makeRecord + handle: what Logger.info does, less its walk up the stack to
        # find the caller (a third of the cost of a line).
        record = access_log.makeRecord(
            access_log.name,
            logging.INFO,
            __file__,
            0,
            "%s %s %d %.1fms model=%s deployment=%s key=%s tokens=%s/%s cost=%s",
            (method, path, status, elapsed * 1000.0, ctx.model, ctx.deployment, ctx.key_name,
             pt, ct, ctx.cost),
            None,
            extra=fields,
        )  # fmt: skip
        access_log.handle(record)
