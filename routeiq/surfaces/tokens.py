"""Counting a chat request's input tokens with a real tokenizer, offline.

``/v1/messages/count_tokens`` for a group served by translation has no upstream
endpoint to ask, so the gateway counts: OpenAI's ``o200k_base`` BPE (the GPT-4o
family's) through ``tiktoken``, its vocabulary read from the copy litellm ships in
its wheel (``litellm_core_utils/tokenizers``, stored under tiktoken's cache name),
so nothing is fetched at run time. Where either is missing the count falls back to
the router's estimate (about 4 characters a token) and says so
(``x-routeiq-token-count: estimate``).

The framing follows OpenAI's published rule for chat messages (3 tokens per
message, 3 priming the reply); an image counts 85 tokens (a low-detail tile), tool
definitions count as their JSON. For a non-OpenAI upstream it is an approximation
by a real tokenizer, not that model's own count.

The vocabulary (3.6 MB, ~0.3 s to load) is loaded once, in a worker thread, at the
first count; long texts are encoded in a worker thread too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import orjson
import trio

from routeiq.pricing.table import litellm_dir
from routeiq.routing.filters import estimate_tokens

ENCODING = "o200k_base"
_URL = f"https://openaipublic.blob.core.windows.net/encodings/{ENCODING}.tiktoken"
IMAGE_TOKENS = 85
PER_MESSAGE = 3
REPLY_PRIMING = 3
INLINE_CHARS = 4000  # encoded on the loop below this (well under 1 ms)

Encode = Callable[[str], Sequence[int]]


def _cache_dir() -> str | None:
    """A directory holding the vocabulary under tiktoken's cache name, or None."""
    name = hashlib.sha1(_URL.encode()).hexdigest()
    for directory in (os.environ.get("TIKTOKEN_CACHE_DIR"), _bundled()):
        if directory and os.path.isfile(os.path.join(directory, name)):
            return directory
    return None


def _bundled() -> str | None:
    root = litellm_dir()
    return None if root is None else str(root / "litellm_core_utils" / "tokenizers")


@cache
def encoder() -> Encode | None:
    """The tokenizer's ``encode`` (blocking: call it in a worker thread), or None."""
    directory = _cache_dir()
    if directory is None:
        return None
    try:
        import tiktoken
    except ImportError:
        return None
    # tiktoken reads its cache directory from the environment; litellm, when it is
    # imported, points it at the same bundled directory.
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", directory)
    if os.environ["TIKTOKEN_CACHE_DIR"] != directory:
        return None  # someone else's cache lacks the file: never download
    enc = tiktoken.get_encoding(ENCODING)
    return enc.encode_ordinary


def _texts(chat: dict[str, Any]) -> tuple[list[str], int, int]:
    """(texts to encode, images, messages) of a chat request."""
    texts: list[str] = []
    images = 0
    messages = chat.get("messages") or []
    for m in messages:
        texts.append(str(m.get("role", "")))
        content = m.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            for part in content:
                if part.get("type") == "text":
                    texts.append(str(part.get("text", "")))
                elif part.get("type") == "image_url":
                    images += 1
        if m.get("tool_calls"):
            texts.append(orjson.dumps(m["tool_calls"]).decode())
    if chat.get("tools"):
        texts.append(orjson.dumps(chat["tools"]).decode())
    return texts, images, len(messages)


def count_with(encode: Encode, chat: dict[str, Any]) -> int:
    """Input tokens of ``chat`` (a chat-completions body) with ``encode`` (pure)."""
    texts, images, messages = _texts(chat)
    tokens = sum(len(encode(t)) for t in texts if t)
    return tokens + images * IMAGE_TOKENS + messages * PER_MESSAGE + REPLY_PRIMING


def estimate(chat: dict[str, Any]) -> int:
    tokens = estimate_tokens(chat.get("messages") or ())
    for tool in chat.get("tools") or ():
        tokens += len(str(tool)) // 4
    return tokens


async def count(chat: dict[str, Any]) -> tuple[int, str]:
    """(input tokens, how they were counted: ``tiktoken-o200k_base`` or ``estimate``)."""
    # Loaded once in a worker thread; after that a cached call.
    encode = encoder() if encoder.cache_info().currsize else await trio.to_thread.run_sync(encoder)
    if encode is None:
        return estimate(chat), "estimate"
    chars = sum(len(t) for t in _texts(chat)[0])
    if chars > INLINE_CHARS:
        tokens = await trio.to_thread.run_sync(count_with, encode, chat)
    else:
        tokens = count_with(encode, chat)
    return tokens, "tiktoken-" + ENCODING
