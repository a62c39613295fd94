"""The MCP tools on the demo workspace, called through the SDK's in-memory client.

These tests check each tool's results and errors in detail; test_mcp_transports
checks the same tools over stdio and streamable HTTP.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import pytest
from mcp import Client

from boardloop.access import Role, Scope
from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Initiative, Status
from boardloop.mcp import ToolContext, build_server
from boardloop.store import Workspace, open_workspace
from test_mcp_support import (
    BEHIND_ID,
    BOARD_DATE,
    READ_TOOLS,
    copy_demo,
    data_of,
    error_of,
)

if TYPE_CHECKING:
    from mcp.types import CallToolResult

SECOND_COMPANY = "Second Company"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The demo workspace, with a second company's register in the same database."""
    directory = copy_demo(tmp_path_factory.mktemp("mcp-tools"))
    with open_workspace(directory) as opened:
        opened.store.import_initiatives(
            SECOND_COMPANY,
            [Initiative(id="second-one", name="Second company initiative")],
            source_path="second.yaml",
            actor="test",
            at=dt.datetime(2026, 11, 1, 9, 0),
        )
        # A board member of the demo company only, and a user with no role.
        opened.store.add_user("board", "Board Member")
        opened.store.grant_role("board", opened.config.company, Role.BOARD)
        opened.store.add_user("nobody", "No Role")
        yield opened


def read_token(workspace: Workspace, login: str) -> str:
    """Issue a read-scope token for a user of the workspace's database."""
    issued = workspace.store.issue_token(login, "mcp test", scopes=[Scope.READ])
    return issued.token


def call(
    workspace: Workspace,
    tool: str,
    arguments: dict[str, Any] | None = None,
    *,
    token: str | None = None,
) -> CallToolResult:
    """Call one tool on a fresh read-only server over the workspace."""
    server = build_server(ToolContext(workspace, token=token))

    async def result() -> CallToolResult:
        async with Client(server) as client:
            return await client.call_tool(tool, arguments or {})

    return anyio.run(result)


def listed_tools(workspace: Workspace) -> list[Any]:
    server = build_server(ToolContext(workspace))

    async def tools() -> list[Any]:
        async with Client(server) as client:
            return list((await client.list_tools()).tools)

    return anyio.run(tools)


def ids(data: dict[str, Any]) -> list[str]:
    return [row["id"] for row in data["initiatives"]]


# --- the tool list -----------------------------------------------------------


def test_tools_listed_are_the_read_tools(workspace: Workspace) -> None:
    assert {tool.name for tool in listed_tools(workspace)} == READ_TOOLS


def test_tools_are_marked_read_only(workspace: Workspace) -> None:
    for tool in listed_tools(workspace):
        assert tool.annotations is not None, tool.name
        assert tool.annotations.read_only_hint is True, tool.name
        assert tool.output_schema is not None, tool.name
        assert tool.output_schema["type"] == "object", tool.name
        assert tool.description, tool.name


def test_tool_text_content_is_its_json(workspace: Workspace) -> None:
    result = call(workspace, "list_initiatives", {"status": "closed"})
    text = result.content[0]
    assert text.type == "text"
    assert json.loads(text.text) == data_of(result)


# --- list_initiatives --------------------------------------------------------


def test_behind_initiatives_with_owners_in_one_call(workspace: Workspace) -> None:
    data = data_of(
        call(
            workspace,
            "list_initiatives",
            {"verdict": "inconclusive", "owner": "Maya Okafor"},
        )
    )
    assert data["count"] == 1
    (row,) = data["initiatives"]
    assert row["id"] == BEHIND_ID
    assert row["verdict"] == "inconclusive"
    assert row["owner"] == {
        "person": "Maya Okafor",
        "function": "VP Customer Success",
        "display": "Maya Okafor (VP Customer Success)",
    }
    assert "inside the noise" in row["verdict_explanation"]


