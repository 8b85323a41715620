"""The transformer injection model, judged with the gateway's own objects (for benches).

``transformer_judge`` builds what the gateway builds with ``injection.transformer:
true`` -- an ``InjectionGuardrail`` carrying the shipped stacking and a
``TransformerRuntime``'s scorer (the merged ONNX graph, int8 unless told) -- and
judges texts the way phase 1 does: the n-gram verdict first and, for the texts
the stacking's band leaves uncertain (or all, ``scope="all"``), the ONNX logits
stacked with the rules and the n-grams (``transformer_pass.with_transformer``), then
``for_kind`` by role (system and
developer texts trusted, tool texts against the indirect threshold). Used by
``guardrail_quality.py``, ``guard_dev_eval.py`` and ``guard_sealed_eval.py``
(``--transformer``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from tf_logit_cache import LogitCache

from routeiq.plugins.guardrails import InjectionGuardrail, InjectionSettings, Verdict
from routeiq.plugins.guardrails.tf_scorer import TransformerScorer
from routeiq.plugins.guardrails.transformer import TRANSFORMER_PATH, TransformerStacking
from routeiq.plugins.transformer_pass import TransformerRuntime, with_transformer

#: Texts per ONNX batch here (the gateway batches one request's new messages).
BATCH = 32


def transformer_judge(
    graph_dir: Path | None = None,
    *,
    int8: bool = True,
    threads: int = int(os.environ.get("GUARD_TF_THREADS", "2")),
    adapter: Path | None = None,
    scope: Literal["uncertain", "all"] = "uncertain",
    cache: bool = False,
) -> Callable[[Sequence[str], Sequence[str]], list[Verdict]]:
    """A function (texts, roles) -> verdicts, each decided for its role (``adapter``:
    another adapter file than the shipped one, with its own stacking, e.g. the
    previous model version judged in the same run). ``scope`` as
    ``injection.transformer_scope``: ``uncertain`` (the default, as served) keeps the
    n-gram verdict of a text outside the stacking's band; ``all`` sends every text to
    the transformer. ``cache``: the transformer logits through ``tf_logit_cache``
    (the development and test splits; not the sealed or persona sets)."""
    guard = InjectionGuardrail(InjectionSettings(transformer=True, transformer_scope=scope))
    if adapter is not None:
        guard.transformer = TransformerStacking.load(adapter)
        guard.indirect_threshold = guard.transformer.indirect_threshold
    stacking = guard.transformer
    assert stacking is not None
    path = adapter or TRANSFORMER_PATH
    runtime = TransformerRuntime(path, graph_dir=graph_dir, int8=int8, threads=threads)
    loaded: list[TransformerScorer] = []

    def score(texts: Sequence[str]) -> np.ndarray:
        if not loaded:
            loaded.append(runtime._load())
        return loaded[0].logits(texts)

    logits = LogitCache(path, score, int8=int8).logits if cache else score

    def verdicts(texts: Sequence[str], roles: Sequence[str]) -> list[Verdict]:
        kinds = [guard.role_kind(r) for r in roles]
        scanned = [i for i, k in enumerate(kinds) if k != "trusted"]
        ngram = {i: guard.check(texts[i]) for i in scanned}
        if scope == "uncertain":
            scanned = [i for i in scanned if stacking.uncertain(ngram[i].score, kinds[i])]
        judged: dict[int, Verdict] = {}
        for start in range(0, len(scanned), BATCH):
            chunk = scanned[start : start + BATCH]
            found = logits([texts[i] for i in chunk])
            for i, logit in zip(chunk, found, strict=True):
                judged[i] = with_transformer(guard, stacking, texts[i], float(logit))
        out = []
        for i, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
            verdict = judged.get(i) or ngram.get(i) or guard.check(text)
            out.append(guard.for_kind(verdict, kind, text))
        return out

    return verdicts
