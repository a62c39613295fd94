"""The README's "Your own register" commands work as written, in order."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

import yaml

from boardloop.cli._starter import starter_register
from test_cli import output_of, run

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> list[list[str]]:
    """Return the commands of the first console block under "Your own register"."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Your own register", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_readme_register_steps_run(tmp_path: Path) -> None:
    commands = readme_commands()
    assert [command[:2] for command in commands] == [
        ["boardloop", "init"],
        ["cd", "acme"],
        ["boardloop", "import"],
        ["boardloop", "lint"],
        ["boardloop", "report"],
    ]
    folder = tmp_path
    for command in commands:
        if command[0] == "cd":
            folder = folder / command[1]
            continue
        result = run(*command[1:], cwd=folder)
        assert result.exit_code == 0, f"{shlex.join(command)}\n{output_of(result)}"
    assert (folder / "board-section.html").is_file()


def test_init_hint_names_xlsx(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "acme"), "--company", "Acme Ltd")
    assert result.exit_code == 0, output_of(result)
    assert "(YAML, CSV, Markdown or XLSX)" in result.stderr


def test_init_keeps_existing_register(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    mine = "initiatives: []\n"
    (folder / "initiatives.yaml").write_text(mine, encoding="utf-8")
    result = run("init", str(folder), "--company", "Acme Ltd")
    assert result.exit_code == 0, output_of(result)
    assert (folder / "initiatives.yaml").read_text(encoding="utf-8") == mine
    assert "Wrote" not in result.stderr


def test_starter_dates_follow_today() -> None:
    document = yaml.safe_load(starter_register("Acme Ltd", dt.date(2027, 3, 15)))
    (entry,) = document["initiatives"]
    assert entry["baseline"]["as_of"] == dt.date(2027, 2, 28)
    assert entry["created_on"] == dt.date(2027, 3, 15)
    assert entry["next_checkpoint"] == dt.date(2027, 4, 26)
    assert entry["target"].endswith("by 2028-12-31")
