"""Config and deployment admin routes (master key), as LiteLLM's proxy has them.

- ``POST /config/reload``: re-read the config file and swap it in (``routeiq.reload``);
  400 with every error, the old config staying, when the new file is invalid.
- ``POST /model/new`` ``{"model_name", "litellm_params", "model_info"?}``: add a deployment.
- ``POST /model/update`` ``{"model_info": {"id"}, "litellm_params"?, "model_name"?}``:
  change one (its ``litellm_params`` merged over the current ones).
- ``POST /model/delete`` ``{"id"}``: remove one.
- ``GET /model/info`` (and ``/v1/model/info``): every deployment, without its key.

Runtime edits live on top of the file and survive reloads; ``routeiq.config_share``
hands them (and ``/config/reload``) to every other process on the same state store.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import trio
from pydantic import BaseModel, ConfigDict, Field

from routeiq.asgi.auth import KeyRing
from routeiq.asgi.boundary import Boundary
from routeiq.asgi.respond import send_json
from routeiq.asgi.types import ASGIApp, Receive, Scope, Send, set_status
from routeiq.errors import BadRequest, Conflict, MethodNotAllowed, NotFound
from routeiq.jsonrpc_asgi import read_model, require_master

if TYPE_CHECKING:
    from routeiq.deployment import Deployment
    from routeiq.gateway import Gateway
    from routeiq.reload import ReloadResult

MAX_BODY = 256 * 1024
SECRET_PARAMS = frozenset({"api_key", "aws_secret_access_key", "aws_session_token"})


class NewModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model_name: str = Field(min_length=1, max_length=256)
    litellm_params: dict[str, Any]
    model_info: dict[str, Any] = Field(default_factory=dict)


class UpdateModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model_info: dict[str, Any]
    model_name: str | None = Field(default=None, min_length=1, max_length=256)
    litellm_params: dict[str, Any] = Field(default_factory=dict)


class DeleteModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=256)


def _rejected(result: ReloadResult) -> BadRequest:
    return BadRequest("The new configuration is invalid: " + "; ".join(result.errors))


def model_entry(dep: Deployment) -> dict[str, Any]:
    params: dict[str, Any] = {
        "model": f"{dep.provider}/{dep.upstream_model}",
        "api_base": dep.api_base,
        **{k: v for k, v in dep.params.items() if k not in SECRET_PARAMS},
    }
    if dep.api_version:
        params["api_version"] = dep.api_version
    for name in ("rpm", "tpm", "timeout", "stream_timeout"):
        value = getattr(dep, name)
        if value is not None:
            params[name] = value
    return {
        "model_name": dep.model_name,
        "litellm_params": params,
        "model_info": {**dep.model_info, "id": dep.id},
    }


class ConfigAdminApp:
    """Serves the routes above; passes everything else to ``inner``."""

    PATHS = frozenset(
        {"/config/reload", "/model/new", "/model/update", "/model/delete", "/model/info"}
    )

    def __init__(self, gw: Gateway, inner: ASGIApp, keys: KeyRing | None) -> None:
        self.gw = gw
        self.inner = inner
        self.keys = keys
        # An edit takes in the stored edits, changes one entry, rebuilds and publishes,
        # awaiting in between: one edit at a time, or a concurrent one's sync drops the
        # entry this one just added (or brings back the one it deleted).
        self._edits = trio.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if path == "/v1/model/info":
            path = "/model/info"
        if scope["type"] != "http" or path not in self.PATHS:
            await self.inner(scope, receive, send)
            return
        # Errors are answered by the one error boundary (routeiq.dispatch).
        require_master(scope, self.keys)
        want = "GET" if path == "/model/info" else "POST"
        if scope["method"] != want:
            raise MethodNotAllowed(f"Use {want}", headers={"allow": want})
        if want == "POST":
            async with self._edits:
                status, body = await self._route(scope, receive, path)
        else:
            status, body = await self._route(scope, receive, path)
        set_status(scope, status)
        await send_json(send, status, body)

    async def _route(self, scope: Scope, receive: Receive, path: str) -> tuple[int, Any]:
        reloader = self.gw.reloader
        if path == "/model/info":
            return 200, {"data": [model_entry(d) for d in self.gw.config.deployments]}
        shared = self.gw.shared_models
        if path == "/config/reload":
            result = await reloader.reload()
            if not result.ok:
                raise _rejected(result)
            await shared.publish(file_reload=True)  # every process re-reads its file
            return 200, result.body()
        await shared.sync()  # edits made on other processes first
        if path == "/model/new":
            new = await read_model(scope, receive, NewModel, MAX_BODY)
            dep_id = str(new.model_info.get("id") or uuid.uuid4().hex)
            if any(d.id == dep_id for d in self.gw.config.deployments):
                raise BadRequest(f"A deployment with id {dep_id!r} exists", param="model_info.id")
            entry = new.model_dump()
            entry["model_info"]["id"] = dep_id
            undo = None
        elif path == "/model/update":
            upd = await read_model(scope, receive, UpdateModel, MAX_BODY)
            dep_id = str(upd.model_info.get("id") or "")
            current = reloader.runtime.get(dep_id) or reloader.file_entry(dep_id)
            if not dep_id or current is None:
                raise NotFound(f"No deployment with id {dep_id!r}", param="model_info.id")
            entry = dict(current)
            entry["litellm_params"] = {**current.get("litellm_params", {}), **upd.litellm_params}
            entry["model_info"] = {**current.get("model_info", {}), **upd.model_info}
            if upd.model_name:
                entry["model_name"] = upd.model_name
            undo = reloader.runtime.get(dep_id)
        else:
            gone = await read_model(scope, receive, DeleteModel, MAX_BODY)
            if not any(d.id == gone.id for d in self.gw.config.deployments):
                raise NotFound(f"No deployment with id {gone.id!r}", param="id")
            saved = reloader.runtime.pop(gone.id, None)
            reloader.deleted.add(gone.id)
            result = await reloader.reload(from_file=False)
            if not result.ok:  # e.g. a fallback still names the group
                reloader.deleted.discard(gone.id)
                if saved is not None:
                    reloader.runtime[gone.id] = saved
                raise _rejected(result)
            await shared.publish()
            return 200, {"deleted": gone.id, "generation": result.generation}
        reloader.runtime[dep_id] = entry
        reloader.deleted.discard(dep_id)
        result = await reloader.reload(from_file=False)
        if not result.ok:
            if undo is None:
                reloader.runtime.pop(dep_id, None)
            else:
                reloader.runtime[dep_id] = undo
            raise _rejected(result)
        await shared.publish()
        dep = next((d for d in self.gw.config.deployments if d.id == dep_id), None)
        if dep is None:  # another process's edit, taken in meanwhile, removed it
            raise Conflict(f"Deployment {dep_id!r} was changed by another edit; read it again")
        return 200, model_entry(dep)


def mount(gw: Gateway, inner: ASGIApp, keys: KeyRing | None = None) -> ASGIApp:
    return Boundary(ConfigAdminApp(gw, inner, keys))  # asgi/boundary.py
