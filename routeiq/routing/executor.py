"""One request through the router: affinity -> breaker filter -> strategy ->
attempt, then retries and fallbacks under the request's one deadline.

``route_and_call`` drives an ``attempt(deployment)`` coroutine supplied by the
caller (the API layer wraps ``Exchange.run``). ``attempt`` returns the whole
outcome, an :class:`~routeiq.llm.attempt.AttemptResult`:

- ``error`` set and ``started`` false: nothing reached the client; the error
  (the real one, as mapped at the upstream boundary) decides retry, fallback
  and the breaker. Raising a :class:`~routeiq.errors.RouteIQError` means the same;
- ``started`` true: the response began; whatever ``error`` says (told to the
  client in-band), it is never retried, and it counts for the deployment by
  the error's own class.

Cancellation (client gone, shutdown) propagates untouched: in-flight counts
and half-open probe slots are released in ``finally`` blocks, and a cancelled
attempt is not held against the deployment. Backoff waits are ``trio.sleep``
calls, so they are cancellable and exact under the autojump clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import trio

from routeiq.deployment import Deployment
from routeiq.errors import BadRequest, ClientClosed, RouteIQError, UpstreamTimeout
from routeiq.llm.attempt import AttemptResult
from routeiq.routing.affinity import AffinityRecord, response_key
from routeiq.routing.retry import (
    ErrorKind,
    backoff_delay,
    breaker_outcome,
    classify,
    decide_retry,
    may_fall_back,
    retry_after_seconds,
)
from routeiq.routing.router import Router


@dataclass(slots=True)
class RouteRequest:
    """What routing needs to know about one request."""

    model: str
    stream: bool = False
    affinity_key: str | None = None
    tags: frozenset[str] | None = None  # metadata.tags / x-litellm-tags (tag filtering)
    tokens: int | None = None  # estimated prompt tokens (pre-call checks)
    # Model groups to fall back to, in order, instead of the configured chain
    # (a learned route's next-best candidates).
    fallbacks: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One try: which deployment, its model group, the status it ended with."""

    deployment: str
    model: str
    status: int
    elapsed: float
    via: str  # "affinity", "strategy", "retry", "fallback" or "context_fallback"


@dataclass(slots=True)
class Outcome:
    deployment: Deployment
    result: AttemptResult
    attempts: list[AttemptRecord] = field(default_factory=list)


Attempt = Callable[[Deployment], Awaitable[AttemptResult]]


async def _affinity_target(
    router: Router, request: RouteRequest
) -> tuple[Deployment | None, AffinityRecord | None]:
    key = request.affinity_key
    if key is None or not router.settings.affinity.enabled:
        return None, None
    record = await router.affinity.lookup(key)
    if record is None:
        return None, None
    dep = router.by_id.get(record.deployment)
    # Removed from the config, moved to another group, or its breaker is open:
    # route normally (the answer re-records the conversation).
    if dep is None or dep.model_name != request.model:
        return None, record
    if not router.breakers.available(dep.id, router.clock()):
        return None, record
    return dep, record


async def _pick(router: Router, model: str, request: RouteRequest, avoid: set[str]) -> Deployment:
    group = router.candidates(model, request.tags, request.tokens)
    if router.usage_based and len(group) > 1:
        await router.load_usage(group)
    return router.pick(group, stream=request.stream, avoid=avoid)


async def _call(
    router: Router, dep: Deployment, attempt: Attempt, t0: float
) -> tuple[AttemptResult, float]:
    """One attempt with its bookkeeping (in-flight, breaker, latency); returns
    the result (an error raised by ``attempt`` becomes one) and the time it ended."""
    stats = router.stats[dep.id]
    if router.usage_based:
        await router.count_usage(dep.id, requests=1)
    ticket = router.breakers.admit(dep.id, t0)
    stats.in_flight += 1
    outcome: bool | None = None  # None: not the deployment's fault (or cancelled)
    ended: float | None = None
    try:
        try:
            result = await attempt(dep)
        except RouteIQError as err:
            err.__traceback__ = None  # kept in the result: no frame <-> error cycle
            result = AttemptResult(error=err)
        ended = router.clock()
        if result.error is None:
            outcome = True
            stats.observe(ended - t0, router.settings.latency_alpha, ttft=result.ttft)
        else:
            outcome = breaker_outcome(classify(result.error))
        return result, ended
    finally:
        stats.in_flight -= 1
        if ended is None:  # cancelled, or an unexpected exception
            ended = router.clock()
        router.breakers.end(dep.id, outcome, ended, ticket)


async def _after_success(
    router: Router,
    request: RouteRequest,
    dep: Deployment,
    result: AttemptResult,
    record: AffinityRecord | None,
) -> None:
    aff = router.settings.affinity
    if aff.enabled:
        key = request.affinity_key
        # A conversation key slides its TTL every turn; a response-id key is
        # only rewritten if the conversation moved to another deployment.
        if key is not None and (
            key.startswith("c:") or record is None or record.deployment != dep.id
        ):
            await router.write(router.affinity.record, key, dep.id, dep.model_name)
        if aff.record_responses and result.response_id:
            rkey = response_key(result.response_id, max_chars=aff.max_key_chars)
            if rkey is not None:
                await router.write(router.affinity.record, rkey, dep.id, dep.model_name)
    if router.usage_based and result.tokens:
        await router.count_usage(dep.id, tokens=result.tokens)


def request_budget(group: Sequence[Deployment], default: float, cap: float, stream: bool) -> float:
    """Seconds one request may take in all, retries and fallbacks included.

    The documented ``timeout`` (a deployment's own, else ``router_settings``)
    is the whole request's deadline, not each attempt's: the group's longest
    one, never more than ``cap`` (``routeiq.server.request_timeout``)."""
    longest = 0.0
    for dep in group:
        longest = max(longest, (dep.stream_timeout if stream else None) or dep.timeout or default)
    return min(cap, longest or default)


