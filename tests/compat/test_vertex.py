"""Gemini on Vertex AI: service-account credentials through google-auth, through the real
gateway. A local double plays both Google's token endpoint and Vertex AI."""

from __future__ import annotations

from typing import Any

import orjson
import trio
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from routeiq.asgi.types import Receive, Scope, Send
from tests.compat.stack import litellm_stack
from tests.llm.translated.stack import serve

TOKEN = "ya29.test-vertex-token"
PROJECT = "proj-routeiq"
LOCATION = "europe-west4"
MODEL = "gemini-2.5-flash"
ANSWER = {
    "candidates": [
        {
            "content": {"parts": [{"text": "Hello from Vertex"}], "role": "model"},
            "index": 0,
            "finishReason": "STOP",
        }
    ],
    "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 3, "totalTokenCount": 6},
}


class GoogleDouble:
    def __init__(self) -> None:
        self.token_requests = 0
        self.calls: list[tuple[str, str, dict[str, Any]]] = []  # path+query, auth, body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                msg = await receive()
                done = msg["type"] == "lifespan.shutdown"
                await send({"type": msg["type"] + ".complete"})
                if done:
                    return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            msg = await receive()
            body += msg.get("body", b"")
            if not msg.get("more_body"):
                break
        headers = dict(scope["headers"])
        if scope["path"] == "/token":
            assert b"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer" in body
            self.token_requests += 1
            await _json(
                send, 200, {"access_token": TOKEN, "expires_in": 3600, "token_type": "Bearer"}
            )
            return
        query = scope.get("query_string", b"").decode()
        target = scope["path"] + (f"?{query}" if query else "")
        auth = headers.get(b"authorization", b"").decode()
        self.calls.append((target, auth, orjson.loads(body)))
        if auth != f"Bearer {TOKEN}":
            await _json(send, 401, {"error": {"code": 401, "message": "bad token"}})
            return
        if scope["path"].endswith(":streamGenerateContent"):
            chunk = b"data: " + orjson.dumps(ANSWER) + b"\r\n\r\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")],
                }
            )
            await send({"type": "http.response.body", "body": chunk, "more_body": False})
            return
        await _json(send, 200, ANSWER)


async def _json(send: Send, status: int, obj: Any) -> None:
    raw = orjson.dumps(obj)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": raw, "more_body": False})


def service_account(token_uri: str) -> dict[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return {
        "type": "service_account",
        "project_id": PROJECT,
        "private_key_id": "key-1",
        "private_key": pem,
        "client_email": f"gateway@{PROJECT}.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }


async def test_gemini_on_vertex_with_a_service_account() -> None:
    google = GoogleDouble()
    async with trio.open_nursery() as nursery:
        base = await serve(nursery, google)
        data = {
            "model_list": [
                {
                    "model_name": "vx",
                    "litellm_params": {
                        "model": f"vertex_ai/{MODEL}",
                        "api_base": f"{base}/v1",
                        "vertex_location": LOCATION,
                        "vertex_credentials": orjson.dumps(
                            service_account(f"{base}/token")
                        ).decode(),
                    },
                }
            ]
        }
        async with litellm_stack(data) as s:
            assert s.gw.translators["vx-0"].offload  # token refreshes never on the loop
            r = await s.chat("vx", "hi vertex")
            assert r.status_code == 200, r.text
            assert r.json()["choices"][0]["message"]["content"] == "Hello from Vertex"
            path, auth, body = google.calls[-1]
            assert path == (
                f"/v1/projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/"
                f"{MODEL}:generateContent"
            )
            assert auth == f"Bearer {TOKEN}"
            assert body["contents"] == [{"role": "user", "parts": [{"text": "hi vertex"}]}]
            r = await s.chat("vx", "stream", stream=True)
            assert r.status_code == 200
            assert "Hello from Vertex" in r.text and "data: [DONE]" in r.text
            assert google.calls[-1][0].endswith(":streamGenerateContent?alt=sse")
            assert google.token_requests == 1  # one token, reused until near expiry
        nursery.cancel_scope.cancel()