def test_list_without_filters_returns_register(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives"))
    assert data["count"] == 12
    assert data["total_in_register"] == 12
    assert data["as_of"] == BOARD_DATE
    assert data["company"] == "Tallyfern Software"


def test_list_filters_by_status(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"status": "closed"}))
    assert sorted(ids(data)) == [
        "community-forum",
        "renewal-risk-desk",
        "smb-churn-checklist",
    ]
    outcomes = {row["id"]: row["outcome"] for row in data["initiatives"]}
    assert outcomes["renewal-risk-desk"] == "missed"
    assert outcomes["smb-churn-checklist"] == "partially-achieved"
    assert outcomes["community-forum"] is None


def test_list_filters_by_part_of_owner_name(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"owner": "  maya  "}))
    assert sorted(ids(data)) == [
        "maintain-smb-nps",
        "onboarding-revamp",
        "smb-churn-checklist",
    ]


def test_list_filters_by_owner_function(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"owner": "marketing"}))
    assert sorted(ids(data)) == ["community-forum", "customer-advocacy"]


def test_list_owner_function_needs_whole_word(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"owner": "market"}))
    assert data["count"] == 0


def test_list_filters_combine(workspace: Workspace) -> None:
    arguments = {"owner": "Priya Raman", "status": "measuring"}
    data = data_of(call(workspace, "list_initiatives", arguments))
    assert ids(data) == ["ebr-cadence"]
    assert data["filters"] == {
        "status": "measuring",
        "owner": "Priya Raman",
        "verdict": None,
    }


def test_list_with_no_match_is_empty(workspace: Workspace) -> None:
    arguments = {"verdict": "behind", "status": "planned"}
    data = data_of(call(workspace, "list_initiatives", arguments))
    assert data["count"] == 0
    assert data["initiatives"] == []


def test_list_rows_carry_canonical_target(workspace: Workspace) -> None:
    data = data_of(
        call(
            workspace,
            "list_initiatives",
            {"verdict": "inconclusive", "owner": "Maya Okafor"},
        )
    )
    assert data["initiatives"][0]["target"] == (
        "GRR +5pp for SMB (90-day) by Q4 FY27 (2027-01-31)"
    )
    assert data["initiatives"][0]["next_checkpoint"] == "2026-12-10"


def test_list_unknown_verdict_is_error(workspace: Workspace) -> None:
    result = call(workspace, "list_initiatives", {"verdict": "late"})
    assert result.is_error
    assert "verdict" in result.content[0].text


def test_list_bad_date_is_error(workspace: Workspace) -> None:
    result = call(workspace, "list_initiatives", {"as_of": "16/11/2026"})
    assert result.is_error
    assert "as_of" in result.content[0].text


def test_list_earlier_as_of_changes_verdicts(workspace: Workspace) -> None:
    # Before the launch lag ends, the onboarding revamp is too early to judge.
    arguments = {"as_of": "2026-04-01", "verdict": "too-early"}
    data = data_of(call(workspace, "list_initiatives", arguments))
    assert BEHIND_ID in ids(data)
    assert data["as_of"] == "2026-04-01"


# --- companies -----------------------------------------------------------------


def test_unknown_company_is_error(workspace: Workspace) -> None:
    error = error_of(call(workspace, "list_initiatives", {"company": "Nobody Ltd"}))
    assert error["type"] == "UnknownCompanyError"
    assert error["status"] == 404
    assert "'Nobody Ltd' not found" in error["message"]


def test_other_company_in_database_is_read(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"company": SECOND_COMPANY}))
    assert data["company"] == SECOND_COMPANY
    assert ids(data) == ["second-one"]


def test_other_company_uses_its_fiscal_calendar(workspace: Workspace) -> None:
    # Tallyfern's fiscal year starts in February; the second company's in April.
    settings = workspace.store.company_settings(SECOND_COMPANY)
    april = replace(settings, fiscal=FiscalCalendar(start_month=4, naming="end"))
    workspace.store.set_company_settings(SECOND_COMPANY, april)
    arguments = {"company": SECOND_COMPANY, "as_of": BOARD_DATE}
    second = data_of(call(workspace, "get_board_summary", arguments))
    own = data_of(call(workspace, "get_board_summary", {"as_of": BOARD_DATE}))
    assert second["fiscal_period"] == "Q3 FY27"
    assert own["fiscal_period"] == "Q4 FY27"