def summarise_failure(
    err: RouteIQError, attempts: Sequence[AttemptRecord], elapsed: float, budget: float
) -> RouteIQError:
    """The final error, saying what happened: how many attempts over how long.

    Past the deadline it is a 504 that names the deadline; otherwise the last
    attempt's own error (same status, same object) with the count appended."""
    n = len(attempts)
    if n == 0:
        return err
    tries = f"{n} attempt{'s' if n > 1 else ''} in {elapsed:.1f} s"
    if elapsed >= budget:
        msg = (
            f"No deployment answered within the request deadline of {budget:.3g} s "
            f"({tries}); last error: {err.message}"
        )
        return UpstreamTimeout(msg)
    if n == 1:
        return err
    err.message = f"{err.message} ({tries})"  # this request's own error object
    err.args = (err.message,)
    return err


async def route_and_call(
    router: Router,
    request: RouteRequest,
    attempt: Attempt,
    *,
    deadline: float,
) -> Outcome:
    """Route ``request`` and call ``attempt`` until a deployment answers.

    ``deadline`` is absolute, in trio time, and bounds every attempt and wait.
    Raises the last attempt's error if no deployment could answer (or the
    first error that must not be retried), its message amended with the
    attempts and the time they took; ``ModelNotFound`` for an unknown model;
    ``UpstreamTimeout`` once the deadline has passed.
    """
    router.group(request.model)  # ModelNotFound before anything else
    attempts: list[AttemptRecord] = []
    t0 = router.clock()
    try:
        return await _route(router, request, attempt, deadline, attempts)
    except RouteIQError as err:
        # Forget the frames below: ``_route`` keeps the error in a local (``last``),
        # so its traceback would make a frame <-> error cycle per failed request.
        err.__traceback__ = None
        kind = classify(err)
        if kind is ErrorKind.CLIENT_CLOSED or kind is ErrorKind.CLIENT:
            raise err from err.__cause__
        raise summarise_failure(err, attempts, router.clock() - t0, deadline - t0) from None


async def _route(
    router: Router,
    request: RouteRequest,
    attempt: Attempt,
    deadline: float,
    attempts: list[AttemptRecord],
) -> Outcome:
    pinned, record = await _affinity_target(router, request)
    last: RouteIQError | None = None
    chain: list[str] = [
        request.model,
        *(router.fallback_chain(request.model) if request.fallbacks is None else request.fallbacks),
    ]
    visited: set[str] = set()
    via = "affinity" if pinned is not None else "strategy"
    position = 0
    while position < len(chain):
        model = chain[position]
        position += 1
        if model in visited or not router.has(model):
            continue
        visited.add(model)
        if not router.candidates(model, request.tags, request.tokens):
            # No deployment of this group may serve it (tags, or too small a context
            # window for the prompt): its fallbacks may.
            too_big = router.pre_call_checks and request.tokens is not None
            chain[position:position] = (
                router.context_chain(model) if too_big else router.fallback_chain(model)
            )
            last = last or BadRequest(
                f"No deployment of '{model[:256]}' matches this request's tags"
                + (" or fits its context window" if too_big else ""),
                code="context_length_exceeded" if too_big else "no_matching_deployment",
                param="model",
            )
            continue
        failed: set[str] = set()
        dep = pinned if pinned is not None else await _pick(router, model, request, failed)
        pinned = None
        retries = 0
        while True:
            now = router.clock()
            if now >= deadline:
                raise last or UpstreamTimeout("The request deadline passed before routing")
            result, ended = await _call(router, dep, attempt, now)
            err = result.error
            if err is not None and not result.started:
                attempts.append(AttemptRecord(dep.id, model, err.status, ended - now, via))
                kind = classify(err)
                if kind is ErrorKind.CLIENT_CLOSED or kind is ErrorKind.CLIENT:
                    raise err
                last = err
                now = ended
                if kind is ErrorKind.CONTEXT_WINDOW:
                    # A bigger model may fit the prompt; the ordinary chain would not.
                    chain = [
                        *chain[:position],
                        *router.context_chain(model),
                        *router.context_chain(request.model),
                    ]
                    via = "context_fallback"
                    break
                failed.add(dep.id)
                nxt, delay = dep, 0.0
                if retries < router.num_retries:
                    nxt = await _pick(router, model, request, failed)
                    if nxt.id == dep.id:  # same deployment again: back off
                        delay = backoff_delay(
                            retries,
                            router.settings.retry_backoff_initial,
                            router.settings.retry_backoff_cap,
                            router.rng,
                        )
                        delay = max(delay, retry_after_seconds(err) or 0.0)
                decision = decide_retry(
                    kind,
                    started=False,
                    retries_done=retries,
                    num_retries=router.num_retries,
                    now=now,
                    deadline=deadline,
                    delay=delay,
                )
                if decision.retry:
                    retries += 1
                    if decision.delay > 0:
                        await trio.sleep(decision.delay)
                    dep = nxt
                    via = "retry"
                    continue
                if not may_fall_back(kind, started=False, now=now, deadline=deadline):
                    raise err
                via = "fallback"
                break
            if isinstance(err, ClientClosed):
                raise err  # mid-response: the client is gone, nothing more to send
            status = 200 if err is None else err.status
            attempts.append(AttemptRecord(dep.id, model, status, ended - now, via))
            if err is None:
                await _after_success(router, request, dep, result, record)
            return Outcome(dep, result, attempts)
    if last is None:
        raise UpstreamTimeout("No deployment could be tried before the deadline")
    raise last
