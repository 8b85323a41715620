"""The budget reservation of a request: ``Governance.max_cost`` (plain calls).

Found by the outside-evaluator probe: a chat request with ``n`` answers (or a
completion with ``best_of``) reserved the cost of one, though each answer is billed,
so concurrent such requests could overspend a budget; and a Responses body's
``max_output_tokens`` was ignored (the default 4096 reserved instead).
"""

from __future__ import annotations

from typing import Any, cast

import pytest

from routeiq.governance.service import Governance, GroupPrice
from routeiq.governance.settings import GovernanceSettings

PRICE = GroupPrice(input=0.001, output=0.002, max_output_tokens=None)
BODY = 399  # bytes: a prompt estimate of 100 tokens (0.1 USD)


def _gov() -> Governance:
    return Governance(GovernanceSettings(), cast(Any, None), prices={"m": PRICE})


def test_every_answer_asked_for_is_reserved() -> None:
    gov = _gov()
    assert gov.max_cost("m", {"max_tokens": 50}, BODY) == (100, pytest.approx(0.1 + 0.1))
    assert gov.max_cost("m", {"max_tokens": 50, "n": 4}, BODY)[1] == pytest.approx(0.1 + 0.4)
    assert gov.max_cost("m", {"max_tokens": 50, "n": 2, "best_of": 5}, BODY)[1] == pytest.approx(
        0.1 + 0.5
    )
    for odd in (0, -3, True, "4", None):
        assert gov.max_cost("m", {"max_tokens": 50, "n": odd}, BODY)[1] == pytest.approx(0.2)


def test_the_responses_output_limit_is_read() -> None:
    gov = _gov()
    assert gov.max_cost("m", {"max_output_tokens": 50}, BODY)[1] == pytest.approx(0.2)
    default = GovernanceSettings().default_max_tokens * 0.002
    assert gov.max_cost("m", {}, BODY)[1] == pytest.approx(0.1 + default)
