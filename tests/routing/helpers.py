"""Builders shared by the routing tests."""

from __future__ import annotations

from collections.abc import Iterator

from routeiq.config import Deployment


def dep(
    dep_id: str,
    model: str = "m",
    *,
    weight: float = 1.0,
    rpm: int | None = None,
    tpm: int | None = None,
) -> Deployment:
    return Deployment(
        id=dep_id,
        model_name=model,
        provider="openai",
        upstream_model=model,
        api_base="http://127.0.0.1:9",
        api_key=None,
        api_version=None,
        timeout=None,
        stream_timeout=None,
        rpm=rpm,
        tpm=tpm,
        weight=weight,
    )


class FixedRandom:
    """A random source that returns the given values in turn (test data, not a mock)."""

    def __init__(self, *values: float) -> None:
        self._values: Iterator[float] = iter(values)

    def random(self) -> float:
        return next(self._values)
