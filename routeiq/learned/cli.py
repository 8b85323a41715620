"""``routeiq router train|eval``: offline training and evaluation of a learned router."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy and the models load only when a command runs
    import numpy as np

    from routeiq.learned.data import Row

DEFAULT_CACHE = os.environ.get("ROUTEIQ_EMBED_CACHE") or str(Path.home() / ".cache" / "routeiq")
#: routeiq.cache.embedder.RUNTIMES (not imported: it would load trio for --help).
#: The default is the semantic cache's, so the gateway runs one embedder for both.
RUNTIMES = ("torch", "onnx", "onnx-int8")
DEFAULT_RUNTIME = "onnx-int8"


def embed_rows(
    rows: list[Row], cache: str | None, quiet: bool = False, runtime: str = DEFAULT_RUNTIME
) -> np.ndarray:
    """Unit embeddings of the rows' texts with the sentence model on ``runtime``
    (cached per runtime under ``cache``); logged rows bring their own."""
    from routeiq.cache.embedder import load_model
    from routeiq.learned.data import embed_texts

    model: Any = None
    cache = str(Path(cache) / "router-embeddings" / runtime) if cache else None

    def encode(texts: list[str]) -> np.ndarray:
        nonlocal model
        if model is None:
            model = load_model(runtime=runtime)
        out: np.ndarray = model.encode(
            texts,
            batch_size=len(texts),
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return out

    def progress(done: int, total: int) -> None:
        if not quiet:
            print(f"embedding: {done}/{total}", file=sys.stderr, flush=True)

    import numpy as np

    logged = [i for i, r in enumerate(rows) if r.extra.get("embedding") is not None]
    todo = [r for r in rows if r.extra.get("embedding") is None]
    out = np.zeros((len(rows), 384), np.float32)
    if todo:
        fresh = embed_texts([r.text for r in todo], encode, cache, progress=progress)
        out[[i for i, r in enumerate(rows) if r.extra.get("embedding") is None]] = fresh
    for i in logged:
        out[i] = rows[i].extra["embedding"]
    return out


def _train(args: argparse.Namespace) -> int:
    from routeiq.learned.data import DataError, load_rows
    from routeiq.learned.train import train_router

    try:
        rows: list[Row] = []
        if args.data:
            rows += load_rows(args.data)
        if args.from_logs:
            from routeiq.learned.logs import rows_from_logs

            rows += rows_from_logs(args.from_logs)
    except DataError as exc:
        print(f"routeiq router train: {exc}", file=sys.stderr)
        return 2
    if not rows:
        print(
            "routeiq router train: no training rows (give --data and/or --from-logs)",
            file=sys.stderr,
        )
        return 2
    candidates = args.candidates.split(",") if args.candidates else None
    emb = embed_rows(rows, args.cache, runtime=args.runtime)
    try:
        model = train_router(
            rows,
            emb,
            kind=args.kind,
            candidates=candidates,
            source=str(args.data or args.from_logs),
            embedding_runtime=args.runtime,
        )
    except ValueError as exc:
        print(f"routeiq router train: {exc}", file=sys.stderr)
        return 2
    model.save(args.out)
    print(
        json.dumps(
            {
                "out": str(args.out),
                "version": model.version,
                "kind": model.kind,
                "candidates": list(model.candidates),
                "rows": len(rows),
                "params": model.meta.get("params"),
            }
        )
    )
    return 0


def _eval(args: argparse.Namespace) -> int:
    from routeiq.learned.data import DataError, load_rows
    from routeiq.learned.evaluate import evaluate, plot
    from routeiq.learned.features import features_matrix
    from routeiq.learned.model import RouterFileError, RouterModel
    from routeiq.learned.train import matrices

    try:
        model = RouterModel.load(args.router)
        rows = load_rows(args.data)
    except (RouterFileError, DataError) as exc:
        print(f"routeiq router eval: {exc}", file=sys.stderr)
        return 2
    names = list(model.candidates)
    rows = [r for r in rows if all(c in r.quality for c in names)]
    if not rows:
        print("routeiq router eval: no row scores every candidate", file=sys.stderr)
        return 2
    quality, cost, tokens = matrices(rows, names)
    runtime = args.runtime or str(model.meta.get("embedding_runtime") or "torch")
    emb = embed_rows(rows, args.cache, quiet=args.json, runtime=runtime)
    pred = model.predict_many(emb, features_matrix([r.text for r in rows]))
    result = evaluate(pred, model.expected_cost(tokens), quality, cost, names)
    result["router"] = {"version": model.version, "kind": model.kind}
    png = args.png or str(Path(args.router).with_suffix(".eval.png"))
    try:
        plot(result, png, title=f"{model.kind} router {model.version}")
        result["png"] = png
    except ImportError:
        result["png"] = None  # matplotlib is a dev extra
    if args.json:
        print(json.dumps(result))
    else:
        for p in result["curve"]:
            print(
                f"w={p['cost_weight']:<12.4g} quality={p['quality']:.4f} cost={p['cost_usd']:.3e}"
            )
        for k, b in result["baselines"].items():
            print(f"{k:<9} quality={b['quality']:.4f} cost={b['cost_usd']:.3e}")
    return 0


def add_parser(sub: Any) -> None:
    r = sub.add_parser("router", help="train and evaluate a learned router")
    rsub = r.add_subparsers(dest="router_command", required=True)
    t = rsub.add_parser("train", help="train a router file from labelled rows or feedback logs")
    t.add_argument("--data", help="JSONL rows: prompt/query, quality {model: score}, cost_usd")
    t.add_argument(
        "--from-logs",
        help="the gateway's database (its SQLite file, or a postgresql:// URL): "
        "logged decisions with feedback become rows",
    )
    t.add_argument("--out", required=True)
    t.add_argument("--kind", choices=("knn", "mlp", "task"), default="knn")
    t.add_argument("--candidates", help="comma-separated model names (default: all in the data)")
    t.add_argument("--cache", default=DEFAULT_CACHE, help="embedding cache directory")
    t.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default=DEFAULT_RUNTIME,
        help="the sentence model's runtime; the gateway's embedder should match "
        "(routeiq.cache.semantic.runtime, default onnx-int8)",
    )
    t.set_defaults(func=_train)
    e = rsub.add_parser("eval", help="quality/cost curve of a router on labelled rows")
    e.add_argument("--router", required=True)
    e.add_argument("--data", required=True)
    e.add_argument("--json", action="store_true")
    e.add_argument("--png", help="where to write the plot (default: ROUTER.eval.png)")
    e.add_argument("--cache", default=DEFAULT_CACHE)
    e.add_argument(
        "--runtime", choices=RUNTIMES, help="default: the one the router was trained with"
    )
    e.set_defaults(func=_eval)
