"""What restamping the answer's ``model`` (LiteLLM's rule, routeiq/compat/model_stamp.py)
costs the relay, per streamed event and per whole answer.

Same run, same inputs, time per call (median of repeated rounds):

- baseline: what the relay does to a piece anyway (``emit``'s ``b'"model"' in piece``
  check and a ``bytes`` slice copy, the cheapest work on the bytes);
- ``StreamStamper``: the rewrite the relay does to each streamed piece (the
  upstream's ``"model": "..."`` literal learned from the first chunk, then a
  ``find`` and a splice per chunk);
- ``stamp_events``: the same rewrite without the learned literal (the first chunk,
  or a chunk of another shape);
- ``stamp_body``: the rewrite of a whole non-streamed answer;
- naive: ``orjson.loads`` + set ``model`` + ``orjson.dumps`` (what a parse-based
  rewrite would cost), for comparison.

Inputs: an OpenAI-style chat chunk (one token of text), a chunk with a 2 KB delta,
a whole answer of 600 words and one of 20 KB.

Run: ``.venv/bin/python bench/model_stamp.py``; writes bench/results/model_stamp.json
and .png. Shared 2-core machine: read the ratios, not the absolute times.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routeiq.compat.model_stamp import StreamStamper, stamp_body, stamp_events

RESULTS = Path(__file__).resolve().parent / "results"
NAME = b'"gpt-4o-mini"'


def _chunk(text: str) -> bytes:
    obj = {
        "id": "chatcmpl-5b84ebb01413b08a",
        "object": "chat.completion.chunk",
        "created": 1796655310,
        "model": "gpt-4o-mini-2024-07-18",
        "system_fingerprint": "fp_0ba0d124f1",
        "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}],
    }
    return b"data: " + orjson.dumps(obj) + b"\n\n"


def _whole(words: int) -> bytes:
    return orjson.dumps(
        {
            "id": "chatcmpl-5b84ebb01413b08a",
            "object": "chat.completion",
            "created": 1796655310,
            "model": "gpt-4o-mini-2024-07-18",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": " ".join(["word"] * words)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": words, "total_tokens": 12 + words},
        }
    )


def _naive(doc: bytes) -> bytes:
    obj = orjson.loads(doc)
    obj["model"] = "gpt-4o-mini"
    return orjson.dumps(obj)


def _naive_event(piece: bytes) -> bytes:
    return b"data: " + _naive(piece[6:].rstrip()) + b"\n\n"


def _baseline(piece: bytes) -> bytes:
    return piece[:] if b'"model"' in piece else piece


def _per_call(fn: Callable[[bytes], bytes], arg: bytes, rounds: int = 15) -> float:
    """Median microseconds per call over ``rounds`` rounds sized to ~20 ms each."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn(arg)
        if time.perf_counter() - t0 > 0.02:
            break
        n *= 2
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            fn(arg)
        samples.append((time.perf_counter() - t0) / n * 1e6)
    return statistics.median(samples)


def main() -> None:
    events = {"chunk, 1 token": _chunk("Hello"), "chunk, 2 KB delta": _chunk("x" * 2048)}
    wholes = {"answer, 600 words": _whole(600), "answer, 20 KB": _whole(4000)}
    rows = []
    for label, piece in events.items():
        assert orjson.loads(stamp_events(piece, NAME)[6:])["model"] == "gpt-4o-mini"
        base = _per_call(_baseline, piece)
        stamper = StreamStamper(NAME)
        stamper(piece)  # the first chunk: learned
        stamp = _per_call(stamper, piece)
        naive = _per_call(_naive_event, piece)
        rows.append((label + " (stream)", len(piece), base, stamp, naive))
        first = _per_call(lambda p: stamp_events(p, NAME), piece)
        rows.append((label + " (1st)", len(piece), base, first, naive))
    for label, doc in wholes.items():
        assert orjson.loads(stamp_body(doc, NAME))["model"] == "gpt-4o-mini"
        base = _per_call(_baseline, doc)
        stamp = _per_call(lambda d: stamp_body(d, NAME), doc)
        naive = _per_call(_naive, doc)
        rows.append((label, len(doc), base, stamp, naive))
    print(f"{'input':<28} {'bytes':>7} {'baseline us':>12} {'stamp us':>9} {'naive us':>9} "
          f"{'stamp/base':>10} {'naive/stamp':>11}")  # fmt: skip
    for label, size, base, stamp, naive in rows:
        print(
            f"{label:<28} {size:>7} {base:>12.3f} {stamp:>9.3f} {naive:>9.3f} "
            f"{stamp / base:>10.1f} {naive / stamp:>11.1f}"
        )
    report = {
        "note": "median us per call; shared 2-core machine (other engineers' tests running)",
        "rows": [
            {"input": r[0], "bytes": r[1], "baseline_us": r[2], "stamp_us": r[3], "naive_us": r[4]}
            for r in rows
        ],
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "model_stamp.json").write_text(json.dumps(report, indent=1))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    xs = range(len(rows))
    width = 0.27
    for i, (name, col) in enumerate((("baseline", 2), ("stamp", 3), ("naive parse", 4))):
        ax.bar([x + (i - 1) * width for x in xs], [r[col] for r in rows], width, label=name)
    ax.set_xticks(list(xs), [r[0] for r in rows], fontsize=8)
    ax.set_ylabel("us per call (median)")
    ax.set_yscale("log")
    ax.set_title("Restamping the answer's model field (loaded 2-core machine)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(RESULTS / "model_stamp.png", dpi=100)
    print(f"wrote {RESULTS / 'model_stamp.json'} and .png")


if __name__ == "__main__":
    main()
