"""The outside evaluation's failures, through the real model and tokenizer.

Each probe is a different question whose embedding is close to the cached one
(asserted, so a probe that stops being a near neighbour fails here instead of
passing for the wrong reason); with the verification step it is a miss, and each
true paraphrase of the cached question is still a hit. The threshold is 0.85 so
that every probe, not only those above the default 0.95, is a real candidate.
"""

from __future__ import annotations

import numpy as np
import pytest

from routeiq.cache.embedder import Embedder, SentenceEncoder
from routeiq.cache.semantic import DEFAULT_THRESHOLD, SemanticStore
from routeiq.cache.verify import Facts, disagreement, servable

THRESHOLD = 0.85

# (cached question, different questions, true paraphrases)
PROBES = [
    (
        "Is it safe to drink castor oil at 37 weeks pregnant?",
        ["Is it safe to drink castor oil at 35 weeks pregnant?"],
        [
            "Is it safe to drink castor oil when 37 weeks pregnant?",
            "is it safe to drink castor oil at 37 weeks pregnant",
        ],
    ),
    (
        "What do Croats think of Turks?",
        ["What do Turks think of Croats?"],
        ["What do Croats think about Turks?", "What do the Croats think of the Turks?"],
    ),
    (
        "Who won the NBA championship in 2012?",
        ["Who won the NBA championship in 2011?"],
        ["Who won the 2012 NBA championship?"],
    ),
    (
        "What is the blood group AB+?",
        ["What is the blood group A+?"],
        ["What is blood group AB+?"],
    ),
    (
        "Can a person with blood group AB+ donate to A+?",
        ["Can a person with blood group A+ donate to AB+?"],
        ["Can someone with blood group AB+ donate to A+?"],
    ),
    (
        "Translate 我恨你 to English",
        ["Translate 我爱你 to English"],
        ["Please translate 我恨你 to English", "Translate 我恨你 into English"],
    ),
    (
        "What does 💀 mean?",
        ["What does 😀 mean?"],
        ["What is the meaning of 💀?", " what does 💀 mean?"],
    ),
]


@pytest.fixture(scope="module", params=["torch", "onnx-int8"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    # Both runtimes the gateway can serve with: int8 moves similarities by ~0.01.
    fixture = "minilm" if request.param == "torch" else "minilm_int8"
    model: SentenceEncoder = request.getfixturevalue(fixture)
    return Embedder(model=model)


def _lookup(
    embedder: Embedder, cached: str, query: str, *, verify: bool, threshold: float = THRESHOLD
) -> tuple[bool, float]:
    vectors = embedder.encode_sync([cached, query])
    facts = embedder.facts_sync([cached, query])
    store: SemanticStore[Facts] = SemanticStore(now=lambda: 0.0, threshold=threshold)
    store.store("cached", "ns", "m", "fp", vectors[0], facts[0])

    def accept(candidate: Facts) -> str | None:
        return disagreement(facts[1], candidate)

    hit = store.lookup("ns", "m", "fp", vectors[1], accept=accept if verify else None)
    return hit is not None, float(np.dot(vectors[0], vectors[1]))


@pytest.mark.parametrize(("cached", "probe"), [(c, p) for c, probes, _ in PROBES for p in probes])
def test_probe_is_a_near_neighbour_but_a_miss(embedder: Embedder, cached: str, probe: str) -> None:
    served_unverified, similarity = _lookup(embedder, cached, probe, verify=False)
    assert served_unverified, f"not a near neighbour any more ({similarity:.4f})"
    served, _ = _lookup(embedder, cached, probe, verify=True)
    assert not served


@pytest.mark.parametrize(
    ("cached", "paraphrase"), [(c, p) for c, _, paras in PROBES for p in paras]
)
def test_true_paraphrase_still_hits(embedder: Embedder, cached: str, paraphrase: str) -> None:
    served, similarity = _lookup(embedder, cached, paraphrase, verify=True)
    assert served, similarity


def test_issue_examples_above_the_default_threshold_are_refused(embedder: Embedder) -> None:
    # The four the evaluation served at 0.95: all still scored above it.
    for cached, probe in [
        (
            "Is it safe to drink castor oil at 37 weeks pregnant?",
            "Is it safe to drink castor oil at 35 weeks pregnant?",
        ),
        ("What do Croats think of Turks?", "What do Turks think of Croats?"),
        ("Translate 我恨你 to English", "Translate 我爱你 to English"),
        ("What does 💀 mean?", "What does 😀 mean?"),
    ]:
        served, similarity = _lookup(
            embedder, cached, probe, verify=False, threshold=DEFAULT_THRESHOLD
        )
        assert served and similarity >= DEFAULT_THRESHOLD
        assert not _lookup(embedder, cached, probe, verify=True, threshold=DEFAULT_THRESHOLD)[0]


def test_unknown_spans_come_from_the_models_tokenizer(embedder: Embedder) -> None:
    emoji, chinese, latin = embedder.facts_sync(
        ["What does 💀 mean?", "我爱你", "How do I reset my router?"]
    )
    assert emoji.unknown == ("💀",)
    assert chinese.unknown == ("你", "爱")  # 我 is in the vocabulary; sorted spans
    assert not servable(chinese)
    assert latin.unknown == () and servable(latin)
