"""What each model group serves, from its deployments' ``model_info.mode`` (I/O-free).

LiteLLM's field: ``chat``, ``completion``, ``embedding``, ``image_generation``,
``audio_speech``, ``audio_transcription``, ``rerank``, ``moderation``, ``responses``.
A deployment without ``mode`` serves everything (LiteLLM's default); a group
serves a mode when any of its deployments does.

The table is built once per router (start-up and every reload), so the chat path
pays one truthiness test of an empty dict when no group declares a mode that
refuses chat, and one dict lookup otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from routeiq.deployment import Deployment
from routeiq.errors import BadRequest

#: The modes of the two hot endpoints, checked at parse time by ``api/openai.py``.
CHAT = "chat"
EMBEDDING = "embedding"


def declared(dep: Deployment) -> str | None:
    mode = dep.model_info.get("mode") if isinstance(dep.model_info, Mapping) else None
    return mode if isinstance(mode, str) and mode else None


def serves(group: Sequence[Deployment], modes: frozenset[str]) -> bool:
    """Whether a deployment of ``group`` serves one of ``modes`` (undeclared: any)."""
    for dep in group:
        mode = declared(dep)
        if mode is None or mode in modes:
            return True
    return False


def refusing(groups: Mapping[str, Sequence[Deployment]], mode: str) -> dict[str, str]:
    """The groups that cannot serve ``mode``, each with the modes it declares."""
    accepted = frozenset({mode})
    out: dict[str, str] = {}
    for name, group in groups.items():
        if group and not serves(group, accepted):
            out[name] = ", ".join(sorted({declared(d) or "" for d in group}))
    return out


def mode_error(group: str, mode: str, has: str) -> BadRequest:
    return BadRequest(
        f"Model group '{group[:256]}' does not serve mode '{mode}' "
        f"(its deployments declare model_info.mode: {has})",
        param="model",
        code="unsupported_mode",
    )


class ModeTable:
    """Per group, the hot endpoints' modes it cannot serve (built once per router)."""

    __slots__ = ("chat", "embedding")

    def __init__(self, groups: Mapping[str, Sequence[Deployment]]) -> None:
        self.chat = refusing(groups, CHAT)
        self.embedding = refusing(groups, EMBEDDING)

    def check(self, group: str, mode: str) -> None:
        """400 naming ``group`` and ``mode`` when ``group`` (canonical) cannot serve it."""
        table = self.chat if mode == CHAT else self.embedding
        if table:
            has = table.get(group)
            if has is not None:
                raise mode_error(group, mode, has)
