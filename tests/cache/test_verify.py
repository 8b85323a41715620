"""The verification step's rules, each with a case it must refuse and a benign twin
(a true paraphrase) it must let through. Plain function calls: no model, no trio."""

from __future__ import annotations

import pytest

from routeiq.cache.semantic import SemanticStore
from routeiq.cache.verify import (
    RULES,
    Facts,
    TokenInfo,
    disagreement,
    dump_facts,
    extract,
    load_facts,
    servable,
)

# (rule, cached question, a different question, a true paraphrase)
CASES = [
    (
        "numbers",
        "Is it safe to drink castor oil at 37 weeks pregnant?",
        "Is it safe to drink castor oil at 35 weeks pregnant?",
        "Is it safe to drink castor oil when 37 weeks pregnant?",
    ),
    (
        "numbers",
        "Who won the NBA championship in 2012?",
        "Who won the NBA championship in 2011?",
        "Who won the 2012 NBA championship?",
    ),
    (
        "numbers",
        "How many calories are in three eggs?",
        "How many calories are in two eggs?",
        "How many calories do 3 eggs have?",
    ),
    (
        "numbers",
        "Which team won the second world cup?",
        "Which team won the third world cup?",
        "Who won the 2nd world cup?",
    ),
    (
        "units",
        "How long does it take to walk 5 km?",
        "How long does it take to walk 5 miles?",
        "How long does it take to walk 5 kilometres?",
    ),
    (
        "units",
        "What is 100 dollars in rupees?",
        "What is 100 euros in rupees?",
        "How much is $100 in rupees?",
    ),
    (
        "negation",
        "Why is my code not working?",
        "Why is my code working?",
        "Why doesn't my code work?",
    ),
    (
        "negation",
        "Which fruits can dogs eat?",
        "Which fruits can dogs not eat?",
        "What fruits are dogs able to eat?",
    ),
    (
        "opposites",
        "What should I eat before a workout?",
        "What should I eat after a workout?",
        "What should I eat prior to a workout?",
    ),
    (
        "opposites",
        "How do I increase my credit score?",
        "How do I decrease my credit score?",
        "How can I increase my credit score?",
    ),
    (
        "attributes",
        "Why is my dog's nose turning pink?",
        "Why is my dog's nose turning white?",
        "Why does my dog's nose turn pink?",
    ),
    (
        "opposites",
        "How do I turn on dark mode?",
        "How do I turn off dark mode?",
        "How can I turn dark mode on?",
    ),
    (
        "identifiers",
        "What does os.path.join do?",
        "What does os.path.split do?",
        "What is os.path.join for?",
    ),
    (
        "identifiers",
        'How do I print "hello world" in Java?',
        'How do I print "hello" in Java?',
        'How can I print "hello world" in Java?',
    ),
    (
        "identifiers",
        "What is blood group AB+?",
        "What is blood group A+?",
        "What does blood type AB+ mean?",
    ),
    (
        "identifiers",
        "Can a person with blood group AB+ donate to A+?",
        "Can a person with blood group A+ donate to AB+?",
        "Can someone with blood group AB+ donate to A+?",
    ),
    (
        "identifiers",
        "Is C++ faster than Java?",
        "Is C# faster than Java?",
        "Is C++ quicker than Java?",
    ),
    (
        "identifiers",
        "What is the difference between snake_case and camelCase?",
        "What is the difference between snake_case and kebab-case?",
        "How does snake_case differ from camelCase?",
    ),
    (
        "identifiers",
        "What are the side effects of vitamin b12?",
        "What are the side effects of vitamin b6?",
        "What side effects does vitamin b12 have?",
    ),
    (
        "entities",
        "What is the capital of France?",
        "What is the capital of Spain?",
        "which city is the capital of france",
    ),
    (
        "entities",
        "How do I learn Python quickly?",
        "How do I learn Rust quickly?",
        "What is a quick way to learn Python?",
    ),
    (
        "order",
        "What do Croats think of Turks?",
        "What do Turks think of Croats?",
        "What do Croats think about Turks?",
    ),
    (
        "order",
        "what do croats think of turks",
        "what do turks think of croats",
        "how do croats feel about turks",
    ),
    (
        "order",
        "Did Brutus kill Caesar?",
        "Did Caesar kill Brutus?",
        "Was Caesar killed by Brutus?",
    ),
    (
        "order",
        "Is Messi better than Ronaldo at dribbling?",
        "Is Ronaldo better than Messi at dribbling?",
        "At dribbling, is Messi better than Ronaldo?",
    ),
    (
        "order",
        "Is the man in the hat smoking a straw cigarette?",
        "Is the man in the straw hat smoking a cigarette?",
        "Is the man wearing the hat smoking a straw cigarette?",
    ),
    (
        "foreign",
        "Translate 我恨你 to English",
        "Translate 我爱你 to English",
        "Please translate 我恨你 into English",
    ),
    (
        "foreign",
        "What does 💀 mean?",
        "What does 😀 mean?",
        "What is the meaning of 💀?",
    ),
]


