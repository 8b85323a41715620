"""The mock upstream's own Responses API, as OpenAI serves it (for pass-through tests).

``POST /v1/responses`` (plain and streamed, function tools, built-in tools answered
with a ``web_search_call``-style item, ``previous_response_id`` chains kept here, in
this mock's memory: another mock instance does not know them and answers 400 as
OpenAI does), ``GET``/``DELETE /v1/responses/{id}`` and ``GET .../input_items``.
The answers are built by the mock's chat answer (injected) turned into Responses
objects and events; every byte sent is kept in ``sent`` for byte-for-byte checks.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

import orjson

from routeiq.asgi.respond import send_json
from routeiq.asgi.types import Send
from routeiq.surfaces import responses_request as rq
from routeiq.surfaces import responses_response as rs

ChatAnswer = Callable[[dict[str, Any]], dict[str, Any]]


def _error(status: int, message: str, param: str | None = None) -> dict[str, Any]:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return {"error": {"message": message, "type": kind, "param": param, "code": None}}


def _chat_view(req: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, Any]:
    """The chat request the mock answers: history, then this input; function tools."""
    chat: dict[str, Any] = {"model": req.get("model"), "messages": [*history]}
    chat["messages"] += rq.to_messages(req.get("input", ""), 4096)
    tools = [
        {"type": "function", "function": {"name": t.get("name"), "parameters": {}}}
        for t in req.get("tools") or ()
        if isinstance(t, dict) and t.get("type") == "function"
    ]
    if tools:
        chat["tools"] = tools
        choice = req.get("tool_choice")
        if isinstance(choice, dict) and choice.get("type") == "function":
            chat["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
        elif choice == "required":
            chat["tool_choice"] = "required"
    return chat


def _builtin_items(req: dict[str, Any]) -> list[dict[str, Any]]:
    """One completed call item per built-in tool (what OpenAI's servers would run)."""
    out = []
    for tool in req.get("tools") or ():
        kind = tool.get("type") if isinstance(tool, dict) else None
        if isinstance(kind, str) and kind != "function":
            call = kind.removesuffix("_preview") + "_call"
            out.append({"id": "ws_" + secrets.token_hex(8), "type": call, "status": "completed"})
    return out


def _chunks(chat: dict[str, Any]) -> list[dict[str, Any]]:
    """A whole chat completion as the chat chunks a stream of it would carry."""
    choice = chat["choices"][0]
    message = choice["message"]
    out: list[dict[str, Any]] = []
    text = message.get("content")
    if isinstance(text, str) and text:
        words = text.split(" ")
        step = max(1, -(-len(words) // 4))
        for i in range(0, len(words), step):
            piece = " ".join(words[i : i + step]) + (" " if i + step < len(words) else "")
            out.append({"choices": [{"index": 0, "delta": {"content": piece}}]})
    for n, call in enumerate(message.get("tool_calls") or ()):
        out.append({"choices": [{"index": 0, "delta": {"tool_calls": [{"index": n, **call}]}}]})
    out.append({"choices": [{"index": 0, "delta": {}, "finish_reason": choice["finish_reason"]}]})
    out.append({"choices": [], "usage": chat["usage"]})
    return out


class MockResponses:
    def __init__(self, answer: ChatAnswer, keep: int = 1024) -> None:
        self.answer = answer
        self.keep = keep
        self.stored: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.sent: deque[bytes] = deque(maxlen=64)  # each answer's bytes, as sent

    async def handle(self, method: str, rest: str, req: dict[str, Any], send: Send) -> None:
        """``rest``: the path after ``/responses`` ("" or "/{id}" or "/{id}/input_items")."""
        rid, _, sub = rest.strip("/").partition("/")
        if not rid and method == "POST":
            await self._create(req, send)
            return
        record = self.stored.get(rid)
        if record is None:
            await self._json(send, 404, _error(404, f"Response with id '{rid}' not found."))
        elif method == "DELETE" and not sub:
            del self.stored[rid]
            await self._json(send, 200, {"id": rid, "object": "response.deleted", "deleted": True})
        elif sub == "input_items":
            items = record["items"]
            page = {"object": "list", "data": items[::-1], "has_more": False}
            page["first_id"] = items[-1]["id"] if items else None
            page["last_id"] = items[0]["id"] if items else None
            await self._json(send, 200, page)
        else:
            await self._json(send, 200, record["response"])

    async def _json(self, send: Send, status: int, body: dict[str, Any]) -> None:
        self.sent.append(orjson.dumps(body))
        await send_json(send, status, body)

    async def _create(self, req: dict[str, Any], send: Send) -> None:
        prev = req.get("previous_response_id")
        history: list[dict[str, Any]] = []
        if prev is not None:
            record = self.stored.get(str(prev))
            if record is None:  # OpenAI answers 400 for an unknown previous response
                msg = f"Previous response with id '{prev}' not found."
                await self._json(send, 400, _error(400, msg, "previous_response_id"))
                return
            history = record["messages"]
        chat_req = _chat_view(req, history)
        chat = self.answer(chat_req)
        resp = rs.new_response(req, str(req.get("model", "mock")))
        resp["output"] = _builtin_items(req)
        if req.get("stream") is True:
            stream = rs.ResponseStream(resp)
            body = stream.preamble()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/event-stream; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": body, "more_body": True})
            sent = [body]
            for chunk in _chunks(chat):
                piece = stream.chunk(chunk)
                if piece:
                    sent.append(piece)
                    await send({"type": "http.response.body", "body": piece, "more_body": True})
            end = stream.finish()
            sent.append(end)
            self._store(req, resp, chat_req, history)
            await send({"type": "http.response.body", "body": end, "more_body": False})
            self.sent.append(b"".join(sent))
            return
        built = resp["output"]
        rs.to_response(chat, resp)
        resp["output"] = [*built, *resp["output"]]
        self._store(req, resp, chat_req, history)
        await self._json(send, 200, resp)

    def _store(
        self,
        req: dict[str, Any],
        resp: dict[str, Any],
        chat_req: dict[str, Any],
        history: list[dict[str, Any]],
    ) -> None:
        if not resp["store"]:
            return
        turn = chat_req["messages"][len(history) :]
        messages = [*history, *turn, rs.assistant_message(resp["output"])]
        self.stored[resp["id"]] = {
            "response": resp,
            "items": rq.input_items(req.get("input", "")),
            "messages": messages,
        }
        while len(self.stored) > self.keep:
            self.stored.popitem(last=False)
