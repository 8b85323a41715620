"""Each upstream attempt, recorded for its CLIENT span, its metrics and one log line.

``traced(ctx, attempt)`` wraps the API layer's ``attempt(deployment)`` coroutine
(see ``routing/executor.py``): it appends an :class:`AttemptTrace` before the
call (so the ``traceparent`` sent upstream names this attempt's span), and
after it notes the end time, status and error class. A failed attempt is
logged exactly once here, with its number, deployment and error class, whether
it is retried, falls back, or reaches the client. Nothing is built or parsed
here: spans and metrics are made after the response (``spans.py``, ``genai.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from time import perf_counter
from urllib.parse import urlsplit

from routeiq.asgi.types import RequestContext
from routeiq.deployment import Deployment
from routeiq.errors import RouteIQError
from routeiq.llm.attempt import AttemptResult
from routeiq.routing.executor import Attempt
from routeiq.tracecontext import AttemptTrace

log = logging.getLogger("routeiq.upstream")

# litellm provider prefixes -> gen_ai.provider.name (GenAI semantic conventions'
# well-known values); anything else is reported under its own prefix.
PROVIDER_NAMES = {
    "openai": "openai",
    "azure": "azure.ai.openai",
    "azure_ai": "azure.ai.inference",
    "anthropic": "anthropic",
    "gemini": "gcp.gemini",
    "vertex_ai": "gcp.vertex_ai",
    "bedrock": "aws.bedrock",
    "cohere": "cohere",
    "mistral": "mistral_ai",
    "groq": "groq",
    "deepseek": "deepseek",
    "xai": "x_ai",
    "perplexity": "perplexity",
    "watsonx": "ibm.watsonx.ai",
}


@dataclass(frozen=True, slots=True)
class Peer:
    provider: str
    address: str
    port: int


_PEERS: dict[tuple[str, str, str], Peer] = {}
_MAX_PEERS = 4096


def peer(dep: Deployment) -> Peer:
    """The deployment's provider name and server address/port (computed once per deployment)."""
    key = (dep.id, dep.provider, dep.api_base)  # a deployment may be redefined at run time
    found = _PEERS.get(key)
    if found is not None:
        return found
    parts = urlsplit(dep.api_base)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    found = Peer(PROVIDER_NAMES.get(dep.provider, dep.provider), parts.hostname or "", port)
    if len(_PEERS) < _MAX_PEERS:
        _PEERS[key] = found
    return found


def traced(ctx: RequestContext, attempt: Attempt) -> Attempt:
    """``attempt`` with its trace record and its one failure log line."""
    trace = ctx.trace
    if trace is None:
        return attempt

    async def run(dep: Deployment) -> AttemptResult:
        p = peer(dep)
        rec = trace.begin_attempt(dep.id, dep.model_name, dep.upstream_model, p.provider)
        rec.server_address, rec.server_port = p.address, p.port
        try:
            result = await attempt(dep)
        except RouteIQError as err:  # an attempt may raise instead of returning its error
            result = AttemptResult(error=err)
        except BaseException:
            rec.ended = perf_counter()
            rec.error_type = "cancelled"
            raise
        rec.ended = perf_counter()
        rec.ttft = result.ttft
        # What the client got, by reference (spans and metrics are made after the response).
        rec.body, rec.first, rec.last, rec.usage = (
            result.body,
            result.first_block,
            result.last_block,
            result.usage,
        )
        failure = result.error
        if failure is not None:
            rec.status = failure.status
            rec.error_type = type(failure).__name__
            if failure.status != 499:  # the client went away: not an upstream failure
                _log_failure(ctx, rec, failure)
        else:
            rec.status = ctx.status or 200
        return result

    return run


def _log_failure(ctx: RequestContext, rec: AttemptTrace, err: RouteIQError) -> None:
    log.warning(
        "upstream attempt %d failed: deployment=%s model=%s error=%s status=%d: %s",
        len(ctx.trace.attempts),
        rec.deployment,
        rec.group,
        rec.error_type,
        err.status,
        err.message,
        extra={
            "attempt": len(ctx.trace.attempts),
            "deployment": rec.deployment,
            "error_type": rec.error_type,
            "status": err.status,
            "via": rec.via,
        },
    )
