"""`boardloop serve` passes the worker health-check timeout on to uvicorn."""

from __future__ import annotations

import inspect
import os
from typing import TYPE_CHECKING, Any

import pytest
import uvicorn
from click.testing import CliRunner

from boardloop.api import ServerSettingsError, load_settings
from boardloop.api._settings import ENVIRONMENT_VARIABLES
from boardloop.cli.main import main

if TYPE_CHECKING:
    from pathlib import Path

TOML = """\
[company]
name = "Tallyfern Software"

[server]
port = 9001
worker_healthcheck_seconds = 90
"""


def workspace(tmp_path: Path, text: str = TOML) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "boardloop.toml").write_text(text, encoding="utf-8")
    return root


def test_healthcheck_default_is_60(tmp_path: Path) -> None:
    root = workspace(tmp_path, '[company]\nname = "Tallyfern Software"\n')
    assert load_settings(root, environ={}).worker_healthcheck_seconds == 60


def test_healthcheck_from_toml_and_environment(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    assert load_settings(root, environ={}).worker_healthcheck_seconds == 90
    environ = {"BOARDLOOP_WORKER_HEALTHCHECK_SECONDS": "120"}
    assert load_settings(root, environ=environ).worker_healthcheck_seconds == 120


@pytest.mark.parametrize("value", ["0", "3601", "soon"])
def test_healthcheck_out_of_range_rejected(tmp_path: Path, value: str) -> None:
    environ = {"BOARDLOOP_WORKER_HEALTHCHECK_SECONDS": value}
    with pytest.raises(ServerSettingsError) as raised:
        load_settings(workspace(tmp_path), environ=environ)
    assert raised.value.key == "worker_healthcheck_seconds"


def test_serve_passes_healthcheck_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn.run is replaced, so no server starts; the test checks the
    # arguments serve hands to it, and that uvicorn's Config accepts them.
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    root = workspace(tmp_path)
    # serve copies every setting into os.environ for its workers, so the test
    # gives it a copy without the server variables, which monkeypatch drops
    # afterwards.
    server_variables = set(ENVIRONMENT_VARIABLES.values())
    environ = {k: v for k, v in os.environ.items() if k not in server_variables}
    monkeypatch.setattr(os, "environ", environ)

    result = CliRunner().invoke(
        main,
        ["serve", "-w", str(root), "--worker-healthcheck-seconds", "75"],
    )

    assert result.exit_code == 0, result.output
    (options,) = calls
    assert options["timeout_worker_healthcheck"] == 75
    accepted = inspect.signature(uvicorn.Config).parameters
    assert set(options) <= set(accepted)


def test_serve_start_line_names_web_and_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn.run is replaced, so no server starts; the test reads the line
    # serve writes to standard error before it starts uvicorn.
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: None)
    root = workspace(tmp_path)
    server_variables = set(ENVIRONMENT_VARIABLES.values())
    environ = {k: v for k, v in os.environ.items() if k not in server_variables}
    monkeypatch.setattr(os, "environ", environ)

    result = CliRunner().invoke(main, ["serve", "-w", str(root), "--port", "9002"])

    assert result.exit_code == 0, result.output
    assert "web pages on http://127.0.0.1:9002/," in result.stderr
    assert "REST API on http://127.0.0.1:9002/api/v1," in result.stderr
