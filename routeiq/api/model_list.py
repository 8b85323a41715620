"""The model groups a caller may see: ``GET /v1/models`` and ``/v1/models/{id}``.

A virtual key (or its team) with a ``models`` list sees only the groups it may
call, as LiteLLM lists them; the same matching as admission (exact names,
wildcards, ``*``/``all-proxy-models``), so a listed group is one the key can use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from routeiq.asgi.types import RequestContext

if TYPE_CHECKING:
    from routeiq.gateway import Gateway


def visible_models(gw: Gateway, ctx: RequestContext) -> list[str]:
    names = [*gw.router.resolver.listed(), *gw.config.learned]
    allowed = gw.governance.model_filter(ctx) if gw.governance is not None else None
    return names if allowed is None else [n for n in names if allowed(n)]
