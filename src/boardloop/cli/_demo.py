"""The demo: the whole main job on the bundled example company."""

from __future__ import annotations

import datetime as dt
import shutil
from importlib import resources
from pathlib import Path

from boardloop.service import build_section, compute_kpis, import_files

__all__ = ["EXAMPLE_FILES", "copy_example", "run_demo"]

EXAMPLE_PACKAGE = "boardloop.examples.tallyfern"
EXAMPLE_FILES = (
    "boardloop.toml",
    "initiatives.yaml",
    "ledger.csv",
    "customers.csv",
    "nps.csv",
)
REPORT_FORMATS = ("md", "html", "json", "pdf", "pptx")


def copy_example(directory: Path, *, force: bool) -> None:
    """Copy the example company's files into a new folder."""
    if directory.exists() and any(directory.iterdir()):
        if not force:
            raise FileExistsError(f"folder {directory} exists and is not empty")
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    package = resources.files(EXAMPLE_PACKAGE)
    for name in EXAMPLE_FILES:
        (directory / name).write_bytes(package.joinpath(name).read_bytes())


def run_demo(directory: Path, *, force: bool, actor: str) -> list[Path]:
    """Create the example workspace, compute its KPIs and write the board pack.

    The KPIs come from the example's raw ledger, customers and NPS responses.
    The reports are judged at the example's board date, so the demo reads the
    same on any day it runs.
    """
    from boardloop.report import render_bytes
    from boardloop.service import load_brand
    from boardloop.store import open_workspace

    copy_example(directory, force=force)
    workspace = open_workspace(directory)
    config = workspace.config
    files = [directory / name for name in (*config.initiatives, *config.kpi_values)]
    board_date = config.board_date or dt.date.today()
    imported_at = dt.datetime.combine(board_date, dt.time(8, 0))
    import_files(workspace, files, actor=actor, at=imported_at)
    compute_kpis(workspace)

    section = build_section(workspace, as_of=board_date, since=config.since)
    brand = load_brand(workspace)
    outputs = []
    for output_format in REPORT_FORMATS:
        path = directory / f"board-section.{output_format}"
        path.write_bytes(render_bytes(section, output_format, brand))
        outputs.append(path)
    return outputs
