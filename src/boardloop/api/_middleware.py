"""The request middleware: request ids, the body size limit, the request log line.

It is the outermost layer of the app. It gives every request an id: the
client's X-Request-ID when it is a plain token, else a new one. The id is
returned in the X-Request-ID header. A body over the limit is rejected with 413
before any route reads it, and an exception that escaped the routes becomes
the error body. Each request is logged as one JSON line.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import TYPE_CHECKING, Any

from boardloop.api._errors import BodyTooLargeError, describe, error_body

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REQUEST_ID_HEADER", "RequestMiddleware"]

logger = logging.getLogger("boardloop.api.requests")
errors_logger = logging.getLogger("boardloop.api.errors")

REQUEST_ID_HEADER = "X-Request-ID"
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class RequestMiddleware:
    """Wrap an ASGI app with request ids, the body limit, error bodies and logging."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        request_id = client_request_id(scope) or uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        response: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"] = message["status"]
                response["started"] = True
                headers = list(message.get("headers", []))
                headers.append(
                    (REQUEST_ID_HEADER.lower().encode(), request_id.encode())
                )
                message = {**message, "headers": headers}
            await send(message)

        try:
            body = await self.read_body(scope, receive)
            replay = replay_body(body, receive)
            await self.app(scope, replay, send_with_id)
        except Exception as error:  # every failure becomes the error body
            if response["started"]:
                errors_logger.exception(
                    "request failed after the response started",
                    extra={"request_id": request_id},
                )
                raise
            await self.send_error(error, request_id, state, send_with_id)
        finally:
            log_request(scope, state, response["status"], started, request_id)

    async def read_body(self, scope: Scope, receive: Receive) -> bytes:
        """Read the whole body, rejecting one over the limit as soon as it shows."""
        declared = header(scope, b"content-length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) > self.max_body_bytes
        ):
            raise BodyTooLargeError(self.max_body_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise BodyTooLargeError(self.max_body_bytes)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def send_error(
        self, error: Exception, request_id: str, state: dict[str, Any], send: Send
    ) -> None:
        status, code, message, details = describe(error)
        state["error_code"] = code
        if status >= 500:
            errors_logger.error(
                "request failed with an unexpected error",
                exc_info=error,
                extra={"request_id": request_id, "code": code},
            )
            message = (
                "internal error; the server log has the details under this request id"
            )
            details = {}
        else:
            errors_logger.info(
                "request rejected: %s",
                message,
                extra={"request_id": request_id, "code": code, "status": status},
            )
        body = json.dumps(error_body(code, message, details, request_id)).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        if status == 401:
            headers.append((b"www-authenticate", b"Bearer"))
        await send(
            {"type": "http.response.start", "status": status, "headers": headers}
        )
        await send({"type": "http.response.body", "body": body})


def replay_body(body: bytes, receive: Receive) -> Receive:
    """Return a receive callable that gives the buffered body, then waits as before."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def client_request_id(scope: Scope) -> str | None:
    """Return the client's X-Request-ID when it is a short plain token."""
    value = header(scope, REQUEST_ID_HEADER.lower().encode())
    if value is not None and CLIENT_REQUEST_ID.fullmatch(value):
        return value
    return None


def log_request(
    scope: Scope, state: dict[str, Any], status: int, started: float, request_id: str
) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 3)
    logger.info(
        "%s %s %s",
        scope.get("method", ""),
        scope.get("path", ""),
        status,
        extra={
            "request_id": request_id,
            "method": scope.get("method", ""),
            "path": scope.get("path", ""),
            "status": status,
            "duration_ms": duration_ms,
            "principal": state.get("principal"),
            "code": state.get("error_code"),
        },
    )
