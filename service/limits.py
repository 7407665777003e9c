"""Request body limits, enforced while the body arrives (an ASGI middleware).

A multipart body (an upload: case files, a zip, a workbook) may have ``BOLIGMATCH_MAX_UPLOAD_MB``
(default 20 MB); any other body ``BOLIGMATCH_MAX_BODY_KB`` (default 4 MB: the largest JSON the API
takes is a planning request of 20 scenario texts of 100,000 characters). A body whose declared
``Content-Length`` is over the limit is answered 413 before any of it is read; a body sent
without a length (chunked) is counted as it arrives and answered 413 as soon as it passes the
limit, whatever the application was doing with it (its answer is replaced, nothing is written:
the request never reaches a use case whole). The API answers JSON (``{"detail": ...}``), the
pages a Danish error page.

A JSON body is also checked for nesting before the application parses it: more than
``MAX_JSON_DEPTH`` levels of arrays and objects is answered 422 (Python's parser would fail with
a recursion error deep inside the framework). No request of the API nests more than 4 levels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import numpy as np

from solver.i18n.render import text

from .settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


MAX_JSON_DEPTH = 32
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_OPEN, _CLOSE = np.frombuffer(b"[{", dtype=np.uint8), np.frombuffer(b"]}", dtype=np.uint8)


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings not counted)."""
    raw = np.frombuffer(_JSON_STRING.sub(b'""', body), dtype=np.uint8)
    steps = np.isin(raw, _OPEN).astype(np.int32) - np.isin(raw, _CLOSE).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return str(value.decode("latin-1").lower())
    return ""


def body_limit(scope: Scope) -> int:
    """The byte limit for this request's body."""
    settings = get_settings()
    if _content_type(scope).startswith("multipart/form-data"):
        return int(settings.max_upload_mb * 1024 * 1024)
    return settings.max_body_kb * 1024


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def too_large_response(scope: Scope, limit: int) -> tuple[bytes, bytes]:
    """The 413 body and its content type: JSON for the API, a Danish page otherwise."""
    megabytes = f"{limit / 1024 / 1024:.3g}"
    if scope.get("path", "").startswith("/api/"):
        detail = text("limit.body_too_large", "en", limit=megabytes)
        return json.dumps({"detail": detail}).encode(), b"application/json"
    from .web.render import templates

    page = templates.get_template("error.html").render(
        title=text("limit.body_too_large_title", "da"),
        message=text("limit.body_too_large", "da", limit=megabytes),
        status_code=413,
        user=None,
    )
    return page.encode(), b"text/html; charset=utf-8"


class BodyLimit:
    """The middleware (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope)
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await self._refuse(scope, send, limit)
            return
        if "json" in _content_type(scope):
            await self._json(scope, receive, send, limit)
            return
        seen = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:  # whatever the application answers, the answer is 413
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not started:
            await self._refuse(scope, send, limit)

    async def _json(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """Read the whole (small) JSON body, check its size and nesting, then hand it on."""
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await self._refuse(scope, send, limit)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if json_depth(body) > MAX_JSON_DEPTH:
            detail = text("limit.json_too_deep", "en", limit=MAX_JSON_DEPTH)
            await _answer(send, 422, json.dumps({"detail": detail}).encode(), b"application/json")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        body, content_type = too_large_response(scope, limit)
        await _answer(send, 413, body, content_type)


async def _answer(send: Send, status: int, body: bytes, content_type: bytes) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
