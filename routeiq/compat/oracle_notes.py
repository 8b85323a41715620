# ruff: noqa: E501  (a Markdown table: one row per line)
"""What LiteLLM's proxy does on the wire, as checked against it (a section of
``docs/litellm-compatibility.md``, rendered by ``routeiq.compat.doc``)."""

from __future__ import annotations

BEHAVIOUR = """
## Behaviour on the wire, checked against LiteLLM 1.110.2's proxy

LiteLLM 1.110.2's proxy (`litellm --config`, in a separate virtualenv) and RouteIQ were
run side by side in front of the project's mock upstream (`routeiq mock-upstream`) on
one config: a model group `gpt-4o-mini` served by `openai/mock-small`, an alias
(`model_group_alias: {alias-mini: gpt-4o-mini}`), a wildcard deployment (`wild/*` ->
`openai/*`), a failing group with `fallbacks: [{broken: [gpt-4o-mini]}]`, groups whose
upstream answers 422, 500 and never. Statuses, headers and bodies were compared; the
tests encode RouteIQ's side (`tests/e2e/test_litellm_parity.py`,
`tests/compat/test_model_stamp.py` and the files named below).

| what | LiteLLM 1.110.2 | RouteIQ |
|---|---|---|
| `model` of an answer and of every streamed chunk | the name the client asked for: the group, the alias (`alias-mini`), the wildcard match (`wild/foo-model`), not the upstream's `mock-small` | same |
| `model` after a fallback | whole answer: the upstream's own name (`mock-small`); streamed chunks: the fallback's group (`gpt-4o-mini`) | same |
| `model` after an auto/learned router | the raw model that answered (`return_raw_model_name`) | a learned route's answer keeps the model that answered |
| `x-litellm-model-group` | the name asked for (the alias included); after a fallback, the fallback's group | same |
| `x-litellm-attempted-retries`, `x-litellm-attempted-fallbacks` | on every answer (`0`/`0`; `0`/`1` after one fallback) | same (retries: attempts on the same group) |
| `x-litellm-model-name`, `x-litellm-model-api-base` | the deployment's `litellm_params.model` and `api_base` (no query) | same (no query, no user:password) |
| `x-litellm-key-spend` | the key's spend before the request plus this answer's cost (`1.8e-05` for the master key's first call; `0.0` on a stream, whose cost comes later) | same, on every model request |
| `x-litellm-key-max-budget`, `-key-rpm-limit`, `-key-tpm-limit` | those the key sets | same |
| `llm_provider-<name>` | every upstream response header | same, but `set-cookie`; `general_settings.return_llm_provider_headers: false` (RouteIQ's switch, default `true`) leaves them out: each copy costs ~1.1-1.4 us of h11/hypercorn work per response (`bench/provider_headers.py`) |
| `x-litellm-response-cost-original`, `-discount-amount`, `-margin-amount`, `-margin-percent`, `-input`, `-output`, `-tool-usage`; `-cache-read`, `-cache-creation`, `-reasoning` when above 0 (`cost_headers` in `proxy/common_request_processing.py`) | the parts of `x-litellm-response-cost`: before discount/margin, the discount and margin (`0.0` without `cost_discount_config`/`cost_margin_config`), uncached input, output (reasoning included), cache reads/writes, reasoning, built-in tools; none when the price is unknown | same on priced whole answers (`routeiq/pricing/breakdown.py`): RouteIQ has no discounts or margins, so `-original` is the total and the three are `0`; built-in tools are not priced here, so `-tool-usage` is `0` and the total leaves them out too; fixed-point numbers (`0.000018`) where LiteLLM writes Python floats (`1.8e-05`); streamed answers carry the cost in a closing SSE comment instead; a cache hit of a priced group sends the total and these parts as `0`, as LiteLLM (`0.0`) |
| `x-litellm-overhead-duration-ms`, `x-litellm-callback-duration-ms`, `x-litellm-version` | sent | not sent (no callbacks here; `x-routeiq-request-ms` is the gateway's time) |
| cached answer asked through an alias | the cache key's model is the request's `metadata.model_group`, which the router sets to the name as given (`router_rust/core.py`, `prepare_request`): an alias and its group are two entries, unless `router_settings.caching_groups` joins them | **different**: keyed by the model group that answers (`CacheService.group_of`, the router's alias resolution): asked through `alias-mini`, the same prompt through `gpt-4o-mini` is a hit (and back), its `model` restamped to the name asked; namespaces (key/team) still apart; a flush by the alias's name flushes the group (`tests/e2e/test_litellm_headers_and_alias_cache.py`) |
| unknown model | 400 `invalid_request_error`, code `"400"` ("There are no healthy deployments for this model") | **different**: 404 `not_found_error`, code `model_not_found`, as OpenAI answers (the SDK's `NotFoundError`; a model removed by a reload is a 404 too) |
| upstream 4xx (422) | the upstream's status, type as the upstream's | same status; type `invalid_request_error`, code `upstream_rejected` |
| upstream 500 | 500 `internal_server_error` | **different**: 502 `upstream_error`, code `bad_gateway` (the gateway did not fail; the OpenAI SDK retries both) |
| upstream timeout | 408 `litellm.Timeout` | **different**: 504 `upstream_error`, code `upstream_timeout` |
| a guardrail block after a stream started | (LiteLLM's own guardrails) | 400 `guardrail_blocked` in each surface's shape: chat's in-band `{"error": ...}`, Messages' `error` event `invalid_request_error`, Responses' `response.failed` with `code: guardrail_blocked` (`tests/plugins/test_output_block_surfaces.py`) |
| `/health/readiness` | `{"status": "healthy", "db": "Not connected"}` without a database; `db` `connected`, else 503 | `db` the same words; a disconnected key database stays 200 (cached keys are served), as LiteLLM with `allow_requests_on_db_unavailable` |
| `GET /spend/logs` | a bare list of `LiteLLM_SpendLogs` rows (dated queries summarised unless `summarize=false`) | **different**: a page `{data, total, page, page_size, total_pages}`; rows carry LiteLLM's names (`request_id`, `api_key`, `spend`, `*_tokens`, `startTime`, `endTime`, `model`, `model_id`, `model_group`, `user`, `team_id`, `end_user`, `litellm_call_id`, `request_duration_ms`) beside RouteIQ's; `status` is the HTTP status (LiteLLM: `success`/`failure`) |
| `GET /spend/logs/v2` | the paged shape with `total_is_capped` | same (`total_is_capped: false`: totals are exact) |
| `litellm_settings.cache` + `cache_params` | LiteLLM's cache (`type` defaults to `redis`, from `REDIS_HOST`/`REDIS_PORT`/`REDIS_PASSWORD`), one cache for all callers | mapped onto `routeiq.cache` (`routeiq/compat/cache_params.py`): `local` -> l1, `redis` -> l1 + l2 in Redis, `redis-semantic` -> + the semantic tier at `similarity_threshold`; other types and keys are warned by name; answers are kept per API key |
| `/rerank` to `cohere/`, `jina_ai/` | the provider's rerank API | same (`model_info.mode: rerank`; the Cohere-format body passed on) |
| no price for a model | cost 0, so budgets never bind it | same, said once at start-up naming the groups; tokens still counted |

Budget settlement of requests that report no usage (`Governance.finish`): the upstream
was never called -> 0; the client left a stream before its first byte -> the prompt's
estimated tokens (body bytes / 4 + 1) at the input price; the client left after the
answer began, left a request without `stream` early (the upstream may have generated the
whole answer unsent), or a stream gave no usage -> the whole reservation. A request without
`max_tokens` reserves the model's own output limit (`model_info`, else litellm's map,
e.g. 16384 for gpt-4o-mini), else `routeiq.governance.default_max_tokens`, for chat and
`/v1/completions` alike.
"""
