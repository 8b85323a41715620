"""Item 1: client text never reaches a response header raw; a refused header is a clean 500."""

from __future__ import annotations

import httpx
import pytest
import trio

from routeiq.asgi.headers import bad_header, header_text
from routeiq.asgi.request_id import RequestIdMiddleware
from routeiq.asgi.types import Receive, RequestContext, Scope, Send
from routeiq.server import bind_socket, serve_app, url_of
from tests.conftest import running_stack

MSG = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("gpt-4o", b"gpt-4o"),
        ("a b", b"a b"),
        ("m\r\nSet-Cookie: pwn=1", b"m%0D%0ASet-Cookie: pwn=1"),
        ("m\x00", b"m%00"),
        ("mod\u00e8le", b"mod%C3%A8le"),
        ("50%", b"50%25"),
        ("\t", b"%09"),
    ],
)
def test_header_text_escapes_all_but_printable_ascii(text: str, value: bytes) -> None:
    assert header_text(text) == value
    assert bad_header([(b"x", header_text(text))]) is None


def test_bad_header_finds_controls_and_bad_names() -> None:
    assert bad_header([(b"ok", b"fine value"), (b"x-m", b"a\r\nb")]) == b"x-m"
    assert bad_header([(b"x-m", b"a\x00")]) == b"x-m"
    assert bad_header([(b"bad name", b"v")]) == b"bad name"
    assert bad_header([(b"x", b"obs-text \xe8 ok\tinner tab")]) is None


def test_a_name_found_good_before_still_has_its_value_checked() -> None:
    """The fast path remembers good names and checks all values at once: a known
    name with a bad value, or a bad name after good ones, is still found."""
    good = [(b"x-known", b"v"), (b"x-other", b"w")]
    assert bad_header(good) is None
    assert bad_header(good) is None  # now every name is remembered
    assert bad_header([(b"x-known", b"v"), (b"x-other", b"a\nb")]) == b"x-other"
    assert bad_header([(b"x-known", b"\x00")]) == b"x-known"
    assert bad_header([*good, (b"bad:name", b"v")]) == b"bad:name"
    assert bad_header([*good, (b"bad:name", b"v")]) == b"bad:name"  # never remembered
    assert bad_header([]) is None
    assert bad_header(iter(good)) is None


@pytest.mark.parametrize("model", ["m\r\nSet-Cookie: pwn=1", "m\u0000", "m\n", "a\x7f"])
async def test_control_characters_in_model_are_a_400(model: str) -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json={"model": model, "messages": MSG})
        assert r.status_code == 400, r.text
        assert r.json()["error"]["param"] == "model"
        assert r.headers["x-request-id"]
        assert "set-cookie" not in r.headers
        # the connection is still usable afterwards
        r = await c.post("/v1/chat/completions", json={"model": "gpt-test", "messages": MSG})
        assert r.status_code == 200


async def test_unknown_non_ascii_model_is_echoed_escaped() -> None:
    async with running_stack() as s, httpx.AsyncClient(base_url=s.url, headers=s.headers) as c:
        r = await c.post("/v1/chat/completions", json={"model": "mod\u00e8le", "messages": MSG})
        assert r.status_code == 404, r.text
        assert r.headers["x-routeiq-model"] == "mod%C3%A8le"
        assert r.headers["x-request-id"]


async def test_request_id_net_answers_a_header_refused_at_send() -> None:
    """An app that puts CR/LF into a header gets a JSON 500 with x-request-id, not a bare close."""

    async def leaky(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                m = await receive()
                if m["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        headers = [(b"x-echo", b"v\r\nSet-Cookie: pwn=1")]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    done: list[int] = []

    def on_done(_: Scope, ctx: RequestContext) -> None:
        done.append(ctx.status)

    app = RequestIdMiddleware(leaky, on_done)
    async with trio.open_nursery() as nursery:
        sock = bind_socket("127.0.0.1", 0)
        await nursery.start(serve_app, app, sock)
        async with httpx.AsyncClient(base_url=url_of(sock)) as c:
            for _ in range(3):  # keep-alive survives too
                r = await c.get("/x", headers={"x-request-id": "rid-1"})
                assert r.status_code == 500
                assert r.json()["error"]["type"]
                assert r.headers["x-request-id"] == "rid-1"
                assert "set-cookie" not in r.headers
        with trio.fail_after(5):  # on_done runs just after the body went out
            while len(done) < 3:
                await trio.sleep(0.01)
        assert done == [500, 500, 500]
        nursery.cancel_scope.cancel()
