"""Register rules RG701-RG705."""

from __future__ import annotations

from boardloop.domain.model import Severity
from boardloop.lint import LintSettings
from test_lint_support import entry, found, lint_entries


def test_distinct_initiatives_pass() -> None:
    report = lint_entries(
        entry(),
        entry(
            id="nps",
            name="Executive review cadence change",
            target__kpi="customers.nps_score",
            target__kpi_label="NPS",
            target__unit="pts",
            target__amount=5,
        ),
    )
    for rule_id in ("RG701", "RG702", "RG703", "RG704", "RG705"):
        assert found(report, rule_id) == [], rule_id


def test_names_equal_after_normalisation() -> None:
    report = lint_entries(
        entry(),
        entry(
            id="dup",
            name="ＯＮＢＯＡＲＤＩＮＧ revamp — for the SMB accounts!",
            target__segment="SMB EU",
        ),
    )
    [item] = found(report, "RG701")
    assert item.initiative_id == "dup"
    assert "register.yaml:1" in item.message


def test_same_goal_under_other_id() -> None:
    report = lint_entries(
        entry(), entry(id="twin", name="Guided setup calls for new logos")
    )
    assert any("same KPI, segment" in item.message for item in found(report, "RG701"))


def test_double_counted_kpi() -> None:
    other = entry(
        id="other", name="Guided setup calls for new logos", target__segment="all"
    )
    [item] = found(lint_entries(entry(), other), "RG702")
    assert "no attribution note" in item.message


def test_attribution_note_passes() -> None:
    other = entry(
        id="other",
        name="Guided setup calls for new logos",
        target__segment="all",
        attribution="half of the SMB movement is credited to onboarding",
    )
    assert found(lint_entries(entry(), other), "RG702") == []


def test_opposing_targets() -> None:
    other = entry(
        id="other", name="Price rise for SMB plans", target__direction="decrease"
    )
    [item] = found(lint_entries(entry(), other), "RG703")
    assert item.severity is Severity.ERROR


def test_opposing_targets_in_other_segments_pass() -> None:
    other = entry(
        id="other",
        name="Price rise for enterprise plans",
        target__direction="decrease",
        target__segment="Enterprise",
    )
    assert found(lint_entries(entry(), other), "RG703") == []


def test_too_many_active_in_register() -> None:
    entries = [
        entry(
            id=f"i{n}",
            name=f"Program number {n} for SMB",
            owner=f"Owner {n}",
            owner_function=("CS", "Sales", "Product")[n % 3],
            target__segment=f"S{n}",
        )
        for n in range(13)
    ]
    items = found(lint_entries(*entries), "RG704")
    assert items[0].message.startswith(
        "13 active initiatives, 1 above the register cap of 12"
    )


def test_too_many_active_in_one_function() -> None:
    entries = [
        entry(
            id=f"i{n}",
            name=f"Program number {n} for SMB",
            owner=f"Owner {n}",
            target__segment=f"S{n}",
        )
        for n in range(6)
    ]
    [item] = found(lint_entries(*entries), "RG704")
    assert "6 active initiatives in 'CS', 1 above the function cap of 5" in item.message
    assert item.location == "register"


def test_portfolio_concentrated_on_one_kpi() -> None:
    entries = [
        entry(
            id=f"i{n}",
            name=f"Program number {n} for SMB",
            owner=f"Owner {n}",
            target__segment=f"S{n}",
        )
        for n in range(4)
    ]
    items = found(lint_entries(*entries), "RG705")
    assert any(
        "100%) target 'customers.logo_retention_rate'" in i.message for i in items
    )


def test_board_priority_without_initiative() -> None:
    settings = LintSettings(board_priorities=("customers.nps_score",))
    [item] = found(lint_entries(entry(), settings=settings), "RG705")
    assert "'customers.nps_score' has no active initiative" in item.message
