"""The registry of upstream A2A agents and the agent cards the gateway serves.

Agents come from ``A2ASettings.agents`` or the admin API. Each URL passes the
SSRF guard at registration (and again on every call, in ``upstream``). The
agent's own card is fetched once at registration when reachable; the card the
gateway serves for an agent is that card (or one built from the registration)
with its interfaces pointing at the gateway (``<gateway>/a2a/<name>``), so
clients that follow it talk through the gateway. Upstream security schemes
and signatures are dropped: the gateway authenticates clients itself and a
rewritten card no longer matches the agent's signature.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from routeiq import __version__
from routeiq.a2a.settings import AgentSpec
from routeiq.a2a.upstream import AgentClient
from routeiq.errors import ClientError, NotFound

CARD_PATH = "/.well-known/agent-card.json"
GATEWAY_VERSIONS = ("1.0", "0.3")
_DROPPED = ("securitySchemes", "securityRequirements", "security", "signatures")


class AgentExists(ClientError):
    status = 409
    code = "conflict"


def default_card_url(spec: AgentSpec) -> str:
    parts = urlsplit(spec.url)
    return f"{parts.scheme}://{parts.netloc}{CARD_PATH}"


def interface_versions(card: dict[str, Any] | None) -> list[str]:
    """Protocol versions of the JSON-RPC interfaces an upstream card declares."""
    found: list[str] = []
    for iface in (card or {}).get("supportedInterfaces") or []:
        if isinstance(iface, dict) and iface.get("protocolBinding") == "JSONRPC":
            v = iface.get("protocolVersion")
            if isinstance(v, str) and v and v not in found:
                found.append(v)
    if card and not found and isinstance(card.get("protocolVersion"), str):
        found.append(card["protocolVersion"])  # a v0.3 card
    return found or ["1.0"]


def agent_card(spec: AgentSpec, upstream: dict[str, Any] | None, base_url: str) -> dict[str, Any]:
    """The card the gateway serves for ``spec`` (see the module docstring)."""
    card = {k: v for k, v in (upstream or {}).items() if k not in _DROPPED}
    url = f"{base_url}/a2a/{spec.name}"
    card["name"] = card.get("name") or spec.name
    if spec.description or "description" not in card:
        card["description"] = spec.description or f"A2A agent {spec.name} (via routeiq)"
    if spec.skills or "skills" not in card:
        card["skills"] = list(spec.skills)
    card.setdefault("version", "1.0.0")
    card.setdefault("defaultInputModes", ["text/plain"])
    card.setdefault("defaultOutputModes", ["text/plain"])
    caps = dict(card.get("capabilities") or {"streaming": True})
    caps["extendedAgentCard"] = False
    card["capabilities"] = caps
    # The gateway speaks both versions to clients whatever the agent speaks: it
    # translates (routeiq.a2a.versions). Clients pick 1.0 first.
    card["supportedInterfaces"] = [
        {"url": url, "protocolBinding": "JSONRPC", "protocolVersion": v} for v in GATEWAY_VERSIONS
    ]
    for key in ("url", "preferredTransport", "additionalInterfaces", "protocolVersion"):
        card.pop(key, None)  # v0.3 card fields: the interfaces above replace them
    return card


class AgentRegistry:
    """Registered agents by name, and their upstream cards."""

    def __init__(self, client: AgentClient, card_timeout: float = 5.0) -> None:
        self.client = client
        self.card_timeout = card_timeout
        self.agents: dict[str, AgentSpec] = {}
        self.upstream_cards: dict[str, dict[str, Any] | None] = {}

    async def add(self, spec: AgentSpec, *, replace: bool = False) -> None:
        """Register ``spec``: SSRF check (``SSRFBlocked``, 403), then fetch its card."""
        await self.client.guard.check_url(spec.url)
        if spec.name in self.agents and not replace:
            raise AgentExists(f"Agent {spec.name!r} is already registered")
        card_url = spec.card_url or default_card_url(spec)
        card = await self.client.fetch_card(card_url, dict(spec.headers), self.card_timeout)
        self.agents[spec.name] = spec
        self.upstream_cards[spec.name] = card if isinstance(card, dict) else None

    def remove(self, name: str) -> None:
        if self.agents.pop(name, None) is None:
            raise NotFound(f"No agent named {name!r}")
        self.upstream_cards.pop(name, None)

    def speaks(self, name: str, v03: bool) -> bool:
        """Whether agent ``name`` declares the v0.3 (``v03``) or the v1.0 protocol
        (an agent whose card could not be read is assumed to speak both)."""
        card = self.upstream_cards.get(name)
        if card is None:
            return True
        versions = interface_versions(card)
        return any(v.startswith("0.") == v03 for v in versions)

    def get(self, name: str) -> AgentSpec | None:
        return self.agents.get(name)

    def card(self, name: str, base_url: str) -> dict[str, Any]:
        spec = self.agents.get(name)
        if spec is None:
            raise NotFound(f"No agent named {name!r}")
        return agent_card(spec, self.upstream_cards.get(name), base_url)

    def versions(self) -> list[str]:
        """Protocol versions any registered agent speaks (newest first)."""
        found = {
            v for name in self.agents for v in interface_versions(self.upstream_cards.get(name))
        }
        return sorted(found or {"1.0"}, reverse=True)

    def gateway_card(self, base_url: str) -> dict[str, Any]:
        """The gateway's own card: a directory of the agents (one skill each)."""
        skills = []
        directory = []
        for name in self.agents:
            card = self.card(name, base_url)
            skills.append(
                {
                    "id": name,
                    "name": card["name"],
                    "description": card["description"],
                    "tags": ["agent"],
                }
            )
            directory.append(
                {
                    "name": name,
                    "url": f"{base_url}/a2a/{name}",
                    "card": f"{base_url}/a2a/{name}{CARD_PATH}",
                }
            )
        return {
            "name": "routeiq",
            "description": "RouteIQ A2A gateway: each skill is an agent reachable at /a2a/<name>",
            "version": __version__,
            # POST /a2a routes each call to its agent (AgentGateway.route), so
            # clients that start from this card (a2a-sdk create_client(<gateway>))
            # find a transport.
            "supportedInterfaces": [
                {"url": f"{base_url}/a2a", "protocolBinding": "JSONRPC", "protocolVersion": v}
                for v in self.versions()
            ],
            "capabilities": {
                "streaming": True,
                "extensions": [
                    {"uri": "urn:routeiq:a2a-directory", "params": {"agents": directory}}
                ],
            },
            "defaultInputModes": ["text/plain"],
            "defaultOutputModes": ["text/plain"],
            "skills": skills,
        }
