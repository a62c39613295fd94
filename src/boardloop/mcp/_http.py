"""Serve the MCP server over streamable HTTP with uvicorn.

The SDK's app turns on DNS rebinding protection for a loopback host. When the
server runs with an API token, every HTTP request must carry that same token
as `Authorization: Bearer ...`, because the token's rights apply to every
caller of the server.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer
    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["LOOPBACK_HOSTS", "BearerTokenGate", "http_app", "serve_http"]

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class BearerTokenGate:
    """ASGI middleware that rejects HTTP requests without the expected bearer token.

    It compares in constant time and passes lifespan events through, which the
    SDK's app needs to start its session manager.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()
        self.rejected = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self._authorised(scope):
            self.rejected += 1
            # Log the first rejection and then every hundredth, so a client
            # retrying in a loop does not flood the log.
            if self.rejected == 1 or self.rejected % 100 == 0:
                client = scope.get("client")
                logger.warning(
                    "rejected an MCP request without the server's token from %s "
                    "(%d so far)",
                    client[0] if client else "unknown",
                    self.rejected,
                )
            response = JSONResponse(
                {
                    "error": "missing or wrong bearer token; send the token the "
                    "server runs with as 'Authorization: Bearer <token>'"
                },
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                return hmac.compare_digest(value, self._expected)
        return False


def http_app(server: MCPServer, *, host: str, path: str, token: str | None) -> ASGIApp:
    """Return the server's streamable HTTP app, behind the token gate with a token."""
    app: ASGIApp = server.streamable_http_app(streamable_http_path=path, host=host)
    return app if token is None else BearerTokenGate(app, token)


def serve_http(
    server: MCPServer,
    *,
    host: str,
    port: int,
    path: str = "/mcp",
    token: str | None = None,
) -> None:
    """Run the server over streamable HTTP until interrupted."""
    import uvicorn

    app = http_app(server, host=host, path=path, token=token)
    url_host = f"[{host}]" if ":" in host else host
    logger.info(
        "serving MCP over streamable HTTP at http://%s:%d%s", url_host, port, path
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
    logger.info("MCP server on %s:%d stopped", host, port)
