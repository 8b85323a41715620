"""What does pricing one response cost: ours vs ``litellm.completion_cost()``?

For several models (OpenAI with cached prompt tokens, Anthropic with cache reads
and writes, Gemini, Bedrock, and a Gemini prompt over the 200k-token tier), the
same usage is priced by:

- ``ours``: ``Pricer.header(usage)`` (the cost and its header value) from the
  table resolved at start-up (``PriceBook``: litellm's price map read once
  with orjson, without importing litellm);
- ``ours from body``: ``usage_in_body(body)`` + ``Pricer.header``: the whole
  non-streamed path, from the response bytes (a ~600-byte chat completion);
- baseline, same run: ``litellm.completion_cost(completion_response=...)`` on a
  litellm ``ModelResponse`` carrying the same usage.

Both must agree (relative difference < 1e-9). Also reported once: reading the
price map (ours, at start-up) and importing litellm (subprocess).

Prints a table, writes bench/results/pricing.json and bench/results/pricing.png.

    .venv/bin/python bench/pricing.py [--batches 15]
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import orjson

from routeiq.config import load_config
from routeiq.pricing import PriceBook, parse_price_map, price_map_path, usage_in_body

RESULTS = Path(__file__).resolve().parent / "results"

# (label, config model, litellm model, litellm provider, usage, extra litellm_params)
CASES: list[tuple[str, str, str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "openai gpt-4o-mini, cached",
        "openai/gpt-4o-mini",
        "gpt-4o-mini",
        "openai",
        {
            "prompt_tokens": 1200,
            "completion_tokens": 300,
            "total_tokens": 1500,
            "prompt_tokens_details": {"cached_tokens": 1024},
        },
        {},
    ),
    (
        "anthropic claude-sonnet-4-5, cache r/w",
        "anthropic/claude-sonnet-4-5",
        "claude-sonnet-4-5",
        "anthropic",
        {
            "prompt_tokens": 1700,
            "completion_tokens": 250,
            "total_tokens": 1950,
            "prompt_tokens_details": {"cached_tokens": 1000, "cache_creation_tokens": 200},
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 200,
        },
        {"api_key": "k"},
    ),
    (
        "gemini-2.5-flash",
        "gemini/gemini-2.5-flash",
        "gemini-2.5-flash",
        "gemini",
        {"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020},
        {"api_key": "k"},
    ),
    (
        "bedrock claude-3-5-sonnet",
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "bedrock",
        {"prompt_tokens": 700, "completion_tokens": 90, "total_tokens": 790},
        {"aws_region_name": "us-east-1", "api_key": "k"},
    ),
    (
        "gemini-2.5-pro, 250k prompt (tier)",
        "gemini/gemini-2.5-pro",
        "gemini-2.5-pro",
        "gemini",
        {"prompt_tokens": 250_000, "completion_tokens": 100, "total_tokens": 250_100},
        {"api_key": "k"},
    ),
]


def per_call_us(fn: Callable[[], object], calls: int, batches: int) -> float:
    """Median over ``batches`` of the mean time per call, in microseconds."""
    fn()
    samples = []
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(samples)


def chat_body(usage: dict[str, Any]) -> bytes:
    return orjson.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1700000000,
            "model": "m",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "word " * 90},
                    "finish_reason": "stop",
                }
            ],
            "usage": usage,
        }
    )


def import_seconds() -> float:
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    code = "import time; t=time.perf_counter(); import litellm; print(time.perf_counter()-t)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=15)
    args = ap.parse_args()

    path = price_map_path()
    if path is None:
        sys.exit("litellm is not installed: there is no price map to compare with")
    t0 = time.perf_counter()
    table = parse_price_map(path.read_bytes())
    map_ms = (time.perf_counter() - t0) * 1000
    litellm_import_s = import_seconds()

    config = load_config(
        {
            "model_list": [
                {
                    "model_name": f"m{i}",
                    "litellm_params": {"model": model, **extra},
                    "model_info": {"id": f"d{i}"},
                }
                for i, (_, model, _, _, _, extra) in enumerate(CASES)
            ]
        }
    )
    book = PriceBook.load(config.deployments)

    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    litellm: Any = importlib.import_module("litellm")
    types: Any = importlib.import_module("litellm.types.utils")
    litellm.suppress_debug_info = True

    rows = []
    for i, (label, _, model, provider, usage, _) in enumerate(CASES):
        pricer = book.pricer(f"d{i}")
        assert pricer is not None, label
        fields = dict(usage)
        details = fields.pop("prompt_tokens_details", None)
        if details:
            fields["prompt_tokens_details"] = types.PromptTokensDetailsWrapper(**details)
        lusage = types.Usage(**fields)
        response = litellm.ModelResponse(model=model, usage=lusage)
        theirs = litellm.completion_cost(
            completion_response=response, model=model, custom_llm_provider=provider
        )
        ours, _ = pricer.header(usage)
        assert ours is not None
        match = abs(ours - theirs) <= 1e-9 * max(abs(theirs), 1e-30)
        body = chat_body(usage)

        def from_body(body: bytes = body, pricer: Any = pricer) -> object:
            return pricer.header(usage_in_body(body))

        ours_us = per_call_us(functools.partial(pricer.header, usage), 20_000, args.batches)
        body_us = per_call_us(from_body, 20_000, args.batches)
        theirs_call = functools.partial(
            litellm.completion_cost,
            completion_response=response,
            model=model,
            custom_llm_provider=provider,
        )
        litellm_us = per_call_us(theirs_call, 40, args.batches)
        rows.append(
            {
                "case": label,
                "usd_ours": ours,
                "usd_litellm": theirs,
                "match": match,
                "ours_us": ours_us,
                "ours_from_body_us": body_us,
                "litellm_us": litellm_us,
                "speedup": litellm_us / ours_us,
                "speedup_from_body": litellm_us / body_us,
            }
        )

    print(
        f"price map read: {map_ms:.1f} ms ({len(table)} priced models); "
        f"litellm import (baseline, subprocess): {litellm_import_s:.2f} s"
    )
    head = (
        f"{'case':38} {'USD':>11} {'=':>2} {'ours us':>8} {'+body us':>9} "
        f"{'litellm us':>11} {'x':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['case']:38} {r['usd_ours']:11.7f} {'ok' if r['match'] else 'NO':>2} "
            f"{r['ours_us']:8.2f} {r['ours_from_body_us']:9.2f} {r['litellm_us']:11.1f} "
            f"{r['speedup']:7.0f}"
        )
    RESULTS.mkdir(exist_ok=True)
    result = {
        "price_map_read_ms": map_ms,
        "price_map_models": len(table),
        "litellm_import_s": litellm_import_s,
        "litellm_version": getattr(litellm, "__version__", None) or _version(),
        "rows": rows,
    }
    (RESULTS / "pricing.json").write_text(json.dumps(result, indent=2))
    plot(rows)
    if not all(r["match"] for r in rows):
        sys.exit("ours and litellm disagree on a cost")


def _version() -> str:
    from importlib.metadata import version

    return version("litellm")


def plot(rows: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [r["case"] for r in rows]
    x = range(len(rows))
    width = 0.27
    fig, ax = plt.subplots(figsize=(10, 4.8))
    ax.bar([i - width for i in x], [r["ours_us"] for r in rows], width, label="ours (usage)")
    ax.bar(list(x), [r["ours_from_body_us"] for r in rows], width, label="ours (from body bytes)")
    ax.bar(
        [i + width for i in x],
        [r["litellm_us"] for r in rows],
        width,
        label="litellm.completion_cost",
    )
    ax.set_yscale("log")
    ax.set_ylabel("microseconds per response (log)")
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels, rotation=15, ha="right", fontsize=8)
    ax.set_title("Pricing one response")
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "pricing.png", dpi=120)


if __name__ == "__main__":
    main()
