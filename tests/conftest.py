"""Fixtures shared by the test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[1]


def real_data_root() -> Path:
    """Return the folder of real third-party input, read in place."""
    configured = os.environ.get("BOARDLOOP_REAL_DATA")
    if configured:
        return Path(configured)
    return REPOSITORY.parent / "shared" / "data" / "real"


@pytest.fixture
def real_data() -> Path:
    """Real third-party input; the test is skipped when the folder is absent."""
    root = real_data_root()
    if not root.is_dir():
        pytest.skip(f"real input folder {root} is absent; set BOARDLOOP_REAL_DATA")
    return root
