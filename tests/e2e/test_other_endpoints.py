"""The official ``openai`` package on the relayed endpoints (completions, models,
moderations, images, speech, transcriptions) and Cohere-format rerank, against the
real gateway process and the mock upstream, with ``model_info.mode`` declared."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
import yaml
from openai import OpenAI

from tests.conftest import MASTER_KEY, config_dict
from tests.e2e.conftest import _spawn

MODES = {
    "text-test": "completion",
    "mod-test": "moderation",
    "image-test": "image_generation",
    "tts-test": "audio_speech",
    "whisper-test": "audio_transcription",
    "rerank-test": "rerank",
}


def _config(base: str) -> dict[str, Any]:
    cfg = config_dict(base)
    for name, mode in MODES.items():
        cfg["model_list"].append(
            {
                "model_name": name,
                "litellm_params": {"model": f"openai/{name}-up", "api_base": base, "api_key": "k"},
                "model_info": {"id": f"dep-{name}", "mode": mode},
            }
        )
    return cfg


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """(gateway URL, gateway pid)."""
    mock, base = _spawn(["mock-upstream", "--port", "0"], rb"listening on (http://\S+)")
    path: Path = tmp_path_factory.mktemp("other") / "gateway.yaml"
    path.write_text(yaml.safe_dump(_config(base)))
    gw, url = _spawn(
        ["serve", "--config", str(path), "--port", "0", "--quiet"], rb"listening on (http://\S+)"
    )
    try:
        yield url, gw.pid
    finally:
        for p in (gw, mock):
            p.terminate()
            p.wait(timeout=30)


def client(url: str) -> OpenAI:
    return OpenAI(base_url=f"{url}/v1", api_key=MASTER_KEY, max_retries=0, timeout=60)


def test_completions_plain_and_streamed(stack: tuple[str, int]) -> None:
    c = client(stack[0])
    raw = c.completions.with_raw_response.create(model="text-test", prompt="say hi")
    assert raw.headers["x-routeiq-deployment"] == "dep-text-test"
    assert raw.parse().choices[0].text == "completion of: say hi"
    pieces = [
        ch.choices[0].text
        for ch in c.completions.create(model="text-test", prompt="a b", stream=True)
    ]
    assert len(pieces) == 4 and "".join(pieces) == "completion of: a b "


def test_models_retrieve(stack: tuple[str, int]) -> None:
    c = client(stack[0])
    assert c.models.retrieve("gpt-test").id == "gpt-test"
    with pytest.raises(openai.NotFoundError):
        c.models.retrieve("no-such-model")


def test_moderations_and_images(stack: tuple[str, int]) -> None:
    c = client(stack[0])
    mod = c.moderations.create(model="mod-test", input="plan an attack")
    assert mod.results[0].flagged is True
    img = c.images.generate(model="image-test", prompt="a cat", n=2)
    assert img.data is not None and [d.url for d in img.data] == [
        "https://images.example/0.png",
        "https://images.example/1.png",
    ]


def test_speech_streamed_back(stack: tuple[str, int]) -> None:
    c = client(stack[0])
    with c.audio.speech.with_streaming_response.create(
        model="tts-test", voice="alloy", input="hello"
    ) as resp:
        assert resp.headers["content-type"] == "audio/mpeg"
        audio = b"".join(resp.iter_bytes())
    assert audio == b"".join(b"ID3hello%d" % i for i in range(8))


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_transcription_of_20_mb_is_streamed_up(stack: tuple[str, int]) -> None:
    url, pid = stack
    c = client(url)
    small = c.audio.transcriptions.create(model="whisper-test", file=("a.wav", b"RIFF" * 10))
    assert small.text.endswith("for whisper-test-up")  # the model renamed for the upstream
    size = 20 * 1024 * 1024
    before = _rss_kb(pid)
    out = c.audio.transcriptions.create(
        model="whisper-test", file=("big.wav", io.BytesIO(b"\x00" * size))
    )
    grown = _rss_kb(pid) - before
    sent = int(out.text.split()[1])
    assert sent > size  # the whole file arrived upstream
    assert int(out.text.split()[4]) > 10  # in many pieces, as it came
    assert grown < 8 * 1024, f"RSS grew by {grown} kB for a {size // 1024} kB upload"


def test_mode_check_and_limits(stack: tuple[str, int]) -> None:
    c = client(stack[0])
    with pytest.raises(openai.BadRequestError) as bad:
        c.images.generate(model="gpt-test", prompt="x")
    assert "'gpt-test'" in bad.value.message and "'image_generation'" in bad.value.message
    with pytest.raises(openai.BadRequestError) as bad:
        c.audio.transcriptions.create(model="text-test", file=("a.wav", b"x"))
    assert "'audio_transcription'" in bad.value.message
    # A declared size over the limit is refused before any of the body is read.
    host, port = stack[0].removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /v1/audio/transcriptions HTTP/1.1\r\nhost: x\r\n"
            b"authorization: Bearer " + MASTER_KEY.encode() + b"\r\n"
            b"content-type: multipart/form-data; boundary=b\r\n"
            b"content-length: %d\r\n\r\n" % (26 * 1024 * 1024)
        )
        head = b""
        while b"payload_too_large" not in head:
            piece = sock.recv(4096)
            if not piece:
                break
            head += piece
    assert head.startswith(b"HTTP/1.1 413"), head[:100]
    assert b"payload_too_large" in head


def test_rerank_cohere_format(stack: tuple[str, int]) -> None:
    r = httpx.post(
        f"{stack[0]}/v1/rerank",
        headers={"authorization": f"Bearer {MASTER_KEY}"},
        json={
            "model": "rerank-test",
            "query": "red fox",
            "documents": ["blue sky", "red fox den"],
            "top_n": 1,
        },
    )
    assert r.status_code == 200
    assert r.json()["results"] == [{"index": 1, "relevance_score": 2.0}]
