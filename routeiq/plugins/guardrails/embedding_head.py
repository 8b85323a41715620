"""The injection detector's embedding head: a second opinion from the MiniLM vector.

The n-gram model (``learned.py``) sees characters and words; it misses attacks
whose wording it has not seen, above all adversarial suffixes (GCG: 0.49 of the
held-out ones) and role-play persuasion. The sentence embedding of the prompt
(all-MiniLM-L6-v2, the vector the semantic cache and the learned router already
compute once per request) places those near the attacks it was trained on.

``EmbeddingHead`` is a logistic regression over that vector, stacked with the
n-gram logit and the rules' score into one calibrated probability for direct
(user) texts (``bench/train_injection_embedding.py``; held-out figures in
``model/MODEL_CARD.md``). Pure numpy, I/O-free: the caller brings the vector
(computing it costs milliseconds of CPU, ~2.5 ms with onnx-int8 on 2 cores and
much more with torch, so it belongs in a worker thread,
never on the loop); scoring one vector is a 384-element dot product.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from routeiq.plugins.guardrails.base import Finding, Verdict
from routeiq.plugins.guardrails.injection import InjectionGuardrail
from routeiq.plugins.guardrails.learned import MODEL_PATH, length_factor, sigmoid

EMBEDDING_PATH = MODEL_PATH.parent / "injection_embedding.npz"
#: Characters of a text that are embedded (MiniLM reads at most 256 word pieces).
EMBED_CHARS = 1500


@dataclass(frozen=True, slots=True)
class EmbeddingHead:
    """``p = sigmoid(c + a_ngram * ngram + a_embedding * (w . v + bias) + a_rules * rules)``,
    with the intercept shifted so that the direct operating point is p = 0.5."""

    weights: npt.NDArray[np.float32]
    bias: float
    intercept: float
    a_ngram: float
    a_embedding: float
    a_rules: float
    version: str

    def logit(self, vector: npt.NDArray[np.float32]) -> float:
        """The head's own logit for one unit vector."""
        return float(np.dot(self.weights, vector)) + self.bias

    def probability(
        self, ngram_logit: float, vector: npt.NDArray[np.float32], rules: float
    ) -> float:
        return sigmoid(
            self.intercept
            + self.a_ngram * ngram_logit
            + self.a_embedding * self.logit(vector)
            + self.a_rules * rules
        )

    @classmethod
    def load(cls, path: Path = EMBEDDING_PATH) -> EmbeddingHead:
        with np.load(path, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32)
            meta = [float(x) for x in data["meta"]]
            version = str(data["version"])
        bias, intercept, a_ngram, a_embedding, a_rules = meta
        return cls(weights, bias, intercept, a_ngram, a_embedding, a_rules, version)


@lru_cache(maxsize=1)
def default_head() -> EmbeddingHead:
    """The shipped head, loaded once per process."""
    return EmbeddingHead.load()


def with_embedding(
    guard: InjectionGuardrail,
    head: EmbeddingHead,
    text: str,
    vector: npt.NDArray[np.float32],
) -> Verdict:
    """The injection verdict for direct (user) ``text`` with the embedding's say:
    the rules' findings (kept for redaction spans) plus one ``learned`` finding
    whose score is the head's stacked probability, decided against the
    guardrail's direct threshold. A text of fewer than 8 words gives the vector a
    share of its say by its length, as it does the n-grams' (``length_factor``: the
    head put "yes please" and "continue" near attacks). CPU: the n-gram model and
    the rules (~0.1 ms);
    call it where the vector was computed (a worker thread) or on the loop."""
    decoded: list[str] = []
    findings = guard.rule_findings(text, decoded)
    rules = guard.score(findings)
    if guard.model is None:
        raise ValueError("the embedding head stacks the n-gram model's logit: learned is off")
    ngram = guard.decoded_logit(guard.model, text, decoded)
    p = head.probability(ngram, vector * length_factor(text), rules)
    findings.append(Finding(guard.name, "learned", 0, len(text), p, "model+embedding"))
    return guard.decide(findings, text)
