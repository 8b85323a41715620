"""Typed configuration.

The YAML is what a LiteLLM proxy user already has (``model_list`` with
``litellm_params``, ``router_settings``, ``general_settings.master_key``,
``os.environ/NAME`` references) plus a ``routeiq:`` section for this
project's own settings. Loading reports *every* error with its key path,
e.g. ``model_list[2].litellm_params.api_base: ...``; a missing environment
variable is an error at start-up, never at the first request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from routeiq.a2a.settings import A2ASettings
from routeiq.cache.settings import CacheSettings
from routeiq.compat.audit import audit, mode_finding, nearest_field
from routeiq.compat.cache_params import litellm_cache
from routeiq.compat.cooldowns import litellm_cooldowns
from routeiq.compat.includes import resolve_includes
from routeiq.compat.params import (
    config_env,
    credential_map,
    litellm_router_settings,
    resolve_params,
    router_group_problems,
    split_defaults,
)
from routeiq.console.settings import ConsoleSettings
from routeiq.deployment import ConfigError, Deployment
from routeiq.governance.settings import GovernanceSettings
from routeiq.learned import settings as learned_settings
from routeiq.llm.providers import PASS_THROUGH, provider_defaults, split_model
from routeiq.llm.rerank_hosts import default_rerank_base
from routeiq.llm.translated.catalog import translated_defaults
from routeiq.mcp.settings import MCPSettings
from routeiq.plugins.settings import GuardrailsSection, PluginList
from routeiq.policy.settings import PolicySettings
from routeiq.routing.settings import RoutingSettings
from routeiq.ssrf import SSRFSettings
from routeiq.state.settings import StateSettings
from routeiq.surfaces.settings import SurfaceSettings
from routeiq.urlcheck import url_problem

ENV_PREFIX = "os.environ/"
USED_SECTIONS = (
    "model_list",
    "credential_list",
    "router_settings",
    "litellm_settings",
    "routeiq",
    "general_settings.master_key",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LiteLLMParams(BaseModel):
    # LiteLLM accepts many more provider params; keep them (extra="allow") so a
    # LiteLLM config loads unchanged, and use the ones we understand.
    model_config = ConfigDict(extra="allow")
    model: str
    api_base: str | None = None
    api_key: str | None = None
    api_version: str | None = None
    timeout: float | None = Field(default=None, gt=0)
    stream_timeout: float | None = Field(default=None, gt=0)
    rpm: int | None = Field(default=None, ge=0)
    tpm: int | None = Field(default=None, ge=0)
    weight: float = Field(default=1.0, gt=0)
    extra_headers: dict[str, str] | None = None
    input_cost_per_token: float | None = Field(default=None, ge=0)
    output_cost_per_token: float | None = Field(default=None, ge=0)

    @field_validator("api_base")
    @classmethod
    def _check_base(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        problem = url_problem(v) if v else None
        if problem is not None:
            raise ValueError(problem)
        return v.rstrip("/") if v else v


class ModelEntry(BaseModel):
    model_config = ConfigDict(extra="allow")
    model_name: str = Field(min_length=1)
    litellm_params: LiteLLMParams
    model_info: dict[str, Any] = Field(default_factory=dict)


class ModelAlias(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str
    hidden: bool = False


class RouterSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    routing_strategy: str = "simple-shuffle"
    # Retries of safe failures (connect errors, 429, 5xx before any byte reached
    # the client), all inside the request's one deadline. LiteLLM's default is 0;
    # a gateway in front of flaky providers is better served by 2.
    num_retries: int = Field(default=2, ge=0, le=10)
    timeout: float = Field(default=600.0, gt=0)
    # LiteLLM's Router(stream_timeout=): for deployments without their own stream_timeout.
    stream_timeout: float | None = Field(default=None, gt=0)
    fallbacks: list[dict[str, list[str]]] = Field(default_factory=list)
    context_window_fallbacks: list[dict[str, list[str]]] = Field(default_factory=list)
    # Fallbacks for every model group without its own (LiteLLM's default_fallbacks).
    default_fallbacks: list[str] = Field(default_factory=list)
    # Another name for a group: "alias": "group" or "alias": {model: group, hidden: true}.
    model_group_alias: dict[str, str | ModelAlias] = Field(default_factory=dict)
    # Only deployments whose litellm_params.tags match the request's tags
    # (metadata.tags or the x-litellm-tags header).
    enable_tag_filtering: bool = False
    # Skip deployments whose model_info.max_input_tokens cannot fit the prompt.
    enable_pre_call_checks: bool = False


class GeneralSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    master_key: str | None = None
    # Keys, teams and spend on PostgreSQL (else SQLite; see routeiq.governance).
    database_url: str | None = None
    # GET /health checks each deployment with a minimal call; with background
    # checks on, every health_check_interval seconds (results feed the breakers).
    background_health_checks: bool = False
    health_check_interval: float = Field(default=300.0, gt=0)
    # Every upstream response header also comes back as llm_provider-<name>, as
    # LiteLLM's proxy sends them; false leaves the copies out (routeiq/llm/passthrough.py).
    return_llm_provider_headers: bool = True


class ServerSettings(_Strict):
    max_body_bytes: int = Field(default=4 * 1024 * 1024, gt=0)
    max_messages: int = Field(default=2048, gt=0)
    max_json_depth: int = Field(default=64, gt=1)
    max_in_flight: int = Field(default=2048, gt=0)
    retry_after_seconds: int = Field(default=1, ge=0)
    drain_seconds: float = Field(default=30.0, ge=0)
    request_timeout: float = Field(default=600.0, gt=0)
    #: The whole request body must arrive within this many seconds (else 408);
    #: a request counts against max_in_flight only once its body is in.
    body_timeout: float = Field(default=30.0, gt=0)
    #: An idle keep-alive connection is closed after this many seconds. It must
    #: outlast the clients' own idle expiry (5 s in httpx and so in the openai and
    #: anthropic SDKs; a load balancer's idle timeout in front of the gateway), so
    #: the client retires a connection before we close it: at 5 s both sides let
    #: go together, and a request sent on the closing connection failed
    #: ("Server disconnected without sending a response").
    keep_alive_seconds: float = Field(default=10.0, gt=0)
    #: After load, once no request arrived for this long and none is in flight,
    #: collect cyclic garbage and hand free heap pages back to the OS (0: never).
    idle_release_seconds: float = Field(default=10.0, ge=0)
    #: Generation-1 collections between two full ones (CPython's default: 10). The
    #: request path makes no cycles, so full collections wait for idle (see heap.py).
    gc_full_threshold: int = Field(default=10_000, ge=1)
    #: While at least gc_busy_in_flight requests are in flight, the young generations
    #: are collected in small pieces: gc_gen0_threshold net new objects start a
    #: generation-0 collection (CPython's: 700), every gc_gen1_threshold of those a
    #: generation-1 one (CPython's: 10). At 1,000 in flight CPython's made single
    #: collections of 16-35 ms CPU; 100/3 kept them under ~8 ms (routeiq/heap.py).
    #: Below gc_busy_in_flight CPython's thresholds apply (fewer collections).
    gc_gen1_threshold: int = Field(default=3, ge=1)
    gc_gen0_threshold: int = Field(default=100, ge=1)
    gc_busy_in_flight: int = Field(default=64, ge=0)
    #: While busy, automatic full collections wait (for idle, when release_when_idle
    #: collects) up to this many seconds of continuous load; 0: never held off.
    gc_defer_full_seconds: float = Field(default=600.0, ge=0)


class UpstreamSettings(_Strict):
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=300.0, gt=0)
    write_timeout: float = Field(default=30.0, gt=0)
    pool_timeout: float = Field(default=5.0, gt=0)
    max_connections: int = Field(default=512, gt=0)
    max_keepalive: int = Field(default=128, ge=0)
    # Idle upstream connections are dropped after this many seconds: below the 5 s
    # idle timeout of uvicorn (vLLM, LiteLLM), hypercorn and Node.js servers, so the
    # gateway rarely reuses a connection the upstream is closing (a reuse that
    # races a close is retried once on a new connection: llm/pool.py). Raise it for
    # remote TLS providers with longer idle timeouts to save handshakes.
    keepalive_expiry: float = Field(default=4.0, ge=0)
    max_error_body_bytes: int = Field(default=64 * 1024, gt=0)


class ApiKey(_Strict):
    key: str = Field(min_length=8)
    name: str | None = None
    team: str | None = None
    user: str | None = None


class AuthSettings(_Strict):
    keys: list[ApiKey] = Field(default_factory=list)


class TelemetrySettings(_Strict):
    service_name: str = "routeiq"
    loop_block_warn_ms: float = Field(default=20.0, gt=0)
    # One access log line per request (routeiq.access): off, on, or sampled
    # (access_log_sample_rate of the requests; every 5xx is logged either way).
    access_log: Literal["off", "on", "sampled"] = "on"
    access_log_sample_rate: float = Field(default=0.1, ge=0, le=1)

    @field_validator("access_log", mode="before")
    @classmethod
    def _yaml_on_off(cls, value: Any) -> Any:
        # YAML 1.1 reads a bare on/off as a boolean.
        if isinstance(value, bool):
            return "on" if value else "off"
        return value

    # Record prompts and answers on spans (gen_ai.input/output.messages): never by default.
    capture_content: bool = False
    # Ask every pass-through stream for usage (stream_options.include_usage) so it is
    # counted and priced; the usage event is removed when the client did not ask for it.
    # Off for an OpenAI-compatible upstream that rejects stream_options.
    stream_usage: bool = True


class RouteIQSettings(_Strict):
    #: Start even when the config has LiteLLM settings that would weaken security or
    #: correctness if ignored (they are logged); same as ``--allow-unsupported``.
    allow_unsupported: bool = False
    server: ServerSettings = Field(default_factory=ServerSettings)
    upstream: UpstreamSettings = Field(default_factory=UpstreamSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    telemetry: TelemetrySettings = Field(default_factory=TelemetrySettings)
    state: StateSettings = Field(default_factory=StateSettings)
    routing: RoutingSettings = Field(default_factory=RoutingSettings)
    ssrf: SSRFSettings = Field(default_factory=SSRFSettings)
    a2a: A2ASettings = Field(default_factory=A2ASettings)
    mcp: MCPSettings = Field(default_factory=MCPSettings)
    plugins: PluginList = Field(default_factory=list)
    guardrails: GuardrailsSection = Field(default_factory=GuardrailsSection)
    policy: PolicySettings = Field(default_factory=PolicySettings)
    cache: CacheSettings = Field(default_factory=CacheSettings)
    governance: GovernanceSettings = Field(default_factory=GovernanceSettings)
    surfaces: SurfaceSettings = Field(default_factory=SurfaceSettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)


class RawConfig(BaseModel):
    model_config = ConfigDict(extra="allow")  # litellm_settings, environment_variables, ...
    model_list: list[ModelEntry] = Field(default_factory=list)
    router_settings: RouterSettings = Field(default_factory=RouterSettings)
    general_settings: GeneralSettings = Field(default_factory=GeneralSettings)
    routeiq: RouteIQSettings = Field(default_factory=RouteIQSettings)


@dataclass(frozen=True, slots=True)
class Config:
    deployments: tuple[Deployment, ...]
    groups: Mapping[str, tuple[Deployment, ...]]
    router: RouterSettings
    master_key: str | None
    routeiq: RouteIQSettings
    source: str = "<memory>"
    extra: Mapping[str, Any] = field(default_factory=dict)
    database_url: str | None = None  # general_settings.database_url
    #: ``unsupported: <key path> (...)`` lines the gateway ignores (logged at start-up).
    warnings: tuple[str, ...] = ()
    general: GeneralSettings = field(default_factory=GeneralSettings)
    #: The document as given (before os.environ/ substitution): hot reload and the
    #: runtime model endpoints rebuild the config from it.
    document: Mapping[str, Any] = field(default_factory=dict)
    allowed_unsupported: bool = False
    # Learned routes (routeiq.learned): virtual model name -> LearnedRouteSettings.
    learned: Mapping[str, learned_settings.LearnedRouteSettings] = field(default_factory=dict)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<root>"


def _substitute_env(
    node: Any, env: Mapping[str, str], loc: tuple[int | str, ...], problems: list[tuple[str, str]]
) -> Any:
    if isinstance(node, str) and node.startswith(ENV_PREFIX):
        name = node[len(ENV_PREFIX) :]
        if name not in env:
            problems.append((_path(loc), f"environment variable {name} is not set"))
            return None
        return env[name]
    if isinstance(node, dict):
        return {k: _substitute_env(v, env, (*loc, str(k)), problems) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute_env(v, env, (*loc, i), problems) for i, v in enumerate(node)]
    return node


def _first_per_path(problems: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One problem per key path (an unset variable, not also "api_key: not set")."""
    seen: set[str] = set()
    out = []
    for path, msg in problems:
        if path == "unsupported" or path not in seen:
            seen.add(path)
            out.append((path, msg))
    return out


