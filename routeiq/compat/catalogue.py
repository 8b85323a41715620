"""Every LiteLLM proxy setting the gateway knows, and what it does with each.

Key paths use ``[]`` for "any list item": ``model_list[].litellm_params.tags``.
Each setting has a status:

- ``supported``: RouteIQ does what LiteLLM does.
- ``different``: honoured, with a difference the note spells out (a value that is
  not used at all is never ``different``: it is ``cosmetic`` or ``unsupported``).
- ``unsupported``: not implemented, and ignoring it would weaken security or
  correctness (a guardrail, an auth hook, a budget, a routing rule): start-up
  stops with the message unless ``--allow-unsupported`` / ``routeiq.allow_unsupported``.
- ``cosmetic``: not implemented and harmless to ignore (UI, alerting, logging to
  third-party services, database tuning): a warning.

Sources: LiteLLM's documented ``config.yaml`` settings and the pinned wheel's own
models (``ConfigGeneralSettings``, ``GenericLiteLLMParams``, ``CredentialLiteLLMParams``,
``UpdateRouterConfig``). ``docs/litellm-compatibility.md`` is rendered from this table
(``routeiq.compat.doc``) and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from routeiq.compat.price_keys import PRICE_KEYS


class Status(StrEnum):
    SUPPORTED = "supported"
    DIFFERENT = "different"
    UNSUPPORTED = "unsupported"
    COSMETIC = "cosmetic"


@dataclass(frozen=True, slots=True)
class Setting:
    path: str
    status: Status
    litellm: str  # what LiteLLM does with it
    routeiq: str = ""  # what RouteIQ does instead (supported / different), or a hint


CATALOGUE: dict[str, Setting] = {}
#: Sections whose keys are checked (unknown keys there are typos).
SECTIONS = (
    "",
    "general_settings",
    "litellm_settings",
    "router_settings",
    "model_list[]",
    "model_list[].litellm_params",
    "model_list[].model_info",
    "credential_list[]",
)

S, D, U, C = Status.SUPPORTED, Status.DIFFERENT, Status.UNSUPPORTED, Status.COSMETIC


def _add(section: str, status: Status, keys: str, litellm: str, routeiq: str = "") -> None:
    for key in keys.split():
        path = f"{section}.{key}" if section else key
        CATALOGUE[path] = Setting(path, status, litellm, routeiq)


# -- top level -----------------------------------------------------------------
_add("", S, "model_list", "the deployments", "same")
_add("", S, "general_settings litellm_settings router_settings", "settings sections", "same")
_add("", S, "routeiq", "(RouteIQ's own section)", "every RouteIQ setting")
_add(
    "",
    D,
    "environment_variables",
    "sets these variables in the process environment",
    "used for os.environ/ references and provider credentials; not exported to the process",
)
_add(
    "",
    S,
    "credential_list",
    "named credentials, referenced by litellm_params.litellm_credential_name",
    "same (credential_values merged under the deployment's own params)",
)
_add("", U, "guardrails", "runs these guardrails on requests", "configure routeiq.guardrails")
_add("", U, "policies policy_attachments", "guardrail pipelines attached to models/teams")
_add(
    "",
    S,
    "include",
    "merges other YAML files into this config",
    "same (relative to the including file; lists extend, other values replace)",
)
_add("", C, "mcp_servers mcp_tools", "registers MCP servers", "configure routeiq.mcp")
_add("", C, "search_tools sandbox_tools", "search / code-sandbox tools for interception hooks")
_add("", C, "finetune_settings files_settings", "/fine_tuning and /files endpoint providers")
_add("", C, "vector_store_registry prompts agents worker_registry", "registries for LiteLLM APIs")
_add("", C, "callback_settings", "per-callback options")

# -- general_settings ----------------------------------------------------------
G = "general_settings"
_add(G, S, "master_key", "the admin key; every request needs a key", "same")
_add(
    G,
    U,
    "custom_auth custom_auth_settings custom_sso",
    "replaces key authentication with a Python function",
)
_add(
    G,
    U,
    "allowed_routes admin_only_routes public_routes enforce_user_param "
    "allowed_ips reject_clientside_metadata_tags enable_jwt_auth litellm_jwtauth "
    "user_header_name user_header_mappings disable_env_credential_login "
    "allowed_client_side_s3_buckets allowed_client_side_s3_endpoint_urls "
    "vector_store_deny_by_default search_tool_deny_by_default agent_access_default_deny "
    "disable_responses_id_security user_url_validation user_url_allowed_hosts "
    "provider_url_destination_allowed_hosts trusted_proxy_ranges enforce_fallback_model_access "
    "custom_team_metadata_validate key_management_system use_google_kms use_azure_key_vault "
    "key_management_settings",
    "an access-control or key-handling rule",
    "use routeiq.auth / routeiq.policy",
)
_add(
    G,
    U,
    "max_parallel_requests global_max_parallel_requests max_request_size_mb "
    "max_response_size_mb fail_closed_rate_limit_enforcement max_in_flight_requests_per_worker "
    "max_queued_requests_per_worker admission_queue_timeout_seconds "
    "disable_budget_reservation apply_user_budget_to_team_keys self_serve_budget_policy "
    "max_budget_per_team default_team_disabled",
    "a request, size or budget limit",
    "use routeiq.server.max_in_flight / max_body_bytes",
)
_add(
    G,
    U,
    "pass_through_endpoints",
    "serves extra proxied routes (with their own auth headers)",
)
_add(G, U, "infer_model_from_keys", "serves models listed on virtual keys")
_add(
    G,
    C,
    "database_connection_pool_limit database_connection_timeout "
    "database_connect_timeout database_socket_timeout database_max_idle_connection_lifetime "
    "database_extra_connection_params database_disable_prepared_statements database_type "
    "database_args disable_prisma_schema_update store_model_in_db "
    "store_prompts_in_spend_logs spend_logs_prompt_storage disable_spend_logs "
    "disable_error_logs use_spend_logs_ledger use_spend_logs_partitioning "
    "spend_logs_metadata_fields maximum_spend_logs_retention_period "
    "maximum_spend_logs_retention_interval maximum_autorouter_session_retention_period "
    "maximum_health_check_retention_period maximum_daily_tag_spend_retention_period "
    "maximum_spend_logs_size maximum_spend_logs_cleanup_target_size "
    "maximum_spend_logs_size_check_interval maximum_spend_logs_cleanup_batch_size "
    "maximum_spend_logs_cleanup_max_batches maximum_spend_logs_cleanup_run_budget "
    "maximum_spend_logs_cleanup_batch_timeout use_redis_transaction_buffer "
    "proxy_batch_write_at scheduled_job_stagger spend_capture_rate_check "
    "disable_requester_ip_address_logging supported_db_objects "
    "user_api_key_cache_max_size",
    "LiteLLM's Prisma database (virtual keys, spend logs); without it virtual keys "
    "do not exist, so requests with them are refused (fails closed)",
)
_add(
    G,
    S,
    "database_url",
    "LiteLLM's Prisma database for virtual keys, teams and spend logs",
    "PostgreSQL for keys, teams, budgets and spend logs (routeiq.governance); "
    "without it, SQLite under routeiq.governance.data_dir",
)
_add(
    G,
    C,
    "alerting alert_types alert_to_webhook_url alerting_args alerting_threshold "
    "ui_access_mode ui_username ui_password enable_public_model_hub "
    "disable_master_key_return disable_reset_budget disable_adding_master_key_hash_to_db "
    "max_failed_login_attempts_per_source max_failed_login_attempts_per_source_overrides "
    "failed_login_window_seconds failed_login_block_seconds "
    "allow_cli_sso_verification_uri_complete password_policy_min_length "
    "password_policy_require_uppercase password_policy_require_lowercase "
    "password_policy_require_numbers password_policy_require_special_characters "
    "disable_password_login_when_sso_enabled disable_auto_add_proxy_admin_to_teams "
    "control_plane_url enable_claude_code_gateway claude_code_gateway_managed_settings "
    "claude_code_marketplace_auth_required",
    "Slack/webhook alerting and the admin UI",
)
_add(
    G,
    D,
    "otel",
    "exports OpenTelemetry traces",
    "always on: configure with routeiq.telemetry and the OTEL_* variables",
)
_add(
    G,
    S,
    "background_health_checks health_check_interval",
    "checks every deployment in the background",
    "same (GET /health answers from the latest round); a failure opens the "
    "deployment's circuit breaker until the next round",
)
_add(
    G,
    S,
    "return_llm_provider_headers",
    "(not a LiteLLM setting: its proxy always sends every upstream response header "
    "again as llm_provider-<name>)",
    "RouteIQ's switch for those copies, under LiteLLM's section: true (the default) "
    "sends them as LiteLLM does; false leaves them out (each costs ~1.1-1.4 us of "
    "h11/hypercorn work per response: bench/provider_headers.py)",
)
_add(
    G,
    C,
    "health_check_concurrency health_check_skip_disabled_background_models "
    "background_health_check_model_groups model_list_healthy_only health_check_details "
    "return_wildcard_routes",
    "health-check tuning and /models filtering",
)
_add(
    G,
    C,
    "coordination_redis",
    "a Redis shared by several proxy instances",
    "use routeiq.state.backend: redis",
)
_add(
    G,
    C,
    "cancel_on_disconnect",
    "cancels the upstream call when the client goes away",
    "RouteIQ always does",
)
_add(
    G,
    U,
    "forward_client_headers_to_llm_api forward_openai_org_id",
    "forwards client headers upstream",
)
_add(G, U, "plugins request_tag_mappings completion_model", "rewrites requests")
_add(
    G,
    U,
    "allow_client_side_credentials allow_user_auth custom_auth_run_common_checks "
    "custom_key_generate custom_key_policy custom_key_update disable_custom_api_keys "
    "disable_key_generate_for_org_admin enforce_rbac role_permissions enforced_params "
    "service_account_settings team_metadata_schema litellm_key_header_name use_x_forwarded_for",
    "an access-control, key-generation or request-validation rule",
    "use routeiq.auth / routeiq.policy (x-litellm-api-key is read)",
)
_add(
    G,
    U,
    "fail_closed_budget_enforcement token_rate_limit_type",
    "how budgets and token rate limits are enforced",
)
_add(
    G,
    C,
    "allow_requests_on_db_unavailable allow_public_health_readiness_details "
    "always_include_stream_usage alert_type_config auto_redirect_ui_login_to_sso "
    "custom_ui_sso_sign_in_handler database_connection_pool_timeout "
    "disable_batch_input_file_rate_limiting disable_bedrock_agent_runtime_passthrough "
    "disable_model_info_refresh disable_retry_on_max_parallel_request_limit_error "
    "disable_spend_updates drain_endpoint_token enable_drain_endpoint "
    "enable_health_check_routing enable_mcp_registry expose_fallback_errors_to_caller "
    "health_check_ignore_transient_errors health_check_staleness_threshold "
    "hide_default_credentials_hint maximum_spend_logs_cleanup_cron "
    "mcp_allow_all_keys_respects_mcp_scope mcp_client_side_auth_header_name "
    "mcp_session_token_signing passthrough_managed_object_ids "
    "password_policy_check_breached_passwords proxy_batch_polling_interval "
    "proxy_budget_rescheduler_min_time proxy_budget_rescheduler_max_time "
    "require_end_user_mcp_access_defined require_key_mcp_access_defined search_tools "
    "skip_batch_input_file_rate_limiting_for_models "
    "skip_batch_input_file_rate_limiting_for_providers spend_report_frequency tracing "
    "track_unmanaged_batch_cost use_shared_health_check use_team_public_model_name "
    "user_api_key_cache_ttl",
    "LiteLLM proxy internals: its database jobs, UI, MCP registry, batch files, drain "
    "endpoint and health-check details",
    "RouteIQ serves cached keys while its database is down and drains on SIGTERM",
)
_add(
    G,
    C,
    "proxy_config_reload_interval_seconds include_call_id_in_error_body "
    "dangerously_permit_weak_or_unset_master_key pass_through_request_timeout "
    "responses_websocket_session_limit_seconds enable_openai_websocket_passthrough "
    "vertex_ai_pass_through_drop_anthropic_betas transcribe_media_buckets "
    "user_mcp_management_mode mcp_internal_ip_ranges mcp_advertised_versions "
    "mcp_disabled_capabilities mcp_allowed_clients mcp_require_explicit_server_scope "
    "mcp_client_id_header mcp_trusted_proxy_ranges mcp_xff_num_trusted_hops "
    "mcp_prefer_client_id_metadata_document mcp_required_fields skill_scanner "
    "missing_session_id allow_unmanaged_response_ids team_metadata_validation_timeout "
    "team_metadata_validation_error_message max_batch_file_size_mb max_batch_file_records "
    "max_batch_file_uploads_per_day max_file_downloads_per_minute max_file_size_mb "
    "allowed_file_extensions blocked_file_extensions disable_fallbacks_on_per_model_rate_limits",
    "settings of LiteLLM endpoints RouteIQ does not serve (files, batches, MCP admin, UI)",
)

# -- litellm_settings ----------------------------------------------------------
L = "litellm_settings"
_add(L, C, "telemetry", "LiteLLM's old usage telemetry switch (off in current releases)")
_add(
    L,
    U,
    "custom_provider_map post_call_rules model_group_settings priority_reservation_settings "
    "key_alias_pattern max_ui_session_budget budget_reset_time",
    "custom providers, response rules, per-group header forwarding, priority quotas, "
    "key and budget rules",
)
_add(
    L,
    C,
    "enable_redis_auth_cache global_bitbucket_config global_gitlab_config "
    "global_prompt_directory mcp_aliases store_audit_logs suppress_startup_output responses",
    "LiteLLM proxy internals: auth cache, prompt repositories, MCP aliases, audit logs, "
    "start-up output, background Responses settings",
)
_add(
    L,
    D,
    "callbacks",
    "runs these callbacks; some enforce (guardrails, budgets), some only log",
    "each entry is judged: prometheus/otel are built in, logging services are a warning, "
    "anything else stops start-up",
)
_add(
    L,
    C,
    "success_callback failure_callback service_callback audit_log_callbacks "
    "langfuse_default_tags turn_off_message_logging redact_messages_in_exceptions "
    "redact_user_api_key_info log_raw_request_response json_logs set_verbose "
    "disable_end_user_cost_tracking disable_end_user_cost_tracking_prometheus_only "
    "enable_end_user_cost_tracking_prometheus_only custom_prometheus_metadata_labels "
    "prometheus_metrics_config default_team_settings websearch_interception_params "
    "code_interpreter_interception_params mcp_semantic_tool_filter",
    "logging to third-party services and their options",
)
_add(
    L,
    S,
    "fallbacks context_window_fallbacks default_fallbacks",
    "fallback model groups (same meaning as in router_settings)",
    "same; router_settings wins when both set one",
)
_add(
    L,
    U,
    "content_policy_fallbacks",
    "falls back when the provider refuses for content policy",
)
_add(
    L,
    D,
    "num_retries",
    "retries per request",
    "router_settings.num_retries wins when both are set",
)
_add(L, D, "request_timeout", "default upstream timeout", "sets router_settings.timeout")
_add(
    L,
    D,
    "drop_params",
    "drops OpenAI params a provider does not support",
    "OpenAI-format providers get every param; translated ones drop what litellm's class drops",
)
_add(
    L,
    C,
    "modify_params",
    "rewrites messages a provider would reject (e.g. empty content)",
)
_add(
    L,
    U,
    "max_budget budget_duration max_end_user_budget max_internal_user_budget "
    "internal_user_budget_duration default_key_generate_params upperbound_key_generate_params "
    "key_generation_settings default_internal_user_params default_max_internal_user_budget "
    "require_auth_for_metrics_endpoint enable_json_schema_validation "
    "guardrails enable_preview_features force_ipv4",
    "a budget, key-generation or request-validation rule",
)
_add(
    L,
    D,
    "cache cache_params",
    "LiteLLM's response cache (type local, redis, redis-semantic, s3, ...)",
    "mapped onto routeiq.cache when the file has no routeiq.cache: local -> l1, redis -> "
    "l1 + l2 (host/port -> routeiq.state redis), redis-semantic -> + semantic at "
    "similarity_threshold, ttl -> the TTLs; other types and keys warned; per API key, "
    "not one cache for all callers",
)
_add(
    L,
    C,
    "enable_caching_on_provider_specific_optional_params",
    "LiteLLM's response cache key options",
    "use routeiq.cache",
)
_add(
    L,
    C,
    "include_cost_in_streaming_usage return_response_headers "
    "ssl_verify ssl_certificate disable_streaming_logging",
    "response details and TLS options of LiteLLM's own client",
)
_add(L, C, "model_alias_map", "renames models", "use router_settings.model_group_alias")

# -- router_settings -----------------------------------------------------------
R = "router_settings"
_add(
    R,
    S,
    "routing_strategy",
    "how a deployment is picked",
    "simple-shuffle, least-busy, latency-, cost-, usage-based (and RouteIQ's llmrouter-*)",
)
_add(R, S, "num_retries timeout", "retries and the overall timeout", "same")
_add(
    R,
    S,
    "fallbacks context_window_fallbacks default_fallbacks",
    "fallback model groups",
    "same",
)
_add(R, U, "content_policy_fallbacks", "falls back on content-policy refusals")
_add(
    R,
    S,
    "model_group_alias",
    "another name for a model group (string or {model, hidden})",
    "same; hidden aliases are not listed in /v1/models",
)
_add(
    R,
    S,
    "enable_tag_filtering",
    "only deployments whose litellm_params.tags match the request's tags",
    "same (metadata.tags or x-litellm-tags)",
)
_add(
    R,
    S,
    "enable_pre_call_checks",
    "skips deployments whose context window cannot fit the request",
    "same, with a fast estimate (4 characters a token + 4 a message); then "
    "context_window_fallbacks",
)
_add(
    R,
    D,
    "cooldown_time disable_cooldowns",
    "how long a failing deployment is left out; no cool-down at all",
    "set routeiq.routing.breaker.cooldown / enabled: false (the breaker's own setting "
    "wins); the breaker opens on a failure rate (failure_rate over window), not a count",
)
_add(
    R,
    C,
    "allowed_fails allowed_fails_policy",
    "cool-down of failing deployments",
    "a circuit breaker per deployment: tune routeiq.routing.breaker",
)
_add(
    R,
    C,
    "redis_host redis_port redis_password redis_url",
    "Redis shared by instances for usage counters",
    "use routeiq.state.backend: redis",
)
_add(
    R,
    C,
    "retry_after routing_strategy_args model_group_retry_policy retry_policy max_retries "
    "optional_pre_call_checks fallback_on_unsupported_params tag_filtering_match_any "
    "tag_routing_prefix default_max_parallel_requests router_general_settings "
    "cache_responses enable_health_check_routing health_check_ignore_transient_errors "
    "background_health_check_model_groups routing_groups weights "
    "model_group_affinity_config kubernetes_pod_discovery search_tools guardrail_list "
    "fallback_access_check fallback_budget_check",
    "fine tuning of LiteLLM's router",
)
_add(
    R,
    U,
    "provider_budget_config default_deployment default_litellm_params "
    "provider_default_deployment_ids",
    "budgets per provider and default deployments",
)
_add(
    R,
    S,
    "stream_timeout",
    "the timeout of a streamed call to a deployment without its own stream_timeout",
    "same",
)
_add(R, U, "plugins", "routing plugins that pick or filter deployments")
_add(
    R,
    C,
    "max_fallbacks polling_interval default_priority caching_groups cache_kwargs client_ttl "
    "redis_db debug_level set_verbose alerting_config assistants_config _host "
    "ignore_invalid_deployments enable_weighted_failover session_affinity_repin_on_failover "
    "deployment_affinity_ttl_seconds enable_mid_stream_fallback_continuation "
    "auto_router_capability_limit health_check_staleness_threshold",
    "more tuning of LiteLLM's router (Router() arguments)",
)

# -- one model_list entry -------------------------------------------------------
M = "model_list[]"
_add(M, S, "model_name litellm_params model_info", "the entry's parts", "same")
_add(M, S, "tpm rpm", "limits of the deployment", "same as litellm_params.tpm/rpm")

# -- litellm_params --------------------------------------------------------------
P = "model_list[].litellm_params"
_add(
    P,
    S,
    "model api_base api_key api_version timeout stream_timeout rpm tpm weight "
    "extra_headers input_cost_per_token output_cost_per_token litellm_credential_name "
    "organization tags input_cost_per_second",
    "the deployment's address, credentials, limits and prices",
    "same",
)
_add(
    P,
    S,
    "temperature max_tokens max_completion_tokens top_p n stop presence_penalty "
    "frequency_penalty seed user response_format logit_bias logprobs top_logprobs "
    "reasoning_effort parallel_tool_calls tool_choice tools service_tier "
    "extra_body dimensions encoding_format",
    "default request params, the request's own win",
    "same (merged under the request's own)",
)
_add(
    P,
    S,
    "aws_region_name aws_access_key_id aws_secret_access_key aws_session_token "
    "aws_bedrock_runtime_endpoint",
    "Bedrock region and credentials",
    "same; without keys, botocore's default chain (env, profile, IRSA, instance role)",
)
_add(
    P,
    U,
    "aws_profile_name aws_role_name aws_session_name aws_web_identity_token aws_sts_endpoint "
    "aws_external_id aws_session_tags aws_bedrock_control_plane_endpoint "
    "aws_bedrock_project_id bedrock_tags azure_ad_token tenant_id client_id client_secret "
    "azure_scope azure_username azure_password region_name watsonx_region_name "
    "token_exchange_endpoint "
    "token_exchange_profile token_exchange_scope token_exchange_audience "
    "openai_identity_provider_id openai_service_account_id openai_identity_token_file "
    "anthropic_federation_rule_id anthropic_organization_id anthropic_service_account_id "
    "anthropic_federation_workspace_id anthropic_identity_token_file anthropic_identity_token "
    "anthropic_identity_source anthropic_issuer_url anthropic_issuer_subject "
    "anthropic_issuer_audience anthropic_issuer_ttl_seconds anthropic_issuer_signing_key_ref "
    "anthropic_keycloak_token_url anthropic_keycloak_client_id anthropic_keycloak_auth_method "
    "anthropic_keycloak_client_secret_ref anthropic_keycloak_scope "
    "anthropic_disable_workload_identity_federation use_xai_oauth chatgpt_auth_file",
    "credentials obtained by a token exchange (STS role, Entra ID, Vertex, federation)",
)
_add(
    P,
    S,
    "vertex_project vertex_location vertex_credentials",
    "Vertex AI project, location and credentials",
    "same for Gemini on Vertex (google-auth: a service-account file or JSON, else "
    "application default credentials)",
)
_add(
    P,
    C,
    "s3_bucket_name s3_endpoint_url s3_region_name s3_access_key_id s3_secret_access_key "
    "s3_encryption_key_id s3_bucket_owner aws_batch_role_arn s3_output_bucket_name "
    "gcs_bucket_name bucket_name allow_legacy_cloud_file_ids",
    "storage for batch and file APIs",
)
_add(
    P,
    U,
    "max_budget budget_duration default_api_key_tpm_limit default_api_key_rpm_limit "
    "itpm otpm tpd rpd daily_reset_time",
    "budgets and token limits of the deployment",
)
_add(
    P,
    U,
    "max_parallel_requests order",
    "concurrency limit and priority order of the deployment",
)
_add(
    P,
    U,
    " ".join(PRICE_KEYS),
    "custom prices (cached, audio, image, tiered, per-service-tier...) of the deployment",
    "prices come from input/output_cost_per_token, input_cost_per_second, model_info and "
    "litellm's price map: budgets would count other costs",
)
_add(P, C, "output_vector_size", "embedding size of a vector-store deployment")
_add(
    P,
    U,
    "mock_response configurable_clientside_auth_params use_in_pass_through use_litellm_proxy "
    "tag_regex provider_affinity_header custom_llm_provider",
    "changes what is called or who may pass credentials",
)
_add(
    P,
    U,
    "auto_router_config_path auto_router_config auto_router_default_model "
    "auto_router_embedding_model auto_router_max_input_chars auto_router_routing_compression "
    "auto_router_model_compression complexity_router_config complexity_router_default_model "
    "adaptive_router_default_model adaptive_router_config quality_router_config "
    "quality_router_default_model switchyard_router_config",
    "LiteLLM's own learned routers",
    "use RouteIQ's learned routing (model_info.router)",
)
_add(
    P,
    C,
    "max_retries drop_params responses_api_version keepalive_seconds "
    "allow_client_keepalive_override use_chat_completions_api fireworks_forward_user_id "
    "merge_reasoning_content_in_choices thought_signature_in_tool_call_id max_file_size_mb "
    "timeout_by_service_tier stream_timeout_by_service_tier litellm_trace_id model_info "
    "vector_store_id milvus_text_field milvus_db_name milvus_partition_names valkey_host "
    "valkey_port valkey_password valkey_ssl valkey_text_field valkey_embedding_field",
    "client tuning of LiteLLM's own HTTP clients and vector stores",
)

# -- model_info ----------------------------------------------------------------
MI = "model_list[].model_info"
_add(MI, S, "id", "the deployment id", "same")
_add(
    MI,
    S,
    "mode max_input_tokens max_tokens max_output_tokens base_model input_cost_per_token "
    "output_cost_per_token cache_read_input_token_cost cache_creation_input_token_cost "
    "output_cost_per_image input_cost_per_character input_cost_per_second "
    "input_cost_per_query supported_endpoints",
    "the deployment's mode, context window and prices",
    "same (pricing, pre-call checks, /model/info)",
)
_add(
    MI,
    S,
    "router",
    "(RouteIQ) the learned router of this model group",
    "RouteIQ's learned routing",
)
_add(
    MI,
    S,
    "supports_vision supports_function_calling supports_tool_choice supports_response_schema "
    "supports_prompt_caching supports_reasoning supports_audio_input supports_audio_output "
    "description tier team_id team_public_model_name db_model updated_at updated_by "
    "created_at created_by pricing_provider discoverable access_groups "
    "adaptive_router_preferences max_embedding_batch_size",
    "informational metadata shown by /model/info",
    "kept and shown by /model/info",
)
_add(
    MI,
    U,
    "blocked access_windows enforce_supported_endpoints allow_fail_open enable_tag_filtering "
    "member_auto_router internal_router_model ptu_count cost_per_ptu_per_hour "
    "ptu_effective_from ptu_effective_to ptu_shares MAX_PTU_COUNT MAX_COST_PER_PTU_PER_HOUR",
    "access and routing rules of one deployment",
)

# -- credential_list -----------------------------------------------------------
_add(
    "credential_list[]",
    S,
    "credential_name credential_values credential_info",
    "a named credential",
    "same",
)


#: Values that ask for what RouteIQ does anyway: no finding for them.
SAME_AS_ROUTEIQ: dict[str, object] = {
    "litellm_settings.require_auth_for_metrics_endpoint": False,  # /metrics is open here
    "general_settings.store_model_in_db": False,
    "general_settings.background_health_checks": False,
    "litellm_settings.set_verbose": False,
    "general_settings.cancel_on_disconnect": True,
}


def section_of(path: str) -> str:
    """``"model_list[].litellm_params.tags"`` -> ``"model_list[].litellm_params"``."""
    head, _, _ = path.rpartition(".")
    return head


def known_keys(section: str) -> list[str]:
    return [p.rpartition(".")[2] if section else p for p in CATALOGUE if section_of(p) == section]
