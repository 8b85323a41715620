"""The cost of a relayed answer (I/O-free), fed the response's pieces as they pass.

Per endpoint, from the deployment's unit prices (``pricing/units.py``) or, when the
upstream reports tokens, its token prices:

- ``images``: images in the answer x ``output_cost_per_image`` (counted by their
  ``"url"``/``"b64_json"`` keys as the bytes stream past: a base64 image is never
  held); token usage (``gpt-image-1``) at the token prices;
- ``speech``: characters of ``input`` x ``input_cost_per_character`` (known before
  the call: it goes in ``x-routeiq-response-cost``);
- ``transcriptions``: seconds (``usage.seconds`` or ``duration``) x
  ``input_cost_per_second``, or token usage at the token prices;
- ``rerank``: search units (Cohere's ``meta.billed_units.search_units``, else one
  query) x ``input_cost_per_query``;
- ``moderations``: token usage if any (OpenAI's moderations are free).

Small JSON answers (up to ``KEEP_BYTES``) are kept to be read once at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from routeiq.pricing.cost import Pricer
from routeiq.surfaces.responses_exchange import chat_usage

KEEP_BYTES = 1 << 20
_IMAGE_KEYS = (b'"url":', b'"b64_json":', b'"url" :', b'"b64_json" :')
_OVERLAP = 16


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class Meter:
    __slots__ = ("_images", "_kept", "_size", "_tail", "endpoint", "pricer", "req", "units")

    def __init__(
        self,
        endpoint: str,
        req: Mapping[str, Any] | None,
        units: Mapping[str, float],
        pricer: Pricer | None,
    ) -> None:
        self.endpoint = endpoint
        self.req = req or {}
        self.units = units
        self.pricer = pricer
        self._kept: list[bytes] | None = []
        self._size = 0
        self._images = 0
        self._tail = b""

    def upfront(self) -> float | None:
        """The cost known before the call (text to speech), else None."""
        if self.endpoint != "speech":
            return None
        rate = self.units.get("input_cost_per_character")
        text = self.req.get("input")
        return None if rate is None or not isinstance(text, str) else len(text) * rate

    def feed(self, piece: bytes) -> None:
        if self.endpoint == "speech":
            return  # audio: nothing to read
        if self.endpoint == "images":
            window = self._tail + piece
            # a key split across pieces is found in the overlap, and never twice
            self._images += sum(window.count(k) for k in _IMAGE_KEYS) - sum(
                self._tail.count(k) for k in _IMAGE_KEYS
            )
            self._tail = window[-_OVERLAP:]
        if self._kept is not None:
            self._size += len(piece)
            if self._size > KEEP_BYTES:
                self._kept = None
            else:
                self._kept.append(piece)

    def _body(self) -> dict[str, Any]:
        if not self._kept:
            return {}
        try:
            obj = orjson.loads(b"".join(self._kept))
        except orjson.JSONDecodeError:
            return {}
        return obj if isinstance(obj, dict) else {}

    def _tokens(self, usage: Any) -> tuple[dict[str, Any] | None, float | None]:
        if not isinstance(usage, Mapping):
            return None, None
        chat = chat_usage(usage) if "input_tokens" in usage else dict(usage)
        if chat is None or self.pricer is None:
            return chat, None
        return chat, self.pricer(chat)

    def result(self) -> tuple[dict[str, Any] | None, float | None]:
        """(usage in chat names, cost in USD) of the whole answer; None where unknown."""
        kind = self.endpoint
        if kind == "speech":
            return None, self.upfront()
        body = self._body()
        usage, cost = self._tokens(body.get("usage"))
        if cost is not None and kind != "transcriptions":
            return usage, cost
        if kind == "images":
            rate = self.units.get("output_cost_per_image")
            return usage, (None if rate is None else self._images * rate)
        if kind == "transcriptions":
            raw = body.get("usage")
            seconds = None
            if isinstance(raw, Mapping) and raw.get("type") == "duration":
                seconds = raw.get("seconds")
            if seconds is None:
                seconds = body.get("duration")
            rate = self.units.get("input_cost_per_second")
            if isinstance(seconds, int | float) and not isinstance(seconds, bool) and rate:
                return usage, float(seconds) * rate
            return usage, cost
        if kind == "rerank":
            meta = body.get("meta")
            billed = meta.get("billed_units") if isinstance(meta, Mapping) else None
            units = _int(billed.get("search_units")) if isinstance(billed, Mapping) else None
            rate = self.units.get("input_cost_per_query")
            return usage, (None if rate is None else (units if units is not None else 1) * rate)
        return usage, cost
