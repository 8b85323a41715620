"""Vector fixtures shared by the index, semantic-store and bench code paths."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]


def unit_rows(x: F32) -> F32:
    out: F32 = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def random_unit(rng: np.random.Generator, n: int, dim: int) -> F32:
    return unit_rows(rng.standard_normal((n, dim)).astype(np.float32))


def clustered(
    rng: np.random.Generator,
    n: int,
    dim: int = 384,
    clusters: int = 100,
    spread: float = 0.6,
    centres: F32 | None = None,
) -> tuple[F32, F32]:
    """``n`` unit vectors around ``clusters`` random centres (or the given ones).

    With ``spread`` 0.6 two members of one cluster have cosine ~0.7 and a member and
    its centre ~0.85, roughly like sentence embeddings of questions on one topic.
    """
    if centres is None:
        centres = random_unit(rng, clusters, dim)
    clusters = len(centres)
    labels = rng.integers(0, clusters, n)
    noise = rng.standard_normal((n, dim)).astype(np.float32) * (spread / np.sqrt(dim))
    return unit_rows(centres[labels] + noise), centres


def near(rng: np.random.Generator, x: F32, noise: float = 0.2) -> F32:
    """Queries that are perturbed copies of rows of ``x`` (paraphrase-like, cos ~0.98)."""
    dim = x.shape[1]
    return unit_rows(x + rng.standard_normal(x.shape).astype(np.float32) * (noise / np.sqrt(dim)))
