"""The A2A gateway: upstream A2A agents behind ``/a2a/{agent}``.

Wiring (``routeiq.app``)::

    gateway = A2AGateway(settings, ssrf_settings, store)
    await nursery.start(gateway.run)          # task expiry; configured agents
    app = routeiq.api.a2a.mount(gateway, inner_app, keys)
"""

from routeiq.a2a.gateway import A2AGateway
from routeiq.a2a.registry import AgentRegistry
from routeiq.a2a.settings import A2ASettings, AgentSpec
from routeiq.a2a.store import RateLimiter, TaskRecord, TaskStore

__all__ = [
    "A2AGateway",
    "A2ASettings",
    "AgentRegistry",
    "AgentSpec",
    "RateLimiter",
    "TaskRecord",
    "TaskStore",
]
