"""Request bodies: bounded in size, and gzip-compressed ones inflated (bounded too).

An ASGI middleware in front of the API. A body with ``Content-Encoding: gzip`` is
inflated before the application sees it (a bomb never grows past
:data:`MAX_BODY_BYTES`); a body over the bound gets ``413``, a broken gzip stream
``400``, another encoding ``415`` — each with the API's error body.
"""

from __future__ import annotations

import json
import zlib
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES: Final = 32 * 1024 * 1024


async def send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodyError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def inflate(data: bytes, limit: int = MAX_BODY_BYTES) -> bytes:
    """One gzip stream, at most ``limit`` bytes once inflated."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise BodyError(400, "bad_gzip", f"the gzip body does not inflate ({exc})") from None
    if len(out) > limit:
        raise BodyError(413, "body_too_large", f"the body inflates to over {limit} bytes")
    if not inflater.eof or inflater.unused_data:
        raise BodyError(400, "bad_gzip", "the gzip body is cut short or has bytes after its end")
    return out


class RequestBodyMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers: list[tuple[bytes, bytes]] = list(scope["headers"])
        encodings = [
            v.decode("latin-1").strip().lower() for k, v in headers if k == b"content-encoding"
        ]
        encoding = ",".join(e for e in encodings if e)
        try:
            if encoding not in ("", "identity", "gzip", "x-gzip"):
                raise BodyError(
                    415,
                    "unsupported_encoding",
                    f"Content-Encoding {encoding!r} is not supported: send gzip or plain JSON",
                )
            body, more = await self._read(receive)
            if encoding in ("gzip", "x-gzip"):
                body = inflate(body, self.max_bytes)
        except BodyError as exc:
            await send_error(send, exc.status, exc.code, exc.message)
            return
        headers = [(k, v) for k, v in headers if k not in (b"content-encoding", b"content-length")]
        headers.append((b"content-length", str(len(body)).encode("ascii")))
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await more()

        await self.app({**scope, "headers": headers}, replay, send)

    async def _read(self, receive: Receive) -> tuple[bytes, Receive]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise BodyError(400, "disconnected", "the client went away mid-body")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyError(413, "body_too_large", f"the body is over {self.max_bytes} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), receive
