"""What a router that may look at ANSWERS would reach: a cascade (bench only).

Not a prompt-only router and not something the gateway does: call two or three cheap
models first and pay for them; when their multiple-choice letters agree, return the
first one's answer, else call GPT-4 (FrugalGPT-style escalation on agreement). MBPP
answers are code (no cheap agreement test), so MBPP prompts go to one fixed model.
The models and the MBPP model are chosen on the train part for each budget; dev is
read once. Uses RouterBench's recorded responses (train_responses.jsonl).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np

from bench.learned_routing import DATA


def _letter(text: str) -> str | None:
    s = text.strip().lstrip("(").upper()
    return s[0] if s and s[0] in "ABCDE" else None


def cascade_reading(
    d: Any, tr: np.ndarray, dv: np.ndarray, fracs: Sequence[float]
) -> list[dict[str, Any]]:
    path = DATA / "routerbench" / "train_responses.jsonl"
    resp = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            o = json.loads(line)
            resp[o["id"]] = o["response"]
    names = d.names
    letters = np.array(
        [
            [
                _letter(resp.get(r.extra.get("id"), {}).get(m, "")) or f"?{j}"
                for j, m in enumerate(names)
            ]
            for r in d.rows
        ],
        dtype=object,
    )
    q, c = d.quality, d.cost
    best = int(q[tr].mean(axis=0).argmax())
    cheap = [m for m in range(len(names)) if c[tr, m].mean() < 0.12 * c[tr, best].mean()]
    mbpp = d.tasks == "mbpp"

    def policy(rows: np.ndarray, group: tuple[int, ...], mbpp_model: int) -> tuple[float, float]:
        agree = np.all(letters[rows][:, list(group)] == letters[rows][:, [group[0]]], axis=1)
        qq = np.where(agree, q[rows, group[0]], q[rows, best])
        cc = c[rows][:, list(group)].sum(axis=1) + np.where(agree, 0.0, c[rows, best])
        m = mbpp[rows]
        qq = np.where(m, q[rows, mbpp_model], qq)
        cc = np.where(m, c[rows, mbpp_model], cc)
        return float(qq.mean()), float(cc.mean())

    groups = [g for k in (2, 3) for g in combinations(cheap, k)]
    bc_tr, bc_dv = float(c[tr, best].mean()), float(c[dv, best].mean())
    out = []
    for f in fracs:
        cands = []
        for g in groups:
            for mm in range(len(names)):
                qq, cc = policy(tr, g, mm)
                if cc <= f * bc_tr:
                    cands.append((qq, g, mm))
        if not cands:
            continue
        _, g, mm = max(cands, key=lambda x: x[0])
        qd, cd = policy(dv, g, mm)
        label = "+".join(names[m].split("/")[-1][:10] for m in g)
        out.append(
            {
                "policy": f"cascade {label} agree else GPT-4, mbpp->"
                f"{names[mm].split('/')[-1][:10]} (for <= {f:.0%}; sees answers)",
                f"val-w {f:.0%}": f"{qd:.3f} @ {cd / bc_dv:.0%}",
            }
        )
        print(f"  cascade for <= {f:.0%}: {out[-1]}", flush=True)
    return out