def test_empty_company_means_workspace_company(workspace: Workspace) -> None:
    data = data_of(call(workspace, "list_initiatives", {"company": " "}))
    assert data["company"] == "Tallyfern Software"


def test_token_reads_company_with_role(workspace: Workspace) -> None:
    token = read_token(workspace, "board")
    data = data_of(call(workspace, "list_initiatives", token=token))
    assert data["count"] == 12


def test_token_without_role_gets_not_found(workspace: Workspace) -> None:
    token = read_token(workspace, "board")
    result = call(
        workspace,
        "list_initiatives",
        {"company": SECOND_COMPANY},
        token=token,
    )
    unknown = call(
        workspace, "list_initiatives", {"company": "Nobody Ltd"}, token=token
    )
    # A company the token may not read looks exactly like one that does not exist.
    assert error_of(result)["type"] == "UnknownCompanyError"
    assert error_of(result)["message"] == error_of(unknown)["message"].replace(
        "Nobody Ltd", SECOND_COMPANY
    )


def test_token_without_any_role_reads_nothing(workspace: Workspace) -> None:
    token = read_token(workspace, "nobody")
    for tool, arguments in [
        ("list_initiatives", {}),
        ("get_initiative", {"initiative_id": BEHIND_ID}),
        ("lint_register", {}),
        ("get_board_summary", {}),
        ("get_kpi_series", {"kpi": "GRR"}),
    ]:
        result = call(workspace, tool, arguments, token=token)
        assert error_of(result)["type"] == "UnknownCompanyError", tool


# --- get_initiative ------------------------------------------------------------


