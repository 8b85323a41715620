"""Walk a parsed LiteLLM config and report what this gateway would not do (I/O-free).

Every key of the checked sections (``catalogue.SECTIONS``) is looked up in the
catalogue: ``unsupported`` settings become findings that stop start-up unless
unsupported settings are allowed, ``cosmetic`` ones become warnings, and a key
neither LiteLLM nor RouteIQ knows is an error naming the nearest known key. The
entries of ``litellm_settings.callbacks`` are judged one by one: a callback that
only ships logs elsewhere is cosmetic, one that may enforce something is not.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from routeiq.compat.catalogue import CATALOGUE, SAME_AS_ROUTEIQ, Status, known_keys

Kind = Literal["unsupported", "cosmetic", "unknown"]

#: Callbacks that only send logs, traces or metrics to a third-party service.
LOGGING_CALLBACKS = frozenset(
    """langfuse langfuse_otel langsmith lunary helicone datadog datadog_llm_observability
    ddtrace s3 s3_v2 gcs_bucket gcs_pubsub azure_storage dynamodb sqs braintrust arize
    arize_phoenix athina greenscale literalai logfire mlflow openmeter posthog wandb weave
    traceloop supabase slack email generic_api opik humanloop galileo levo agentops
    deepeval cloudzero focus sentry bitbucket gitlab lago langtrace aim promptlayer
    clickhouse custom_callback_api webhook""".split()
)
#: Callbacks RouteIQ has built in (its own /metrics and OpenTelemetry export).
BUILT_IN_CALLBACKS = frozenset({"prometheus", "otel", "opentelemetry"})


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # with list indices: model_list[3].litellm_params.tags
    kind: Kind
    detail: str

    @property
    def blocking(self) -> bool:
        """True when start-up stops on it unless unsupported settings are allowed."""
        return self.kind == "unsupported"

    def line(self) -> str:
        word = "unknown" if self.kind == "unknown" else "unsupported"
        return f"{word}: {self.path} ({self.detail})"


def _suggest(key: str, section: str) -> str:
    names = known_keys(section)
    close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
    if not close:  # a case slip or a prefix: "Model_Name", "api"
        lowered = {n.lower(): n for n in names}
        close = [lowered[key.lower()]] if key.lower() in lowered else []
    hint = f"did you mean {close[0]!r}?" if close else "no similar setting"
    where = section or "the top level"
    return f"neither LiteLLM nor RouteIQ has this setting in {where}; {hint}"


def _keys(node: Any, section: str, where: str) -> Iterator[Finding]:
    if not isinstance(node, Mapping):
        return
    for key in node:
        key = str(key)
        path = f"{where}.{key}" if where else key
        pattern = f"{section}.{key}" if section else key
        setting = CATALOGUE.get(pattern)
        if pattern in SAME_AS_ROUTEIQ and node[key] == SAME_AS_ROUTEIQ[pattern]:
            continue
        if setting is None:
            yield Finding(path, "unknown", _suggest(key, section))
        elif setting.status is Status.UNSUPPORTED:
            yield Finding(path, "unsupported", setting.litellm)
        elif setting.status is Status.COSMETIC:
            yield Finding(path, "cosmetic", setting.litellm)


def _callbacks(value: Any, where: str) -> Iterator[Finding]:
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        name = str(item)
        path = f"{where}[{i}]"
        if name in BUILT_IN_CALLBACKS:
            continue
        if name in LOGGING_CALLBACKS:
            yield Finding(path, "cosmetic", f"{name}: sends logs to a third-party service")
        else:
            yield Finding(
                path, "unsupported", f"{name}: a callback that may enforce or rewrite requests"
            )


def audit(data: Mapping[str, Any]) -> list[Finding]:
    """Every finding in ``data`` (a parsed config), in document order."""
    out = list(_keys(data, "", ""))
    for name in ("general_settings", "router_settings"):
        out.extend(_keys(data.get(name), name, name))
    settings = data.get("litellm_settings")
    if isinstance(settings, Mapping):
        for f in _keys(settings, "litellm_settings", "litellm_settings"):
            if f.path != "litellm_settings.callbacks":
                out.append(f)
        if "callbacks" in settings:
            out.extend(_callbacks(settings["callbacks"], "litellm_settings.callbacks"))
    models = data.get("model_list")
    for i, entry in enumerate(models if isinstance(models, list) else []):
        where = f"model_list[{i}]"
        out.extend(_keys(entry, "model_list[]", where))
        if not isinstance(entry, Mapping):
            continue
        out.extend(
            _keys(
                entry.get("litellm_params"),
                "model_list[].litellm_params",
                f"{where}.litellm_params",
            )
        )
        # model_info is free-form metadata in LiteLLM: keys we do not know are kept
        # (shown by /model/info), never an error; the known unsupported ones are reported.
        for f in _keys(entry.get("model_info"), "model_list[].model_info", f"{where}.model_info"):
            if f.kind != "unknown":
                out.append(f)
    creds = data.get("credential_list")
    for i, entry in enumerate(creds if isinstance(creds, list) else []):
        out.extend(_keys(entry, "credential_list[]", f"credential_list[{i}]"))
    return out


#: model_info.mode values whose endpoints RouteIQ serves.
SERVED_MODES = frozenset(
    {
        "chat",
        "completion",
        "embedding",
        # routeiq.surfaces.raw
        "image_generation",
        "audio_speech",
        "audio_transcription",
        "rerank",
        "moderation",
    }
)


def mode_finding(mode: Any, provider: str, where: str) -> Finding | None:
    """What a deployment's ``model_info.mode`` means here: embeddings through a
    translated provider are not served (blocking: the deployment would answer every
    request with an error); modes of endpoints RouteIQ does not serve are a warning."""
    if mode is None:
        return None
    from routeiq.llm.providers import PASS_THROUGH  # the OpenAI-format providers

    path = f"{where}.model_info.mode"
    if mode == "embedding" and provider not in PASS_THROUGH:
        return Finding(
            path,
            "unsupported",
            f"embeddings through provider {provider!r}: RouteIQ translates chat completions "
            "only; embeddings are served for OpenAI-format providers",
        )
    if mode not in SERVED_MODES:
        return Finding(path, "cosmetic", f"LiteLLM serves its {mode} endpoints with it")
    return None


def nearest_field(root: Any, loc: tuple[int | str, ...]) -> str:
    """ "did you mean ...?" for an unknown key at ``loc`` below the pydantic model ``root``."""
    import typing

    from pydantic import BaseModel

    model = root
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return "no similar setting"
        candidates = [field.annotation, *typing.get_args(field.annotation)]
        found = [c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)]
        if not found:
            return "no similar setting"
        model = found[0]
    close = difflib.get_close_matches(str(loc[-1]), list(model.model_fields), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else "no similar setting"
