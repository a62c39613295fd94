"""`boardloop serve`: run the web pages and the REST API with uvicorn."""

from __future__ import annotations

import inspect
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from boardloop.cli.main import fail, main

if TYPE_CHECKING:
    from boardloop.api._settings import ApiSettings

__all__ = ["serve"]

logger = logging.getLogger(__name__)

# Seconds uvicorn waits for requests in flight after SIGTERM or SIGINT before it
# closes their connections.
GRACEFUL_SHUTDOWN_SECONDS = 30


@main.command()
@click.option(
    "--workspace",
    "-w",
    "workspace_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Workspace folder, the one holding boardloop.toml. "
    "Default: env BOARDLOOP_WORKSPACE, else the current folder or its parents.",
)
@click.option("--host", help="Address to listen on. Default: [server] host, 127.0.0.1.")
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    help="TCP port. Default: [server] port, 8000.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Worker processes. Default: [server] workers, 1.",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(1024, 1 << 30),
    help="Maximum request body size in bytes. Default: [server] max_body_bytes, "
    "1048576.",
)
@click.option(
    "--worker-healthcheck-seconds",
    type=click.IntRange(1, 3600),
    help="Seconds uvicorn waits for a worker to start and to respond to a health check "
    "before replacing it. Default: [server] worker_healthcheck_seconds, 60.",
)
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="Lowest level of the JSON log lines. Default: [server] log_level, info.",
)
def serve(
    workspace_dir: Path | None,
    host: str | None,
    port: int | None,
    workers: int | None,
    max_body_bytes: int | None,
    worker_healthcheck_seconds: int | None,
    log_level: str | None,
) -> None:
    """Serve the web pages at / and the REST API under /api/v1.

    Both run in one app until SIGTERM or Ctrl-C. The pages sign in with a
    login and password, the API also with a bearer token.
    """
    from dataclasses import replace

    import uvicorn

    from boardloop.api import ServerSettingsError, load_settings
    from boardloop.api._logging import logging_config
    from boardloop.api._settings import ENVIRONMENT_VARIABLES, open_api_workspace
    from boardloop.store import ConfigError, WorkspaceError

    try:
        settings = load_settings(
            workspace_dir,
            host=host,
            port=port,
            workers=workers,
            max_body_bytes=max_body_bytes,
            worker_healthcheck_seconds=worker_healthcheck_seconds,
            log_level=log_level,
        )
        # Migrate once here, so that workers starting together never race to.
        open_api_workspace(replace(settings, migrate=True)).close()
    except (ServerSettingsError, ConfigError, WorkspaceError) as error:
        fail(str(error))

    # Each worker builds its app from the environment, so pass every setting on.
    for key, variable in ENVIRONMENT_VARIABLES.items():
        os.environ[variable] = str(getattr(settings, key))
    click.echo(serving_line(settings), err=True)
    uvicorn.run(
        "boardloop.api:create_app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=logging_config(settings.log_level),
        access_log=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        server_header=False,
        **healthcheck_options(settings.worker_healthcheck_seconds),
    )


def serving_line(settings: ApiSettings) -> str:
    """Return the start line: the web pages' root URL, the API's, and the workers."""
    root = f"http://{settings.host}:{settings.port}"
    return (
        f"Serving {settings.workspace}: web pages on {root}/, REST API on "
        f"{root}/api/v1, with {settings.workers} worker(s); stop with Ctrl-C or "
        "SIGTERM"
    )


def healthcheck_options(seconds: int) -> dict[str, Any]:
    """Return uvicorn's worker health-check timeout option, if this uvicorn has it.

    uvicorn 0.55 has `timeout_worker_healthcheck` (default 5 seconds); older
    releases have no such check and take no such option.
    """
    import uvicorn

    if "timeout_worker_healthcheck" in inspect.signature(uvicorn.Config).parameters:
        return {"timeout_worker_healthcheck": seconds}
    logger.warning(
        "uvicorn %s has no worker health check; worker_healthcheck_seconds is unused",
        uvicorn.__version__,
    )
    return {}
