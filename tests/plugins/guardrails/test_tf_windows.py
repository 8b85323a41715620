"""Windows of word pieces for the transformer injection model (plain function calls)."""

from __future__ import annotations

import numpy as np

from routeiq.plugins.guardrails.tf_windows import (
    MAX_WINDOWS,
    STRIDE,
    WINDOW,
    max_per_text,
    pad_batch,
    window_starts,
    windows,
)

CLS, SEP = 101, 102


def test_short_text_is_one_window_with_cls_and_sep() -> None:
    assert windows([5, 6, 7], CLS, SEP) == [[CLS, 5, 6, 7, SEP]]
    assert windows([], CLS, SEP) == [[CLS, SEP]]


def test_a_text_of_exactly_one_window_is_not_split() -> None:
    pieces = list(range(1000, 1000 + WINDOW - 2))
    out = windows(pieces, CLS, SEP)
    assert len(out) == 1 and len(out[0]) == WINDOW


def test_windows_overlap_by_half_and_the_last_ends_at_the_end() -> None:
    pieces = list(range(300))
    inner = WINDOW - 2
    starts = window_starts(len(pieces))
    assert starts == [0, STRIDE, 2 * STRIDE, 300 - inner]
    out = windows(pieces, CLS, SEP)
    assert all(len(w) == WINDOW for w in out)
    assert out[-1][-2] == 299  # the text's last piece is read
    covered = {p for w in out for p in w[1:-1]}
    assert covered == set(pieces)


def test_long_text_is_read_in_evenly_spread_windows_first_and_last_kept() -> None:
    length = 5000
    starts = window_starts(length)
    assert len(starts) == MAX_WINDOWS
    assert starts[0] == 0 and starts[-1] == length - (WINDOW - 2)
    assert starts == sorted(set(starts))
    gaps = np.diff(starts)
    assert gaps.min() > STRIDE and gaps.max() - gaps.min() <= 2 * STRIDE  # spread, not bunched


def test_pad_batch_masks_the_padding() -> None:
    ids, mask = pad_batch([[1, 2, 3], [4]])
    assert ids.tolist() == [[1, 2, 3], [4, 0, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert ids.dtype == np.int64 and mask.dtype == np.int64


def test_max_per_text_takes_each_texts_highest_window() -> None:
    logits = np.array([-1.0, 2.5, 0.5, -3.0], dtype=np.float32)
    assert max_per_text(logits, [0, 0, 1, 2], 3).tolist() == [2.5, 0.5, -3.0]
