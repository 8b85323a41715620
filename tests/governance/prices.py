"""Test prices for governance tests: 0.001 USD per input and per output token, so a
request's cost is its token count in thousandths."""

from __future__ import annotations

from typing import Any


def cheap(data: dict[str, Any]) -> None:
    """``running_stack(edit=cheap)``: every deployment at 0.001 USD a token."""
    for entry in data["model_list"]:
        entry["litellm_params"]["input_cost_per_token"] = 0.001
        entry["litellm_params"]["output_cost_per_token"] = 0.001
