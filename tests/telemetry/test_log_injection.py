"""Text log lines cannot be forged: whatever a client puts in a path, a key alias
or any other text that reaches a log message, one record stays one line (CR, LF,
NUL and the other non-printable characters are escaped, not written)."""

from __future__ import annotations

import logging

import httpx
from hypothesis import given
from hypothesis import strategies as st

from routeiq.logs import TextFormatter
from routeiq.testing import CHAT, running_stack
from tests.telemetry.test_logs import captured


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("routeiq.access", logging.INFO, "", 0, msg, args, None)


@given(st.text())
def test_any_message_is_one_printable_line(text: str) -> None:
    line = TextFormatter().format(_record("%s %s", "GET", text))
    assert line.isprintable(), repr(line)  # no CR/LF/NUL/U+2028...: one line
    if text.isprintable():
        assert line.endswith(f"GET {text}")  # printable text is written as it is


def test_control_characters_are_escaped_visibly() -> None:
    line = TextFormatter().format(_record("path=%s", "/a\r\nFORGED 200\x00\u2028"))
    assert line.endswith("path=/a\\r\\nFORGED 200\\x00\\u2028")


async def test_a_path_and_a_key_alias_with_newlines_stay_on_their_access_line() -> None:
    with captured(TextFormatter()) as out:
        async with running_stack() as s, httpx.AsyncClient(base_url=s.url) as c:
            r = await c.post(
                "/key/generate",
                headers=s.headers,
                json={"key_alias": "ci\r\n2026-12-07T00:00:00.000Z INFO forged: admin signed in"},
            )
            assert r.status_code == 200
            key = r.json()["key"]
            chat = await c.post(
                "/v1/chat/completions", json=CHAT, headers={"authorization": f"Bearer {key}"}
            )
            assert chat.status_code == 200
            # a decoded %0d%0a in the path, on a surface route and on an unknown one
            for path in ("/v1/models/x%0d%0aINFO%20forged", "/nowhere%0aINFO%20forged"):
                assert (await c.get(path, headers=s.headers)).status_code == 404
    lines = out.getvalue().splitlines()
    assert not [ln for ln in lines if "forged" in ln and "routeiq.access" not in ln]
    access = [ln for ln in lines if "routeiq.access" in ln and "forged" in ln]
    assert len(access) == 3, access
    assert any("key=ci\\r\\n2026-12-07" in ln for ln in access)
    assert any("/v1/models/x\\r\\nINFO forged" in ln for ln in access)
