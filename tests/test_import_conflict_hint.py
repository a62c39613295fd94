"""The import conflict message names the history command of every initiative."""

from __future__ import annotations

import datetime as dt

from boardloop.store._import_conflicts import EditConflict, ImportConflictError

AT = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


def _conflict(key: str) -> EditConflict:
    return EditConflict(key, "status", "closed", "measuring", "web:dana", AT)


def test_hint_names_one_initiative() -> None:
    message = str(ImportConflictError("reg.csv", [_conflict("churn-save")]))

    assert "`boardloop history churn-save` lists the edits" in message


def test_hint_names_each_initiative() -> None:
    conflicts = [_conflict("b-plan"), _conflict("a-plan"), _conflict("b-plan")]

    message = str(ImportConflictError("reg.csv", conflicts))

    assert "`boardloop history a-plan`" in message
    assert "`boardloop history b-plan`" in message
    assert "list the edits of each initiative" in message
    assert message.count("boardloop history b-plan") == 1
