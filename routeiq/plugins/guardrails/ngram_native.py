"""One new message's n-gram sum in one C call (optional; numpy otherwise).

``GramGrid.total`` (``ngram_sums.py``) scores a next turn's new message with
about a dozen numpy calls. Measured in place (the bench's next turn of 50, its
caches cold after the 49-message warm-up): those calls are a third of the turn,
each one costing several microseconds cold whatever its size. This module does
the same arithmetic -- the grid's 3-, 4- and 5-grams of the text and its shape
(masked, tagged), the word unigrams and bigrams, multiply-shift hashing, the
gather of the float16 weights and their sum in float64 -- in one loop of C.

The sum is the same number: every weight is a float16, a multiple of 2**-24
(the shipped table's largest is 20.7 in magnitude), so every partial sum of a
text's few thousand of them is exact in float64, in any order (``batch_sums``);
the float16 -> float64 conversion is exact (the half's sign, exponent and
significand moved into a double's fields). Checked against the numpy path in
``tests/plugins/guardrails/test_fast_paths.py``.

The C source below is compiled once per process at start-up (when the model is
loaded: the guardrails are built in a worker thread before the gateway is
ready; ~0.25 s) with the system's C compiler in a private temporary directory,
loaded, and called through ``ctypes`` (which releases the GIL: the function only
reads its arguments). No compiler, a failed build or a big-endian machine: ``load``
returns None and the numpy path serves (the same verdicts, slower).
``ROUTEIQ_NATIVE_NGRAMS=0`` turns it off.
"""

from __future__ import annotations

import ctypes
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("routeiq.guardrails")

__all__ = ["SOURCE", "load"]

SOURCE = r"""
#include <stdint.h>
#include <string.h>

static const uint64_t MIX = 0x9E3779B97F4A7C15ULL;
static const uint64_t PRIME = 0x100000001B3ULL;

/* The float16 `h` as a double, exactly: the bits of a normal half moved into a
   double's fields; a subnormal half is m * 2**-24 (exact: m < 1024). */
static double half_value(uint16_t h) {
    uint64_t sign = (uint64_t)(h >> 15) << 63;
    uint64_t e = (h >> 10) & 31;
    uint64_t m = h & 1023;
    uint64_t bits;
    double v;
    if (e == 0) {
        v = (double)m * 5.9604644775390625e-08;
        return sign ? -v : v;
    }
    if (e == 31) bits = sign | (2047ULL << 52) | (m << 42);
    else bits = sign | ((e + 1008) << 52) | (m << 42);
    memcpy(&v, &bits, 8);
    return v;
}

/* Sum of the weights of: the 3-, 4- and 5-grams at every position p of
   `joined` (little-endian uint64 read at p, masked to n bytes, tagged n << 56
   for p < text_count, (16 + n) << 56 from text_count + 4 on; the four
   junction positions in between are skipped), the words and their bigrams
   (a * PRIME + b), each hashed to (key * MIX) >> shift. `joined` holds
   positions + 9 bytes. */
double routeiq_ngram_sum(const unsigned char *joined, long positions, long text_count,
                         const unsigned char *words, long nwords,
                         const uint16_t *weights, int shift) {
    static const uint64_t masks[3] = {0xFFFFFFULL, 0xFFFFFFFFULL, 0xFFFFFFFFFFULL};
    /* Three running sums (one per gram size): any order gives the same exact sum. */
    double sums[3] = {0.0, 0.0, 0.0};
    long p;
    int r;
    for (p = 0; p < positions; p++) {
        uint64_t x, base;
        if (p >= text_count && p < text_count + 4) continue;
        memcpy(&x, joined + p, 8);
        base = p < text_count ? 0 : 16;
        for (r = 0; r < 3; r++) {
            uint64_t key = (x & masks[r]) | ((base + 3 + r) << 56);
            sums[r] += half_value(weights[(key * MIX) >> shift]);
        }
    }
    for (p = 0; p < nwords; p++) {
        uint64_t a;
        memcpy(&a, words + 8 * p, 8);
        sums[0] += half_value(weights[(a * MIX) >> shift]);
        if (p + 1 < nwords) {
            uint64_t b;
            memcpy(&b, words + 8 * (p + 1), 8);
            sums[1] += half_value(weights[((a * PRIME + b) * MIX) >> shift]);
        }
    }
    return sums[0] + sums[1] + sums[2];
}
"""

#: (joined + padding, positions, text count, packed words, word count, weights address, shift)
NativeSum = Callable[[bytes, int, int, bytes, int, int, int], float]

#: One build per process: ``load`` runs at start-up only (the model is loaded in the
#: pipeline's compile thread and by ``create_app`` before serving; ``default_model``
#: is cached), never per request, so this lock is taken a handful of times per
#: process and never by a task on the trio loop while it serves.
_LOCK = threading.Lock()
_LOADED: list[NativeSum | None] = []


def _build() -> NativeSum | None:
    if os.environ.get("ROUTEIQ_NATIVE_NGRAMS", "1") == "0" or sys.byteorder != "little":
        return None
    compiler = shutil.which(os.environ.get("CC") or "cc") or shutil.which("gcc")
    if compiler is None:
        log.info("no C compiler: the n-gram sums stay in numpy")
        return None
    # A private directory of this process (mkdtemp: mode 0700, a fresh name), the
    # library loaded from it and then removed: nothing another user could have
    # placed is ever loaded, and nothing is left behind.
    try:
        with tempfile.TemporaryDirectory(prefix="routeiq-native-") as work:
            source = Path(work) / "ngram_sum.c"
            source.write_text(SOURCE)
            library = Path(work) / "ngram_sum.so"
            subprocess.run(
                [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(source)],
                check=True,
                capture_output=True,
                timeout=120,
            )
            native = ctypes.CDLL(str(library))
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("the native n-gram sum did not build (%s): numpy serves", exc)
        return None
    function = native.routeiq_ngram_sum
    function.restype = ctypes.c_double
    function.argtypes = [
        ctypes.c_char_p,
        ctypes.c_long,
        ctypes.c_long,
        ctypes.c_char_p,
        ctypes.c_long,
        ctypes.c_void_p,
        ctypes.c_int,
    ]
    return function


def load() -> NativeSum | None:
    """The compiled sum, built on the first call (blocking: call it at start-up),
    or None when it cannot be built."""
    with _LOCK:
        if not _LOADED:
            _LOADED.append(_build())
        return _LOADED[0]
