"""Server settings and failures: precedence, bad values, a database not ready."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from boardloop.api import ApiSettings, ServerSettingsError, create_app, load_settings
from boardloop.cli.main import main
from test_api_support import ApiWorld, company_path, serve_world

TOML = """\
[company]
name = "Tallyfern Software"

[server]
host = "127.0.0.2"
port = 9001
workers = 3
max_body_bytes = 4096
"""


def workspace(tmp_path: Path, text: str = TOML) -> Path:
    root = tmp_path / "workspace"
    root.mkdir()
    (root / "boardloop.toml").write_text(text, encoding="utf-8")
    return root


def test_settings_read_server_table(tmp_path: Path) -> None:
    settings = load_settings(workspace(tmp_path), environ={})
    assert settings.host == "127.0.0.2"
    assert settings.port == 9001
    assert settings.workers == 3
    assert settings.max_body_bytes == 4096
    assert settings.log_level == "info"


def test_environment_overrides_toml(tmp_path: Path) -> None:
    environ = {"BOARDLOOP_PORT": "9002", "BOARDLOOP_LOG_LEVEL": "debug"}
    settings = load_settings(workspace(tmp_path), environ=environ)
    assert settings.port == 9002
    assert settings.log_level == "debug"
    assert settings.host == "127.0.0.2"


def test_option_overrides_environment(tmp_path: Path) -> None:
    environ = {"BOARDLOOP_PORT": "9002"}
    settings = load_settings(workspace(tmp_path), environ=environ, port=9003, host=None)
    assert settings.port == 9003
    assert settings.host == "127.0.0.2"


def test_workspace_from_environment(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    settings = load_settings(environ={"BOARDLOOP_WORKSPACE": str(root)})
    assert settings.workspace == root.resolve()


def test_defaults_without_server_table(tmp_path: Path) -> None:
    root = workspace(tmp_path, '[company]\nname = "Tallyfern Software"\n')
    settings = load_settings(root, environ={})
    assert settings == ApiSettings(workspace=root.resolve())


@pytest.mark.parametrize(
    ("text", "environ", "key"),
    [
        (TOML.replace("port = 9001", "port = 70000"), {}, "port"),
        (TOML.replace("workers = 3", 'workers = "3"'), {}, "workers"),
        (TOML + "timeout = 5\n", {}, "timeout"),
        (TOML, {"BOARDLOOP_WORKERS": "many"}, "workers"),
        (TOML, {"BOARDLOOP_MAX_BODY_BYTES": "10"}, "max_body_bytes"),
        (TOML, {"BOARDLOOP_LOG_LEVEL": "loud"}, "log_level"),
    ],
)
def test_invalid_settings_rejected(
    tmp_path: Path, text: str, environ: dict[str, str], key: str
) -> None:
    with pytest.raises(ServerSettingsError) as raised:
        load_settings(workspace(tmp_path, text), environ=environ)
    assert raised.value.key == key
    assert key in str(raised.value)


def test_serve_rejects_bad_setting(tmp_path: Path) -> None:
    root = workspace(tmp_path, TOML.replace("port = 9001", "port = 0"))
    result = CliRunner().invoke(main, ["serve", "--workspace", str(root)])
    assert result.exit_code == 2, result.output
    assert "invalid value 0 for port" in result.output


def test_readyz_503_when_not_migrated(tmp_path: Path) -> None:
    root = workspace(tmp_path, '[company]\nname = "Tallyfern Software"\n')
    with TestClient(create_app(ApiSettings(workspace=root))) as client:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["status"] == "not-ready"
        assert "no revision" in response.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_migrate_setting_makes_ready(tmp_path: Path) -> None:
    root = workspace(tmp_path, '[company]\nname = "Tallyfern Software"\n')
    settings = ApiSettings(workspace=root, migrate=True)
    with TestClient(create_app(settings)) as client:
        assert client.get("/readyz").status_code == 200


@pytest.fixture
def sqlite_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiWorld]:
    """Serve a workspace on a SQLite file, which the test may damage."""
    monkeypatch.delenv("BOARDLOOP_DATABASE_URL", raising=False)
    with serve_world(tmp_path / "workspace") as world:
        yield world


def test_unexpected_error_is_500_and_logged(
    sqlite_world: ApiWorld, caplog: pytest.LogCaptureFixture
) -> None:
    # A table dropped behind the server's back makes the store fail for real.
    with sqlite3.connect(sqlite_world.root / "boardloop.db") as connection:
        connection.execute("DROP TABLE kpi_values")
    with caplog.at_level(logging.INFO, logger="boardloop.api"):
        response = sqlite_world.client.get(
            f"{company_path()}/kpis", headers=sqlite_world.headers("bo")
        )
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert "kpi_values" not in body["message"]
    assert body["details"] == {}
    errors = [item for item in caplog.records if item.name == "boardloop.api.errors"]
    assert len(errors) == 1
    assert errors[0].request_id == body["request_id"]  # type: ignore[attr-defined]
    assert errors[0].exc_info is not None
    requests = [
        json.loads(json.dumps(item.__dict__, default=str))
        for item in caplog.records
        if item.name == "boardloop.api.requests"
    ]
    assert requests[-1]["status"] == 500
    assert requests[-1]["principal"] == "bo"
