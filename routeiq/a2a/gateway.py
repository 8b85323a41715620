"""The A2A gateway: what each JSON-RPC method on ``/a2a/{agent}`` does.

Every call is relayed to the agent with the method name the client used (the
agent answers in the same protocol version) or, when the agent's card declares
only the other protocol version, translated both ways
(:mod:`routeiq.a2a.versions`), after: the agent lookup
(agent-not-found, -32050), the per-agent rate limit (-32053), and for
GetTask/CancelTask/SubscribeToTask the task lookup (task-not-found, -32001:
only tasks created through this gateway, on the same agent, are reachable).
Answers are read to keep the task store current. CancelTask, once the agent
confirms it, is announced on the task's hub channel so that every stream of
the task, on every gateway process, ends. HTTP details live in ``routeiq.api.a2a``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import httpx
import trio

from routeiq import jsonrpc as rpc
from routeiq.a2a.hub import ClientSSE, TaskHub
from routeiq.a2a.listing import list_tasks
from routeiq.a2a.registry import AgentRegistry
from routeiq.a2a.relay import Deps, follow, relay
from routeiq.a2a.settings import A2ASettings, AgentSpec
from routeiq.a2a.store import RateLimiter, TaskStore
from routeiq.a2a.tasks import (
    METHODS,
    TERMINAL,
    InvalidTransition,
    Op,
    task_id_param,
    update_from_result,
)
from routeiq.a2a.upstream import AgentClient, default_http_client
from routeiq.a2a.versions import converter, reply_to, request_to
from routeiq.registry_sync import RegistrySync
from routeiq.ssrf import Resolver, SSRFBlocked, SSRFGuard, SSRFSettings
from routeiq.state.base import StateStore
from routeiq.state.memory import MemoryStore

log = logging.getLogger("routeiq.a2a")


class A2AGateway:
    """See the module docstring."""

    def __init__(
        self,
        settings: A2ASettings,
        ssrf: SSRFSettings,
        store: StateStore | None = None,
        *,
        http: httpx.AsyncClient | None = None,
        resolver: Resolver | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = settings
        self.guard = SSRFGuard(ssrf, resolver)
        self._own_store = store is None
        self.store: StateStore = store if store is not None else MemoryStore()
        self.client = AgentClient(self.guard, http or default_http_client())
        self.registry = AgentRegistry(self.client)
        self.tasks = TaskStore(
            self.store,
            ttl=settings.task_ttl,
            max_tasks=settings.max_tasks,
            sweep_interval=settings.sweep_interval,
            sweep_batch=settings.sweep_batch,
        )
        self.hub = TaskHub(self.store, settings.relay_lease_seconds)
        self.limiter = limiter or RateLimiter(self.store)
        self.deps = Deps(settings, self.client, self.tasks, self.hub)
        self.sync = RegistrySync(self.store, "a2a", AgentSpec, self._sync_add, self._sync_remove)

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """The background work (task expiry, admin sync) until cancelled; ready once the
        configured agents are registered (concurrently: each fetches its card under a
        short deadline). The upstream connections close when it ends."""
        try:
            async with trio.open_nursery() as nursery:
                if self.settings.enabled:
                    await self._start(nursery)
                task_status.started()
                await trio.sleep_forever()
        finally:
            with trio.CancelScope(shield=True):
                await self.aclose()

    async def _start(self, nursery: trio.Nursery) -> None:
        if self._own_store:
            await nursery.start(self.store.run)
        await nursery.start(self.tasks.run)

        async def register(spec: AgentSpec) -> None:
            try:
                await self.registry.add(spec)
            except SSRFBlocked as exc:
                log.error("A2A agent %s not registered: %s", spec.name, exc.message)

        async with trio.open_nursery() as adding:
            for spec in self.settings.agents:
                adding.start_soon(register, spec)
        await nursery.start(self.sync.run)  # admin changes made on other processes

    async def admin_add(self, spec: AgentSpec, *, replace: bool = False) -> None:
        """Register ``spec`` here and on every process sharing the state store."""
        await self.registry.add(spec, replace=replace)
        await self.sync.record_add(spec)

    async def admin_remove(self, name: str) -> None:
        self.registry.remove(name)
        await self.sync.record_remove(name)

    async def _sync_add(self, spec: AgentSpec) -> None:
        await self.registry.add(spec, replace=True)

    def _sync_remove(self, name: str) -> None:
        if self.registry.get(name) is not None:
            self.registry.remove(name)

    async def aclose(self) -> None:
        """Close the upstream HTTP connections (at shutdown)."""
        await self.client.http.aclose()

    def agent(self, name: str) -> AgentSpec:
        spec = self.registry.get(name)
        if spec is None:
            raise rpc.RpcError(rpc.AGENT_NOT_FOUND, f"No agent named {name!r}")
        return spec

    @staticmethod
    def operation(method: str) -> tuple[Op, bool]:
        """The operation and wire version (``True``: v0.3) of ``method``."""
        found = METHODS.get(method)
        if found is None:
            raise rpc.RpcError(rpc.METHOD_NOT_FOUND, f"Method not found: {method}")
        return found

    async def admit(self, spec: AgentSpec) -> None:
        """The per-agent rate limit."""
        rpm = spec.rate_limit_rpm or self.settings.rate_limit_rpm
        if rpm is None:
            return
        wait = await self.limiter.check(spec.name, rpm)
        if wait is not None:
            data = {"retryAfterSeconds": round(wait, 3)}
            raise rpc.RpcError(rpc.RATE_LIMITED, f"Rate limit of agent {spec.name!r} reached", data)

    async def _owned_task(self, spec: AgentSpec, params: dict[str, Any], tenant: str) -> Any:
        """The record of the task ``params.id``: created through this gateway, on
        this agent, by this tenant. Anything else is "not found", never the data."""
        tid = task_id_param(params)
        if tid is None:
            raise rpc.RpcError(rpc.INVALID_PARAMS, "params.id (the task id) is required")
        rec = await self.tasks.get(tid)
        if rec is None or rec.agent != spec.name or rec.tenant != tenant:
            raise rpc.RpcError(rpc.TASK_NOT_FOUND, "Task not found")
        return rec

    async def _check_send(self, spec: AgentSpec, params: dict[str, Any], tenant: str) -> None:
        """A message must be there; one that continues a task (``taskId``) may only
        continue a task of the same tenant."""
        message = params.get("message")
        if not isinstance(message, dict):
            raise rpc.RpcError(rpc.INVALID_PARAMS, "params.message is required")
        tid = message.get("taskId")
        if isinstance(tid, str) and tid:
            rec = await self.tasks.get(tid)
            if rec is not None and (rec.agent != spec.name or rec.tenant != tenant):
                raise rpc.RpcError(rpc.TASK_NOT_FOUND, "Task not found")

    async def route(self, agent: str | None, req: rpc.Request, tenant: str) -> str | None:
        """The agent a request on the gateway's own endpoint (``agent is None``) is
        for: the task's agent for task methods; for a new message the agent it
        names (``metadata.agent`` of the params or the message), else the only
        agent, else ``default_agent``. ``None`` only for ListTasks (all agents)."""
        if agent is not None:
            return agent
        op, _ = self.operation(req.method)
        params = req.params_dict()
        if op == "list":
            return None
        if op in ("get", "cancel", "subscribe"):
            tid = task_id_param(params)
            rec = await self.tasks.get(tid) if tid else None
            if rec is None or rec.tenant != tenant:
                raise rpc.RpcError(rpc.TASK_NOT_FOUND, "Task not found")
            return rec.agent
        message = params.get("message")
        message = message if isinstance(message, dict) else {}
        tid = message.get("taskId")
        if isinstance(tid, str) and tid:
            rec = await self.tasks.get(tid)
            if rec is not None and rec.tenant == tenant:
                return rec.agent
        for meta in (params.get("metadata"), message.get("metadata")):
            if isinstance(meta, dict) and isinstance(meta.get("agent"), str):
                return str(meta["agent"])
        names = list(self.registry.agents)
        if len(names) == 1:
            return names[0]
        if self.settings.default_agent:
            return self.settings.default_agent
        raise rpc.RpcError(
            rpc.INVALID_PARAMS,
            "Several agents are behind this gateway: name one in message.metadata.agent "
            f"or use /a2a/<name>/ (agents: {', '.join(sorted(names)) or 'none'})",
        )

    def translating(self, spec: AgentSpec, v03: bool) -> bool:
        """The agent does not speak the client's version but the other one."""
        return not self.registry.speaks(spec.name, v03)

    def _payload(self, req: rpc.Request, translate: bool, v03: bool) -> dict[str, Any]:
        rid = req.id if req.id is not None else uuid.uuid4().hex
        method, params = req.method, req.params_dict()
        if translate:
            method, params = request_to(method, params, agent_v03=not v03)
        return {"jsonrpc": "2.0", "id": rid, "method": method, "params": params}

    def _headers(
        self, spec: AgentSpec, version: str | None, sse: bool, translate: bool, v03: bool
    ) -> dict[str, str]:
        if translate:  # the agent's version, not the client's
            version = "1.0" if v03 else None
        return self.client.headers(spec, version, sse=sse)

    async def call(
        self, agent: str | None, req: rpc.Request, version: str | None, tenant: str = ""
    ) -> dict[str, Any]:
        """A non-streaming call: the JSON-RPC response for the client (raises RpcError).
        ``agent`` ``None``: the gateway's own endpoint (see :meth:`route`)."""
        op, v03 = self.operation(req.method)
        params = req.params_dict()
        if op in ("stream", "subscribe"):
            raise rpc.RpcError(rpc.INVALID_REQUEST, f"{req.method} streams: it cannot be batched")
        name = await self.route(agent, req, tenant)
        if op == "list":
            # Answered from the gateway's own records: the agent's list would show
            # tasks of other tenants and tasks GetTask here cannot reach.
            records = await self.tasks.listed(tenant)
            target = None if name is None else self.agent(name).name
            return rpc.result(req.id, list_tasks(records, target, params, v03))
        assert name is not None
        spec = self.agent(name)
        if op in ("get", "cancel"):
            await self._owned_task(spec, params, tenant)
        elif op == "send":
            await self._check_send(spec, params, tenant)
        await self.admit(spec)
        translate = self.translating(spec, v03)
        headers = self._headers(spec, version, False, translate, v03)
        seconds = spec.timeout or self.settings.request_timeout
        reply = await self.client.call(spec, self._payload(req, translate, v03), headers, seconds)
        if translate:
            reply = reply_to(reply, v03, req.method)
        reply["id"] = req.id
        if "result" in reply:
            await self._record(spec, op, reply["result"], v03, tenant)
        return reply

    async def _record(self, spec: AgentSpec, op: Op, result: Any, v03: bool, tenant: str) -> None:
        up = update_from_result(result, v03)
        if up is None:
            return
        try:
            rec = await self.tasks.apply(spec.name, up, v03, tenant)
        except InvalidTransition as exc:
            log.warning("agent %s, task %s: %s", spec.name, up.task_id, exc)
            return
        if op == "cancel" and up.state in TERMINAL:
            await self.hub.publish(up.task_id, {"t": "cancel", "s": up.state})
        elif op == "send":
            await self.hub.publish(up.task_id, {"t": "event", "r": result, "n": rec.seq})

    async def stream(
        self,
        agent: str | None,
        req: rpc.Request,
        version: str | None,
        sse: ClientSSE,
        tenant: str = "",
    ) -> None:
        """SendStreamingMessage / SubscribeToTask: write the SSE answer to ``sse``."""
        try:
            spec = self.agent(await self.route(agent, req, tenant) or "")
            op, v03 = self.operation(req.method)
            params = req.params_dict()
            rec = None
            if op == "subscribe":
                rec = await self._owned_task(spec, params, tenant)
                if rec.state in TERMINAL:
                    raise rpc.RpcError(
                        rpc.UNSUPPORTED_OPERATION, f"Task is in a terminal state: {rec.state}"
                    )
            else:
                await self._check_send(spec, params, tenant)
            await self.admit(spec)
        except rpc.RpcError as err:
            await sse.error(err)
            return
        translate = self.translating(spec, v03)
        headers = self._headers(spec, version, True, translate, v03)
        convert = converter(v03) if translate else None
        if rec is not None:
            method = request_to(req.method, {}, not v03)[0] if translate else req.method
            await follow(self.deps, spec, rec, method, headers, sse, v03, convert)
        else:
            payload = self._payload(req, translate, v03)
            await relay(self.deps, spec, payload, headers, sse, v03, tenant=tenant, convert=convert)
