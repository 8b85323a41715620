"""What a translated surface costs over a chat pass-through, in the same run.

1. CPU per request (the gateway process's user+system time from /proc, divided by
   the requests wrk completed), non-streamed, for chat completions (the baseline),
   Anthropic Messages (/v1/messages) and the Responses API (/v1/responses, stored:
   one state write each), translated, and passed through to a group with the
   Responses API natively (``responses-native``: the mock serves it; one state
   write of id -> deployment each). Rounds alternate the order; the figure is the median per
   round of (surface - chat). Target (issue 11): at most +150 us.
2. Time to first content event of a stream, client-side, requests interleaved
   chat / messages / responses on one connection each: the first ``content`` delta,
   the first ``content_block_delta``, the first ``response.output_text.delta``.
   The figure is surface p99 - chat p99. Target: under 5 ms.
3. The same CPU question measured in-process, free of the machine's noise: the
   thread CPU time of what a surface adds to a chat request (parse, translate,
   validate; the answer through ``TranslatingSend``: whole, and a 10-chunk stream
   with its usage chunk) against what chat itself does there (parse, validate,
   relay the bytes). Everything else on the path is shared (``run_request``).

    python bench/surfaces.py [--seconds 4] [--rounds 5] [--streams 300]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import KEY, PIDS, ROOT, gateway, mock, plot_path, save, table, wrk
from hot_path import cpu_seconds

sys.path.insert(0, str(ROOT))  # routeiq from this checkout (the in-process part)

PROMPT = "Say hello to the bench."
SURFACES: dict[str, tuple[str, dict[str, Any], bytes]] = {
    "chat": (
        "/v1/chat/completions",
        {"model": "bench-model", "messages": [{"role": "user", "content": PROMPT}]},
        b'"content":"',
    ),
    "messages": (
        "/v1/messages",
        {
            "model": "bench-model",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": PROMPT}],
        },
        b"content_block_delta",
    ),
    "responses": (
        "/v1/responses",
        {"model": "bench-model", "input": PROMPT},
        b"response.output_text.delta",
    ),
    # the same request to a group with the Responses API natively: relayed as it is
    "responses-native": (
        "/v1/responses",
        {"model": "bench-native", "input": PROMPT},
        b"response.output_text.delta",
    ),
}


def native_models(base: str) -> list[dict[str, Any]]:
    return [
        {
            "model_name": "bench-native",
            "litellm_params": {"model": "openai/bench-model", "api_base": base, "api_key": "x"},
            "model_info": {"id": "bench-native", "supported_endpoints": ["/v1/responses"]},
        }
    ]


def cpu_round(url: str, order: list[str], seconds: int) -> dict[str, float]:
    pid = PIDS[url]
    out = {}
    for name in order:
        path, body, _ = SURFACES[name]
        c0 = cpu_seconds(pid)
        r = wrk(url + path, body, connections=8, seconds=seconds)
        cpu = cpu_seconds(pid) - c0
        if r["errors"]:
            raise RuntimeError(f"{name}: {r['errors']} errors")
        out[name] = cpu / (r["rps"] * seconds) * 1e6
    return out


def first_event_ms(client: httpx.Client, url: str, name: str) -> float:
    path, body, marker = SURFACES[name]
    t0 = time.perf_counter()
    with client.stream("POST", url + path, json={**body, "stream": True}) as resp:
        seen = b""
        pieces = resp.iter_raw()
        for piece in pieces:
            seen += piece
            if marker in seen:
                took = (time.perf_counter() - t0) * 1000.0
                break
        else:
            raise RuntimeError(f"{name}: no {marker!r} in the stream")
        for _ in pieces:  # the rest of the stream
            pass
    return took


CHAT_ANSWER = (
    b'{"id":"chatcmpl-1","object":"chat.completion","model":"bench-model","choices":[{"index":0,'
    b'"message":{"role":"assistant","content":"This is the mock upstream answering: Say hello '
    b'to the bench."},"finish_reason":"stop"}],"usage":{"prompt_tokens":6,"completion_tokens":9,'
    b'"total_tokens":15}}'
)


def _chat_stream() -> list[bytes]:
    out = []
    for i, word in enumerate("This is the mock upstream answering: Say hello to the".split()):
        delta = {"content": word + " "} | ({"role": "assistant"} if i == 0 else {})
        obj = {
            "id": "c",
            "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
        }
        out.append(b"data: " + json.dumps(obj).encode() + b"\n\n")
    out.append(b'data: {"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n')
    out.append(
        b'data: {"id":"c","choices":[],"usage":{"prompt_tokens":6,"completion_tokens":10}}\n\n'
    )
    out.append(b"data: [DONE]\n\n")
    return out


def _drive(coro: Any) -> None:
    """Run a coroutine that never suspends (the sends below return at once)."""
    try:
        coro.send(None)
    except StopIteration:
        return
    raise RuntimeError("suspended")


def translation_cpu(n: int) -> list[dict[str, Any]]:
    from routeiq.api.validate import Limits, parse_json_object, validate_chat
    from routeiq.surfaces import anthropic_request, anthropic_response
    from routeiq.surfaces import responses_request as rq
    from routeiq.surfaces import responses_response as rs
    from routeiq.surfaces.relay import TranslatingSend

    limits = Limits()
    stream_pieces = _chat_stream()
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"application/json")],
    }
    sse_start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [(b"content-type", b"text/event-stream")],
    }

    async def sink(message: Any) -> None:
        return None

    def answer(send: Any, stream: bool) -> None:
        if stream:
            _drive(send(dict(sse_start)))
            for piece in stream_pieces:
                _drive(send({"type": "http.response.body", "body": piece, "more_body": True}))
            _drive(send({"type": "http.response.body", "body": b"", "more_body": False}))
        else:
            _drive(send(dict(start)))
            _drive(send({"type": "http.response.body", "body": CHAT_ANSWER, "more_body": False}))

    def chat(raw: bytes, stream: bool) -> None:
        validate_chat(parse_json_object(raw, limits), limits)
        answer(sink, stream)

    def messages(raw: bytes, stream: bool) -> None:
        chat_body = anthropic_request.to_chat(parse_json_object(raw, limits))
        model = validate_chat(chat_body, limits)
        ms = anthropic_response.MessageStream(model) if stream else None
        whole = lambda status, body: anthropic_response.whole(status, body, model)  # noqa: E731
        answer(TranslatingSend(sink, whole, ms), stream)

    def responses(raw: bytes, stream: bool) -> None:
        req = parse_json_object(raw, limits)
        chat_body = rq.to_chat(req, [])
        model = validate_chat(chat_body, limits)
        resp = rs.new_response(req, model)
        rq.input_items(req["input"])
        rstream = rs.ResponseStream(resp) if stream else None

        def whole(status: int, body: bytes) -> bytes:
            import orjson

            return orjson.dumps(rs.to_response(orjson.loads(body), resp))

        answer(TranslatingSend(sink, whole, rstream), stream)
        rs.assistant_message(resp["output"])  # what the state write stores

    fns = {"chat": chat, "messages": messages, "responses": responses}
    rows = []
    for stream in (False, True):
        base = None
        for name, fn in fns.items():
            raw = json.dumps({**SURFACES[name][1], **({"stream": True} if stream else {})}).encode()
            for _ in range(200):
                fn(raw, stream)
            t0 = time.thread_time()
            for _ in range(n):
                fn(raw, stream)
            us = (time.thread_time() - t0) / n * 1e6
            base = us if name == "chat" else base
            rows.append(
                {"surface": name, "stream": stream, "cpu_us": us, "extra_us": us - (base or us)}
            )
    return rows


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--streams", type=int, default=300)
    ap.add_argument("--iterations", type=int, default=5000)
    args = ap.parse_args()
    names = list(SURFACES)
    inproc = translation_cpu(args.iterations)
    print(table(inproc, ["surface", "stream", "cpu_us", "extra_us"]))
    with mock(0.0) as base, gateway(base, extra_models=native_models(base)) as url:
        headers = {"authorization": f"Bearer {KEY}"}
        wrk(url + SURFACES["chat"][0], SURFACES["chat"][1], connections=8, seconds=2)  # warm-up
        rounds = []
        for i in range(args.rounds):
            order = names[i % len(names) :] + names[: i % len(names)]
            rounds.append(cpu_round(url, order, args.seconds))
        ttfe: dict[str, list[float]] = {n: [] for n in names}
        clients = {n: httpx.Client(headers=headers, timeout=30) for n in names}
        for n in names:  # warm the connections
            first_event_ms(clients[n], url, n)
        for _ in range(args.streams):
            for n in names:
                ttfe[n].append(first_event_ms(clients[n], url, n))
        for c in clients.values():
            c.close()
    rows = []
    for n in names:
        cpu = statistics.median(r[n] for r in rounds)
        extra = statistics.median(r[n] - r["chat"] for r in rounds)
        rows.append(
            {
                "surface": n,
                "cpu_us_per_req": cpu,
                "extra_cpu_us": extra,
                "ttfe_p50_ms": pct(ttfe[n], 0.5),
                "ttfe_p99_ms": pct(ttfe[n], 0.99),
                "added_ttfe_p99_ms": pct(ttfe[n], 0.99) - pct(ttfe["chat"], 0.99),
                "added_ttfe_p50_ms": pct(ttfe[n], 0.5) - pct(ttfe["chat"], 0.5),
                # requests were interleaved: the median of the paired differences
                "paired_median_ms": statistics.median(
                    a - b for a, b in zip(ttfe[n], ttfe["chat"], strict=True)
                ),
            }
        )
    cols = list(rows[0])
    print(table(rows, cols))
    print(
        "targets: extra_cpu_us <= 150 (messages, responses, responses-native); "
        "added_ttfe_p99_ms < 5"
    )
    path = save(
        "surfaces",
        {
            "args": vars(args),
            "rows": rows,
            "translation_cpu": inproc,
            "cpu_rounds": rounds,
            "ttfe_ms": ttfe,
        },
    )
    print(f"wrote {path}")
    plot(rows, inproc)


def plot(rows: list[dict[str, Any]], inproc: list[dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b, c) = plt.subplots(1, 3, figsize=(15, 4))
    names = [r["surface"] for r in rows]
    colors = ["grey", "tab:orange", "tab:blue", "tab:green"]
    a.bar(names, [r["cpu_us_per_req"] for r in rows], color=colors[: len(names)])
    a.set_ylabel("gateway CPU per request (us)")
    a.set_title("CPU per non-streamed request")
    for i, r in enumerate(rows):
        a.annotate(
            f"{r['extra_cpu_us']:+.0f} us", (i, r["cpu_us_per_req"]), ha="center", va="bottom"
        )
    x = range(len(rows))
    b.bar([i - 0.2 for i in x], [r["ttfe_p50_ms"] for r in rows], width=0.4, label="p50")
    b.bar([i + 0.2 for i in x], [r["ttfe_p99_ms"] for r in rows], width=0.4, label="p99")
    b.set_xticks(list(x), names)
    b.set_ylabel("time to first content event (ms)")
    b.set_title("Streams: first content event")
    b.legend()
    for k, stream in enumerate((False, True)):
        sel = [r for r in inproc if r["stream"] is stream]
        xs = [i + (0.2 if stream else -0.2) for i in range(len(sel))]
        label = "10-chunk stream" if stream else "whole answer"
        c.bar(xs, [r["extra_us"] for r in sel], width=0.4, label=label, color=f"C{k + 2}")
    c.axhline(150, color="red", linestyle="--", label="target +150 us")
    c.set_xticks(range(len(sel)), [r["surface"] for r in sel])
    c.set_ylabel("added CPU per request (us, in-process)")
    c.set_title("Translation's own CPU vs chat")
    c.legend()
    fig.suptitle("Translated surfaces vs chat pass-through (same run, shared 2-core machine)")
    fig.tight_layout()
    fig.savefig(plot_path("surfaces"), dpi=100)
    print(f"wrote {plot_path('surfaces')}")


if __name__ == "__main__":
    main()