def test_initiative_fields_and_target(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_initiative", {"initiative_id": BEHIND_ID}))
    initiative = data["initiative"]
    assert initiative["name"] == "Onboarding revamp for new SMB accounts"
    assert initiative["status"] == "measuring"
    assert initiative["target"]["text"] == (
        "+5pp lift in 90-day GRR for SMB cohort by Q4 FY27"
    )
    assert initiative["target"]["canonical"] == (
        "GRR +5pp for SMB (90-day) by Q4 FY27 (2027-01-31)"
    )
    assert initiative["target"]["unit"] == "pp"
    assert initiative["baseline"]["value"] == 87.7
    assert initiative["control_segment"] == "Mid-market"
    assert [item["on"] for item in initiative["checkpoints"]] == [
        "2026-09-15",
        "2026-11-03",
    ]
    assert data["version"] >= 1


def test_initiative_evaluation(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_initiative", {"initiative_id": BEHIND_ID}))
    evaluation = data["evaluation"]
    assert evaluation["verdict"] == "inconclusive"
    assert evaluation["as_of"] == BOARD_DATE
    assert evaluation["unit"] == "pp"
    assert evaluation["baseline"] == 87.7
    assert 0 < evaluation["movement"] < 5
    assert evaluation["n"] > 0
    assert evaluation["control"]["segment"] == "Mid-market"


def test_initiative_history(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_initiative", {"initiative_id": BEHIND_ID}))
    history = data["initiative"]["history"]
    kinds = [event["kind"] for event in history]
    assert "target-revised" in kinds
    revised = history[kinds.index("target-revised")]
    assert revised["changes"]["target"]["before"].startswith("+6pp")
    assert revised["changes"]["target"]["after"].startswith("+5pp")
    assert revised["reason"]
    assert [event["at"] for event in history] == sorted(
        event["at"] for event in history
    )


def test_closed_initiative_outcome(workspace: Workspace) -> None:
    data = data_of(
        call(workspace, "get_initiative", {"initiative_id": "renewal-risk-desk"})
    )
    outcome = data["initiative"]["outcome"]
    assert outcome["result"] == "missed"
    assert outcome["actual_movement"] == -0.3
    assert outcome["lesson"]


def test_unknown_initiative_is_error(workspace: Workspace) -> None:
    error = error_of(call(workspace, "get_initiative", {"initiative_id": "nope"}))
    assert error["type"] == "UnknownInitiativeError"
    assert error["status"] == 404
    assert "'nope' not found" in error["message"]


def test_initiative_of_other_company_not_found(workspace: Workspace) -> None:
    arguments = {"initiative_id": "second-one"}
    error = error_of(call(workspace, "get_initiative", arguments))
    assert error["type"] == "UnknownInitiativeError"


# --- lint_register -------------------------------------------------------------


def test_lint_findings_shape(workspace: Workspace) -> None:
    data = data_of(call(workspace, "lint_register"))
    assert data["counts"] == {"error": 12, "warning": 12, "info": 9}
    assert data["has_errors"] is True
    assert 0 <= data["readiness_score"] <= 100
    for finding in data["findings"]:
        assert finding["rule_id"], finding
        assert finding["severity"] in {"error", "warning", "info"}, finding
        assert finding["message"], finding
        assert finding["location"], finding


def test_lint_counts_match_board_summary(workspace: Workspace) -> None:
    lint = data_of(call(workspace, "lint_register"))
    summary = data_of(call(workspace, "get_board_summary"))["summary"]
    assert lint["counts"]["error"] == summary["findings"]["errors"]
    assert lint["counts"]["warning"] == summary["findings"]["warnings"]


def test_lint_strict_turns_warnings_into_errors(workspace: Workspace) -> None:
    plain = data_of(call(workspace, "lint_register"))["counts"]
    strict = data_of(call(workspace, "lint_register", {"strict": True}))["counts"]
    assert strict["warning"] == 0
    assert strict["error"] == plain["error"] + plain["warning"]


def test_lint_one_initiative(workspace: Workspace) -> None:
    arguments = {"initiative_id": "improve-customer-health"}
    data = data_of(call(workspace, "lint_register", arguments))
    assert data["findings"]
    for finding in data["findings"]:
        assert finding["initiative_id"] == "improve-customer-health"
    assert "OW" in {finding["rule_id"][:2] for finding in data["findings"]}
    assert data["initiative_score"] is not None


def test_lint_unknown_initiative_is_error(workspace: Workspace) -> None:
    error = error_of(call(workspace, "lint_register", {"initiative_id": "nope"}))
    assert error["type"] == "UnknownInitiativeError"


# --- get_board_summary -------------------------------------------------------


def test_board_summary_json(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_board_summary"))
    summary = data["summary"]
    assert summary["total"] == 12
    assert summary["verdicts"]["inconclusive"] == 3
    assert summary["closedByOutcome"]["missed"] == 1
    assert data["fiscal_period"] == "Q4 FY27"
    assert data["as_of"] == BOARD_DATE


def test_board_summary_markdown(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_board_summary"))
    markdown = data["markdown"]
    assert markdown.startswith("## Customer Success Initiatives\n")
    assert data["summary"]["text"].split(":")[0] in markdown
    assert "Onboarding revamp for new SMB accounts" in markdown


def test_board_summary_matches_demo_report(workspace: Workspace) -> None:
    # The demo wrote its report at the same board date and since date.
    data = data_of(call(workspace, "get_board_summary"))
    written = (workspace.root / "board-section.md").read_text(encoding="utf-8")
    assert data["markdown"] == written


def test_board_summary_since_after_as_of(workspace: Workspace) -> None:
    arguments = {"as_of": BOARD_DATE, "since": "2026-12-01"}
    error = error_of(call(workspace, "get_board_summary", arguments))
    assert error["type"] == "InvalidDateRangeError"
    assert error["status"] == 400
    assert "2026-12-01" in error["message"]


# --- get_kpi_definition --------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["GRR", "grr", "customers.gross_revenue_retention", "Gross Revenue Retention"],
)
def test_kpi_definition_by_any_name(workspace: Workspace, name: str) -> None:
    data = data_of(call(workspace, "get_kpi_definition", {"kpi": name}))
    kpi = data["kpi"]
    assert kpi["id"] == "customers.gross_revenue_retention"
    assert kpi["definition"]["rogueId"] == "customers.gross_revenue_retention"
    assert kpi["higher_is_better"] is True
    assert data["catalog_version"]


def test_unknown_kpi_suggests_close_names(workspace: Workspace) -> None:
    error = error_of(call(workspace, "get_kpi_definition", {"kpi": "GRRR"}))
    assert error["type"] == "UnknownKpiError"
    assert error["status"] == 404
    assert "customers.gross_revenue_retention" in error["message"]


# --- get_kpi_series ------------------------------------------------------------


def test_kpi_series_values(workspace: Workspace) -> None:
    arguments = {"kpi": "GRR", "segment": "smb", "window_days": 90}
    data = data_of(call(workspace, "get_kpi_series", arguments))
    assert data["kpi"] == "customers.gross_revenue_retention"
    assert data["value_unit"] == "%"
    assert data["change_unit"] == "pp"
    (series,) = data["series"]
    assert series["segment"] == "SMB"
    assert series["window_days"] == 90
    assert series["definition"]
    values = series["values"]
    assert [value["period_end"] for value in values] == sorted(
        value["period_end"] for value in values
    )
    for value in values:
        assert isinstance(value["value"], float | int), value
        assert value["n"] > 0, value
        interval = value["interval"]
        assert interval["low"] <= interval["high"], value
        assert interval["level"] == 0.95


def test_kpi_series_one_per_segment_and_window(workspace: Workspace) -> None:
    data = data_of(call(workspace, "get_kpi_series", {"kpi": "GRR"}))
    keys = [(series["segment"], series["window_days"]) for series in data["series"]]
    assert len(keys) == len(set(keys))
    assert ("SMB", 90) in keys
    assert ("Mid-market", 90) in keys


def test_kpi_series_since(workspace: Workspace) -> None:
    arguments = {"kpi": "GRR", "segment": "SMB", "since": "2026-06-01"}
    data = data_of(call(workspace, "get_kpi_series", arguments))
    for series in data["series"]:
        for value in series["values"]:
            assert value["period_end"] >= "2026-06-01", value


def test_kpi_series_unknown_segment_names_stored(workspace: Workspace) -> None:
    arguments = {"kpi": "GRR", "segment": "Nowhere"}
    data = data_of(call(workspace, "get_kpi_series", arguments))
    assert data["series"] == []
    assert "SMB" in data["note"]
    assert "Mid-market" in data["note"]


def test_kpi_series_without_values_says_how(workspace: Workspace) -> None:
    arguments = {"kpi": "customers.key_initiatives"}
    data = data_of(call(workspace, "get_kpi_series", arguments))
    assert data["series"] == []
    assert "boardloop kpis compute" in data["note"]


def test_kpi_series_unknown_kpi_is_error(workspace: Workspace) -> None:
    error = error_of(call(workspace, "get_kpi_series", {"kpi": "happiness"}))
    assert error["type"] == "UnknownKpiError"


def test_kpi_series_window_must_be_positive(workspace: Workspace) -> None:
    result = call(workspace, "get_kpi_series", {"kpi": "GRR", "window_days": 0})
    assert result.is_error
    assert "window_days" in result.content[0].text


def test_statuses_match_domain(workspace: Workspace) -> None:
    # The status filter's schema lists exactly the lifecycle's statuses.
    (tool,) = [t for t in listed_tools(workspace) if t.name == "list_initiatives"]
    schema = tool.input_schema["$defs"]["Status"]
    assert schema["enum"] == [status.value for status in Status]


def test_owner_filter_folds_unicode_width(workspace: Workspace) -> None:
    # A full-width name typed on a Japanese keyboard still matches.
    data = data_of(call(workspace, "list_initiatives", {"owner": "ＭＡＹＡ"}))
    assert data["count"] == 3


def test_owner_filter_finds_team_owner(workspace: Workspace) -> None:
    rows = data_of(call(workspace, "list_initiatives", {"owner": "CS team"}))
    assert ids(rows) == ["improve-customer-health"]


# --- documentation -------------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "mcp.md"


def test_every_tool_documented(workspace: Workspace) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for tool in listed_tools(workspace):
        assert f"`{tool.name}`" in docs, f"docs/mcp.md does not list {tool.name}"
        for argument in tool.input_schema["properties"]:
            assert f"`{argument}`" in docs, f"docs/mcp.md lacks {tool.name}({argument})"


def test_every_command_option_documented() -> None:
    from boardloop.cli._mcp import mcp_command

    docs = DOCS.read_text(encoding="utf-8")
    for parameter in mcp_command.params:
        for option in parameter.opts:
            assert f"`{option}`" in docs, f"docs/mcp.md does not list {option}"
