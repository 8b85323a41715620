"""Windows of word pieces for the transformer injection model (I/O-free).

MiniLM reads at most 256 word pieces, and attention costs grow with the square of
the length, so a text is cut into windows of ``WINDOW`` pieces (``[CLS]`` and
``[SEP]`` included) that overlap by ``WINDOW - STRIDE``; a text longer than
``MAX_WINDOWS`` windows is read in ``MAX_WINDOWS`` windows spread evenly over it
(its start, its end and between), so an attack at the end of a long document is
still read. The text's logit is the highest of its windows' (an attack anywhere
makes the text an attack). Training (``bench/train_injection_transformer.py``)
and serving (``transformer.py``) cut the same windows with these functions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: Word pieces per window, [CLS] and [SEP] included.
WINDOW = 128
#: Step between window starts (windows overlap by half).
STRIDE = 64
#: Windows read per text at most.
MAX_WINDOWS = 6
#: Characters of a text tokenised at most (~6 windows of English need ~2,500).
MAX_CHARS = 20_000


def window_starts(length: int, *, window: int = WINDOW - 2, stride: int = STRIDE,
                  max_windows: int = MAX_WINDOWS) -> list[int]:  # fmt: skip
    """Start offsets of the windows over ``length`` content pieces."""
    if length <= window:
        return [0]
    starts = list(range(0, length - window, stride))
    last = length - window
    if starts[-1] != last:
        starts.append(last)
    if len(starts) <= max_windows:
        return starts
    # Evenly spread, first and last kept.
    picks = np.linspace(0, len(starts) - 1, max_windows).round().astype(int)
    return [starts[int(i)] for i in dict.fromkeys(picks.tolist())]


def windows(pieces: Sequence[int], cls_id: int, sep_id: int, *, window: int = WINDOW,
            stride: int = STRIDE, max_windows: int = MAX_WINDOWS) -> list[list[int]]:  # fmt: skip
    """The windows (each ``[CLS] ... [SEP]``) of one text's content ``pieces``."""
    inner = window - 2
    return [
        [cls_id, *pieces[s : s + inner], sep_id]
        for s in window_starts(len(pieces), window=inner, stride=stride, max_windows=max_windows)
    ]


def pad_batch(rows: Sequence[Sequence[int]], pad_id: int = 0) -> tuple[
    npt.NDArray[np.int64], npt.NDArray[np.int64]
]:  # fmt: skip
    """``input_ids`` and ``attention_mask`` padded to the longest row."""
    width = max((len(r) for r in rows), default=0)
    ids = np.full((len(rows), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return ids, mask


def max_per_text(window_logits: npt.NDArray[np.float32], owners: Sequence[int],
                 count: int) -> npt.NDArray[np.float32]:  # fmt: skip
    """Each text's highest window logit (``owners[i]``: the text of window ``i``)."""
    out = np.full(count, -np.inf, dtype=np.float32)
    np.maximum.at(out, np.asarray(owners, dtype=np.int64), window_logits.astype(np.float32))
    return out
