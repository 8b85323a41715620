"""The transformer injection model, judged with the gateway's own objects (for benches).

``transformer_judge`` builds what the gateway builds with ``injection.transformer:
true`` -- an ``InjectionGuardrail`` carrying the shipped stacking and a
``TransformerRuntime``'s scorer (the merged ONNX graph, int8 unless told) -- and
judges texts the way phase 1 does: ``transformer_pass.judge`` (one ONNX batch,
then the rules and the n-grams stacked), then ``for_kind`` by role (system and
developer texts trusted, tool texts against the indirect threshold). Used by
``guardrail_quality.py``, ``guard_dev_eval.py`` and ``guard_sealed_eval.py``
(``--transformer``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from routeiq.plugins.guardrails import InjectionGuardrail, InjectionSettings, Verdict
from routeiq.plugins.guardrails.transformer import TRANSFORMER_PATH, TransformerStacking
from routeiq.plugins.transformer_pass import TransformerRuntime, judge

#: Texts per ONNX batch here (the gateway batches one request's new messages).
BATCH = 32


def transformer_judge(
    graph_dir: Path | None = None,
    *,
    int8: bool = True,
    threads: int = 2,
    adapter: Path | None = None,
) -> Callable[[Sequence[str], Sequence[str]], list[Verdict]]:
    """A function (texts, roles) -> verdicts, each decided for its role (``adapter``:
    another adapter file than the shipped one, with its own stacking, e.g. the
    previous model version judged in the same run)."""
    guard = InjectionGuardrail(InjectionSettings(transformer=True))
    if adapter is not None:
        guard.transformer = TransformerStacking.load(adapter)
        guard.indirect_threshold = guard.transformer.indirect_threshold
    runtime = TransformerRuntime(
        adapter or TRANSFORMER_PATH, graph_dir=graph_dir, int8=int8, threads=threads
    )
    scorer = runtime._load()

    def verdicts(texts: Sequence[str], roles: Sequence[str]) -> list[Verdict]:
        kinds = [guard.role_kind(r) for r in roles]
        scanned = [i for i, k in enumerate(kinds) if k != "trusted"]
        judged: dict[int, Verdict] = {}
        for start in range(0, len(scanned), BATCH):
            chunk = scanned[start : start + BATCH]
            for i, v in zip(chunk, judge(guard, scorer, [texts[i] for i in chunk]), strict=True):
                judged[i] = v
        out = []
        for i, (text, kind) in enumerate(zip(texts, kinds, strict=True)):
            verdict = judged.get(i) or guard.check(text)
            out.append(guard.for_kind(verdict, kind, text))
        return out

    return verdicts
