"""Policy enforcement (pure ASGI, after auth, before backpressure).

Rules over the method, path, client address and the key/team/user from the
auth middleware are decided from the scope alone. Only when the first rule
that could still match lists ``models`` is the body read (within the body
limit), its top-level ``model`` taken, and the body replayed to the app
unchanged: the handler reads it as if nothing happened.

A deny is 403 ``policy_denied`` with an OpenAI-style body (the rule's
``message`` if it has one) and one line on the ``routeiq.audit`` logger. A
policy that cannot be loaded (a rules file that never loaded) answers 503
``policy_unavailable`` for every request when failing closed, or lets every
request through when failing open.
"""

from __future__ import annotations

import logging

import orjson

from routeiq import json_pieces
from routeiq.asgi.body import read_body, replay
from routeiq.asgi.headers import header_text
from routeiq.asgi.offload import SMALL_BODY_BYTES, load_big
from routeiq.asgi.respond import send_error
from routeiq.asgi.types import ASGIApp, Receive, RequestContext, Scope, Send, get_ctx
from routeiq.errors import ClientClosed, Forbidden, RouteIQError, Unavailable
from routeiq.policy.engine import PolicyEngine
from routeiq.policy.rules import Decision, Subject, parse_ip

audit = logging.getLogger("routeiq.audit")


class PolicyUnavailable(Unavailable):
    code = "policy_unavailable"


class PolicyDenied(Forbidden):
    code = "policy_denied"


def model_of(body: bytes) -> str | None:
    """The top-level ``model`` of a JSON body (None when absent or not JSON)."""
    try:
        obj = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    model = obj.get("model") if isinstance(obj, dict) else None
    return model if isinstance(model, str) else None


async def _big_model_of(body: bytes) -> str | None:
    """``model_of`` for a big body, parsed off the loop (``asgi.offload``)."""
    try:
        obj = await load_big(body, max_depth=1024)  # orjson's own limit
    except (orjson.JSONDecodeError, json_pieces.TooDeep):
        return None
    model = obj.get("model") if isinstance(obj, dict) else None
    return model if isinstance(model, str) else None


class PolicyMiddleware:
    def __init__(
        self, app: ASGIApp, engine: PolicyEngine, exempt: frozenset[str], max_body_bytes: int
    ) -> None:
        self.app = app
        self.engine = engine
        self.exempt = exempt
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        engine = self.engine
        if scope["type"] != "http" or not engine.active or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        ctx = get_ctx(scope)
        policy = engine.policy
        if policy is None:
            if engine.settings.failure_mode == "fail_open":
                engine.decisions[("unavailable_allow", "-")] += 1
                await self.app(scope, receive, send)
                return
            engine.decisions[("unavailable_deny", "-")] += 1
            self._audit(scope, ctx, Decision(False, "policy_unavailable"), None)
            err = PolicyUnavailable(
                "The access policy could not be loaded; retry later",
                headers={"retry-after": "5"},
            )
            await send_error(send, err)
            return
        client = scope.get("client")
        subject = Subject(
            method=scope["method"],
            route=scope["path"],
            client=parse_ip(client[0]) if client and policy.uses_cidrs else None,
            key=ctx.key_name,
            team=ctx.team,
            user=ctx.user,
        )
        decision = policy.decide(subject)
        model: str | None = None
        if decision is None:
            try:
                body = await read_body(scope, receive, self.max_body_bytes)
            except ClientClosed:
                ctx.status = 499
                return
            except RouteIQError as err:
                await send_error(send, err)
                return
            if len(body) <= SMALL_BODY_BYTES:
                model = model_of(body)
            else:
                model = await _big_model_of(body)
            ctx.model = model  # the handler sets it again after parsing
            receive = replay(body, receive)
            decision = policy.decide(subject, model)
            assert decision is not None
        if decision.allow:
            engine.decisions[("allow", decision.rule)] += 1
            await self.app(scope, receive, send)
            return
        engine.decisions[("deny", decision.rule)] += 1
        self._audit(scope, ctx, decision, model)
        await send_error(send, PolicyDenied(decision.message or "Denied by the access policy"))

    def _audit(
        self, scope: Scope, ctx: RequestContext, decision: Decision, model: str | None
    ) -> None:
        if self.engine.on_block is not None:
            self.engine.on_block("policy", decision.rule, "request", ctx)
        client = scope.get("client")
        audit.warning(
            "policy deny rule=%s request_id=%s key=%s team=%s user=%s method=%s path=%s "
            "model=%s client=%s",
            decision.rule,
            ctx.request_id,
            ctx.key_name,
            ctx.team,
            ctx.user,
            scope["method"],
            header_text(scope["path"]).decode(),
            None if model is None else header_text(model).decode(),  # no CR/LF into the log
            client[0] if client else None,
            extra={"request_id": ctx.request_id, "policy_rule": decision.rule},
        )
