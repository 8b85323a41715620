"""The per-group mode table (plain function calls): which groups refuse chat or
embeddings, and the 400 that names the group and the mode."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from routeiq.deployment import Deployment
from routeiq.errors import BadRequest
from routeiq.routing.modes import ModeTable
from tests.routing.helpers import dep as make_dep


def dep(i: str, group: str, **info: Any) -> Deployment:
    return replace(make_dep(i, group), model_info=info)


GROUPS = {
    "emb": [dep("e1", "emb", mode="embedding"), dep("e2", "emb", mode="embedding")],
    "chat": [dep("c1", "chat", mode="chat")],
    "plain": [dep("p1", "plain")],  # no mode: serves everything (LiteLLM's default)
    "mixed": [dep("m1", "mixed", mode="embedding"), dep("m2", "mixed", mode="chat")],
    "img": [dep("i1", "img", mode="image_generation")],
}


def test_only_groups_that_cannot_serve_are_listed() -> None:
    table = ModeTable(GROUPS)
    assert table.chat == {"emb": "embedding", "img": "image_generation"}
    assert table.embedding == {"chat": "chat", "img": "image_generation"}


def test_check_names_group_and_mode() -> None:
    table = ModeTable(GROUPS)
    with pytest.raises(BadRequest) as info:
        table.check("emb", "chat")
    assert info.value.status == 400 and info.value.param == "model"
    assert "'emb'" in info.value.message and "'chat'" in info.value.message
    assert "embedding" in info.value.message
    with pytest.raises(BadRequest, match="'chat' does not serve mode 'embedding'"):
        table.check("chat", "embedding")
    for group in ("plain", "mixed"):
        table.check(group, "chat")
        table.check(group, "embedding")
    table.check("unknown-group", "chat")  # not ours to judge: the router says 404


def test_no_declared_modes_means_empty_tables() -> None:
    table = ModeTable({"plain": GROUPS["plain"]})
    assert not table.chat and not table.embedding  # the hot path tests only this
