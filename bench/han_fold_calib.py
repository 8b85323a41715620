"""The Traditional -> Simplified fold on the calib split's Chinese (issue #14).

The calib split holds few Traditional texts. This script renders the calib split's
written Chinese samples (attacks and benign twins of ``guard_multilingual_*``) in
Traditional characters (the inverse of ``han_fold.txt``: each Simplified character
of the table becomes the first Traditional one that folds to it), and scores the
original and the rendering with each model, with and without the fold (the fold
turned off by patching ``normalize``'s check). Calib only; never the test split.

Run: ``PYTHONPATH=. python bench/han_fold_calib.py [NPZ ...]`` (default: the
shipped model).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from guard_corpus import Sample, build, split_of
from guard_corpus_multilingual import language_of

from routeiq.plugins.guardrails import normalize as normalize_module
from routeiq.plugins.guardrails.han_fold import has_traditional, load_pairs
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.learned import MODEL_PATH, InjectionModel


def traditional_renderer() -> Callable[[str], str]:
    inverse: dict[str, str] = {}
    for traditional, simplified in load_pairs().items():
        inverse.setdefault(simplified, traditional)
    table = str.maketrans(inverse)
    return lambda text: text.translate(table)


def calib_chinese() -> list[Sample]:
    return [
        s
        for s in build()
        if split_of(s) == "calib"
        and s.source.startswith("multilingual ")
        and "written" in s.source
        and language_of(s) in ("zh", "zh-hant")
    ]


def flags(guard: InjectionGuardrail, texts: list[str], fold: bool) -> list[bool]:
    normalize_module.clear_memo()
    normalize_module.has_traditional = has_traditional if fold else (lambda text: False)
    try:
        return [guard.for_kind(guard.check(t), "direct", t).triggered for t in texts]
    finally:
        normalize_module.has_traditional = has_traditional
        normalize_module.clear_memo()


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [MODEL_PATH]
    samples = calib_chinese()
    render = traditional_renderer()
    rendered = [render(s.text) for s in samples]
    changed = sum(r != s.text for r, s in zip(rendered, samples, strict=True))
    attacks = [i for i, s in enumerate(samples) if s.label]
    benign = [i for i, s in enumerate(samples) if not s.label]
    print(f"calib written Chinese: {len(attacks)} attacks, {len(benign)} benign twins;"
          f" {changed} texts change when rendered in Traditional")  # fmt: skip
    for path in paths:
        guard = InjectionGuardrail(model=InjectionModel.load(path))
        written = [s.text for s in samples]
        for texts, name in ((rendered, "Traditional rendering"), (written, "as written")):
            for fold in (False, True):
                got = flags(guard, texts, fold)
                caught = sum(got[i] for i in attacks)
                flagged = sum(got[i] for i in benign)
                print(f"{path.name:<28} {name:<22} fold={'on ' if fold else 'off'}"
                      f"  attacks {caught:>3} of {len(attacks)}"
                      f"  benign flagged {flagged} of {len(benign)}")  # fmt: skip


if __name__ == "__main__":
    main()
