"""`routeiq config check` over every example config shipped in the installed litellm wheel.

Each file either passes, or fails only with ``unsupported:`` lines naming real
unsupported features; the environment holds what a LiteLLM operator's would (the
variables the file references, and each provider's key variable), so nothing fails
for a value LiteLLM would take from the environment. Two files are invalid for LiteLLM
too and are listed with their one real error. Run with ``-s`` to print the table.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from routeiq.cli import main
from routeiq.compat.credentials import KEY_ENV

SPEC = importlib.util.find_spec("litellm")  # the wheel is found, never imported
ROOT = Path(SPEC.origin).parent / "proxy" if SPEC and SPEC.origin else None
FILES = (
    sorted([*ROOT.glob("example_config_yaml/*.yaml"), *ROOT.glob("proxy_*config.yaml")])
    if ROOT
    else []
)
REF = re.compile(r"os\.environ/([A-Za-z0-9_]+)")

#: Files LiteLLM cannot serve either, with their one error.
INVALID = {
    # the entry has no litellm_params: LiteLLM's router fails on it too
    "langfuse_config.yaml": ["model_list[0].litellm_params: Field required"],
    # "mistralai/" is no LiteLLM provider (the LiteLLM name is "mistral/")
    "load_balancer.yaml": ["model_list[3].litellm_params.model: unknown provider 'mistralai'"],
}
#: What must be reported for these (the check must find them, not merely pass).
EXPECTED_UNSUPPORTED = {
    "test_pipeline_config.yaml": {"guardrails", "policies", "policy_attachments"},
    "tool_permission_example.yaml": {"guardrails"},
    "pass_through_config.yaml": {
        "general_settings.custom_auth",
        "general_settings.pass_through_endpoints",
    },
    "otel_test_config.yaml": {"guardrails"},
    "reject_clientside_metadata_tags_config.yaml": {
        "general_settings.reject_clientside_metadata_tags"
    },
    "adaptive_router_example.yaml": {
        "model_list[0].litellm_params.adaptive_router_config",
        "model_list[0].litellm_params.model",
    },
}
TABLE: list[tuple[str, str, str, str]] = []


def _value(name: str) -> str:
    if name.endswith("PORT"):
        return "6379"
    if any(part in name for part in ("BASE", "URL", "HOST", "ENDPOINT")):
        return "https://example.invalid"
    return f"test-{name.lower()}"


@pytest.mark.skipif(not FILES, reason="the providers extra (litellm) is not installed")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_config(
    path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in {*REF.findall(path.read_text(encoding="utf-8")), *KEY_ENV.values()}:
        monkeypatch.setenv(name, _value(name))
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    code = main(["config", "check", str(path)])
    lines = capsys.readouterr().out.splitlines()
    errors = [ln for ln in lines if not ln.startswith("warning: ") and ": OK (" not in ln]
    unsupported = sorted(ln.split(" ", 2)[1] for ln in errors if ln.startswith("unsupported: "))
    others = [ln for ln in errors if not ln.startswith("unsupported: ")]
    warned = sorted(ln.split(" ", 3)[2] for ln in lines if ln.startswith("warning: "))
    result = "OK" if code == 0 else "error" if others else "unsupported"
    TABLE.append((path.name, result, ", ".join(unsupported) or "-", ", ".join(warned) or "-"))
    assert others == INVALID.get(path.name, [])
    assert (code == 0) == (not errors)
    assert set(unsupported) >= EXPECTED_UNSUPPORTED.get(path.name, set())


def test_print_table() -> None:
    """Prints the table of the run (``pytest -s``); runs after the parametrized ones."""
    if not TABLE:
        pytest.skip("no example configs ran")
    print("\n| file | result | unsupported (stops start-up) | warnings |\n|---|---|---|---|")
    for name, result, keys, warned in TABLE:
        print(f"| {name} | {result} | {keys} | {warned} |")
    assert len(TABLE) == len(FILES)