def load_config(
    data: Any,
    *,
    env: Mapping[str, str] | None = None,
    source: str = "<memory>",
    allow_unsupported: bool | None = None,
) -> Config:
    """Validate a parsed YAML document; raise ConfigError listing every problem.

    ``allow_unsupported`` (default: ``routeiq.allow_unsupported`` in the file)
    turns LiteLLM settings that would weaken security if ignored into warnings.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([("<root>", "the configuration must be a mapping")])
    problems: list[tuple[str, str]] = []
    document = data
    if allow_unsupported is None:
        section = data.get("routeiq")
        allow_unsupported = isinstance(section, dict) and section.get("allow_unsupported") is True
    warnings: list[str] = []
    for finding in audit(data):
        if finding.kind == "unknown":
            problems.append((finding.path, finding.detail))
        elif finding.blocking and not allow_unsupported:
            problems.append(("unsupported", f"{finding.path} ({finding.detail})"))
        else:
            warnings.append(finding.line())
    env = config_env(data, os.environ if env is None else env)
    # References in sections the gateway does not use (files_settings, search_tools,
    # pass_through_endpoints, ...) are resolved by LiteLLM only when used: not errors here.
    env_problems: list[tuple[str, str]] = []
    data = _substitute_env(data, env, (), env_problems)
    problems.extend(p for p in env_problems if p[0].startswith(USED_SECTIONS))
    credentials = credential_map(data)
    litellm_router_settings(data)  # litellm_settings.fallbacks, ... (router_settings win)
    problems.extend(litellm_cooldowns(data))  # cooldown_time -> routeiq.routing.breaker
    warnings.extend(litellm_cache(data, env))  # litellm_settings.cache -> routeiq.cache
    try:
        raw = RawConfig.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = err["msg"]
            if err["type"] == "extra_forbidden":  # a typo in a routeiq section
                msg = f"{msg}; {nearest_field(RawConfig, loc)}"
            problems.append((_path(loc), msg))
        raise ConfigError(problems, warnings) from None
    deployments: list[Deployment] = []
    seen_ids: set[str] = set()
    learned: dict[str, learned_settings.LearnedRouteSettings] = {}
    for i, entry in enumerate(raw.model_list):
        where = f"model_list[{i}].litellm_params"
        if entry.litellm_params.model == "routeiq/learned":  # a learned route, no upstream
            route, found = learned_settings.parse_route(
                entry.model_info.get("router"), f"model_list[{i}].model_info.router"
            )
            problems.extend(found)
            if route is not None:
                learned[entry.model_name] = route
            continue
        provider, upstream_model = split_model(entry.litellm_params.model)
        found = resolve_params(entry, provider, credentials, env, where)
        if found:
            problems.extend(found)
            continue
        p = entry.litellm_params
        rerank_base = default_rerank_base(provider, entry.model_info.get("mode"))
        if provider in PASS_THROUGH:
            default_base, needs_version = provider_defaults(provider)
        elif rerank_base is not None:  # Cohere / Jina AI rerank, called in their own API
            default_base, needs_version = rerank_base, False
        else:  # translated by litellm (routeiq.llm.translated): checks its own params
            default_base, found = translated_defaults(provider, p.model_dump(), where)
            if found:
                problems.extend(found)
                continue
            needs_version = False
        mode = mode_finding(entry.model_info.get("mode"), provider, f"model_list[{i}]")
        if mode is not None:
            if mode.blocking and not allow_unsupported:
                problems.append(("unsupported", f"{mode.path} ({mode.detail})"))
                continue
            warnings.append(mode.line())
        api_base = p.api_base or default_base
        if api_base is None:
            problems.append((f"{where}.api_base", f"required for provider {provider!r}"))
            continue
        if needs_version and not p.api_version:
            problems.append((f"{where}.api_version", f"required for provider {provider!r}"))
            continue
        extras = dict(p.model_extra or {})
        tags = extras.get("tags") or ()
        if isinstance(tags, str) or not isinstance(tags, list | tuple):
            problems.append((f"{where}.tags", "must be a list of strings"))
            continue
        defaults, extra_headers = split_defaults(extras, p.extra_headers)
        dep_id = str(entry.model_info.get("id") or f"{entry.model_name}-{i}")
        if dep_id in seen_ids:
            problems.append(
                (f"model_list[{i}].model_info.id", f"duplicate deployment id {dep_id!r}")
            )
            continue
        seen_ids.add(dep_id)
        deployments.append(
            Deployment(
                id=dep_id,
                model_name=entry.model_name,
                provider=provider,
                upstream_model=upstream_model,
                api_base=api_base,
                api_key=p.api_key,
                api_version=p.api_version,
                timeout=p.timeout,
                stream_timeout=p.stream_timeout or raw.router_settings.stream_timeout,
                rpm=p.rpm,
                tpm=p.tpm,
                weight=p.weight,
                extra_headers=tuple(extra_headers.items()),
                input_cost_per_token=p.input_cost_per_token,
                output_cost_per_token=p.output_cost_per_token,
                model_info=dict(entry.model_info),
                params=extras,
                defaults=defaults,
                tags=tuple(str(t) for t in tags),
            )
        )
    groups: dict[str, list[Deployment]] = {}
    for d in deployments:
        groups.setdefault(d.model_name, []).append(d)
    from routeiq.routing.strategies import canonical_strategy  # imported only when used

    strategy = raw.router_settings.routing_strategy
    if strategy in learned_settings.LLMROUTER_STRATEGIES:  # RouteIQ's learned strategies
        name, route, found = learned_settings.from_router_settings(
            strategy, raw.router_settings.model_extra, list(groups)
        )
        problems.extend(found)
        if route is not None:
            learned[name] = route
        # Between the deployments of the chosen group: LiteLLM's default.
        raw.router_settings.routing_strategy = "simple-shuffle"
    problems.extend(learned_settings.check_candidates(learned, groups))
    try:
        canonical_strategy(raw.router_settings.routing_strategy)
    except ValueError as exc:
        problems.append(("router_settings.routing_strategy", str(exc)))
    problems.extend(router_group_problems(raw.router_settings, groups.keys()))
    if problems:
        raise ConfigError(_first_per_path(problems), warnings)
    extra = {k: v for k, v in data.items() if k not in RawConfig.model_fields}
    return Config(
        deployments=tuple(deployments),
        groups={k: tuple(v) for k, v in groups.items()},
        router=raw.router_settings,
        master_key=raw.general_settings.master_key,
        routeiq=raw.routeiq,
        source=source,
        extra=extra,
        database_url=raw.general_settings.database_url,
        warnings=tuple(warnings),
        general=raw.general_settings,
        document=document,
        allowed_unsupported=allow_unsupported,
        learned=learned,
    )


def load_config_file(
    path: str | Path, *, env: Mapping[str, str] | None = None, allow_unsupported: bool | None = None
) -> Config:
    data = read_config_document(path)
    return load_config(data, env=env, source=str(path), allow_unsupported=allow_unsupported)


def read_config_document(path: str | Path) -> Any:
    """The parsed YAML of ``path``; ConfigError when unreadable or not YAML."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([("<file>", f"cannot read {p}: {exc.strerror or exc}")]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "<yaml>"
        raise ConfigError([(where, f"invalid YAML: {getattr(exc, 'problem', exc)}")]) from None
    if isinstance(data, dict) and "include" in data:  # LiteLLM's include: other files merged
        data, problems = resolve_includes(data, p.resolve(), _read_yaml)
        if problems:
            raise ConfigError(problems)
    return data


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise OSError(f"invalid YAML: {getattr(exc, 'problem', exc)}") from None


def demo_config(mock_base: str, *, master_key: str | None = None) -> Config:
    """The embedded default: two model groups served by the built-in mock upstream."""
    data: dict[str, Any] = {
        "model_list": [
            {
                "model_name": name,
                "litellm_params": {
                    "model": f"openai/{name}",
                    "api_base": mock_base,
                    "api_key": "mock",
                },
                "model_info": {"id": f"mock-{name}"},
            }
            for name in ("gpt-4o-mini", "gpt-4o")
        ]
        + [
            {
                "model_name": "text-embedding-3-small",
                "litellm_params": {
                    "model": "openai/text-embedding-3-small",
                    "api_base": mock_base,
                    "api_key": "mock",
                },
                "model_info": {"id": "mock-embeddings"},
            }
        ],
        "general_settings": {"master_key": master_key} if master_key else {},
    }
    return load_config(data, source="<demo>")


Strategy = Literal["simple-shuffle", "least-busy", "latency-based", "cost-based", "usage-based"]