@pytest.mark.parametrize(("rule", "cached", "other", "paraphrase"), CASES)
def test_rule_refuses_the_different_question_and_passes_its_twin(
    rule: str, cached: str, other: str, paraphrase: str
) -> None:
    stored = extract(cached)
    assert disagreement(extract(other), stored) == rule
    assert disagreement(stored, extract(other)) == rule  # symmetric
    assert disagreement(extract(paraphrase), stored) is None
    assert disagreement(extract(cached), stored) is None


def test_every_rule_has_a_case() -> None:
    assert {c[0] for c in CASES} | {"unknown"} == set(RULES)


def test_unknown_spans_from_the_tokenizer_are_compared_exactly() -> None:
    # Both texts have no foreign script for the fallback to see; only the tokenizer's
    # [UNK] spans tell them apart (what the embedding cannot).
    a = extract("What does ⌘ do?", TokenInfo(("⌘",), 4))
    b = extract("What does ⌥ do?", TokenInfo(("⌥",), 4))
    twin = extract("What does the ⌘ key do?", TokenInfo(("⌘",), 6))
    assert disagreement(a, b) == "unknown"
    assert disagreement(twin, a) is None


def test_mostly_unknown_text_is_not_servable() -> None:
    assert not servable(extract("我爱你", TokenInfo(("爱", "你"), 3)))
    assert servable(extract("Translate 我爱你 to English", TokenInfo(("爱", "你"), 6)))
    # Without the tokenizer, non-Latin characters stand in for unknown ones.
    assert not servable(extract("💀💀💀"))
    assert servable(extract("What does 💀 mean?"))
    assert servable(extract("How do I reset my router?"))


def test_long_texts_differing_past_what_the_model_reads_disagree() -> None:
    # The model truncates at 256 word pieces: the tail is invisible to the embedding.
    head = "Summarise the following report. " + "The committee met and talked. " * 80
    assert (
        disagreement(extract(head + "Budget: 40 million."), extract(head + "Budget: 45 million."))
        == "numbers"
    )


def test_facts_survive_json_and_malformed_input_is_refused() -> None:
    import orjson

    f = extract('Is `x_y` 5 km "far"? Not before 2020, Paris.', TokenInfo(("⌘",), 9))
    assert load_facts(orjson.loads(orjson.dumps(dump_facts(f)))) == f
    for bad in (None, [], [1] * 13, {"a": 1}, [*dump_facts(f)[:12], "x"]):
        assert load_facts(bad) is None


def _store() -> SemanticStore[Facts | None]:
    return SemanticStore(now=lambda: 0.0, threshold=0.5)


def test_store_offers_candidates_nearest_first_and_counts_refusals() -> None:
    import numpy as np

    store = _store()
    v = np.zeros(384, dtype=np.float32)
    v[0] = 1.0
    near = v.copy()
    near[1] = 0.1
    store.store("35w", "ns", "m", "fp", v, extract("castor oil at 35 weeks"))
    store.store("37w", "ns", "m", "fp", near, extract("castor oil at 37 weeks"))
    query = extract("castor oil at 37 weeks")

    def accept(c: Facts | None) -> str | None:
        return "unverified" if c is None else disagreement(query, c)

    hit = store.lookup("ns", "m", "fp", v, accept=accept, k=4)
    assert hit is not None and hit.entry_id == "37w"  # the nearest (35w) was refused
    assert store.stats.rejected == {"numbers": 1}
    assert store.lookup("ns", "m", "fp", v, accept=accept, k=1) is None
    assert store.lookup("ns", "m", "fp", v) is not None  # without the check: served
