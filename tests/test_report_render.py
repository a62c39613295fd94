"""Board section renderers: snapshots, hostile text, the JSON schema."""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import os
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from boardloop.domain.model import (
    Direction,
    Event,
    Finding,
    Initiative,
    KpiValue,
    Outcome,
    OutcomeResult,
    Owner,
    Register,
    Severity,
    Status,
    Target,
    Unit,
)
from boardloop.evaluate import Evaluation, Verdict
from boardloop.report import (
    BoardSection,
    build_board_section,
    escape_markdown,
    json_schema,
    json_schema_text,
    render,
    render_html,
    render_json,
    render_markdown,
)
from boardloop.report._text import show_control_characters

SNAPSHOTS = Path(__file__).parent / "snapshots"
SCHEMA_FILE = (
    Path(__file__).resolve().parents[1] / "src" / "boardloop" / "report" / "schema.json"
)
UPDATE = os.environ.get("BOARDLOOP_UPDATE_SNAPSHOTS") == "1"

AS_OF = dt.date(2027, 3, 31)
SINCE = dt.date(2027, 1, 1)
GENERATED_AT = dt.datetime(2027, 4, 1, 8, 0, tzinfo=dt.UTC)
KPI_LABELS = {
    "customers.gross_revenue_retention": "GRR",
    "customers.net_revenue_retention": "NRR",
    "customers.logo_churn_rate": "logo churn",
    "customers.nps_score": "NPS",
}
HOSTILE = "<script>alert(1)</script> | pipe | `tick` **bold** =1+2 \"q\" 'q'\nnext line"


def canonical_phrase(target: Target) -> str:
    """Stand in for the target grammar's formatter, so snapshots test the renderer."""
    sign = {Direction.INCREASE: "+", Direction.DECREASE: "-"}.get(
        target.direction or Direction.HOLD, ""
    )
    label = KPI_LABELS.get(target.kpi_id or "", target.kpi_id or "KPI")
    amount = f"{target.amount}" if target.amount is not None else "?"
    unit = f" {target.unit}" if target.unit is Unit.PTS else f"{target.unit or ''}"
    segment = f" for {target.segment}" if target.segment else ""
    deadline = f" by {target.deadline_label}" if target.deadline_label else ""
    return f"{sign}{amount}{unit} {label}{segment}{deadline}"


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(day + "T09:30:00")


def sample_register() -> Register:
    """A small register with open, planned, closed, unreadable and changed rows."""
    onboarding = Initiative(
        id="onboarding-revamp",
        name="Onboarding revamp",
        owner=Owner("Dana Reyes", "CS"),
        target=Target(
            text="+3pp lift in 90-day GRR for SMB cohort by Q2",
            kpi_id="customers.gross_revenue_retention",
            direction=Direction.INCREASE,
            amount=Decimal(3),
            unit=Unit.PP,
            segment="SMB",
            deadline=dt.date(2027, 6, 30),
            deadline_label="Q2 FY27",
        ),
        status=Status.IN_PROGRESS,
        created_on=dt.date(2026, 11, 2),
        next_checkpoint=dt.date(2027, 4, 14),
        progress_note="New welcome flow live for 60% of SMB sign-ups.",
        history=(
            Event(at("2026-11-02"), "dana", "created", {"status": (None, "planned")}),
            Event(
                at("2027-01-15"),
                "dana",
                "status",
                {"status": ("planned", "in-progress")},
                "Kick-off done",
            ),
            Event(
                at("2027-02-10"),
                "dana",
                "target-revised",
                {
                    "target": (
                        "+5pp lift in 90-day GRR for SMB cohort by Q2",
                        "+3pp lift in 90-day GRR for SMB cohort by Q2",
                    )
                },
                "Q1 SMB cohort half the planned size",
            ),
        ),
    )
    health = Initiative(
        id="health-score-v2",
        name="Health-score model v2",
        owner=Owner("Priya Natarajan", "RevOps"),
        target=Target(
            text="reduce logo churn from 6% to 4% by end of FY27",
            kpi_id="customers.logo_churn_rate",
            direction=Direction.DECREASE,
            amount=Decimal(2),
            unit=Unit.PP,
            deadline=dt.date(2027, 12, 31),
            deadline_label="end of FY27",
        ),
        status=Status.MEASURING,
        next_checkpoint=dt.date(2027, 3, 20),
        history=(
            Event(
                at("2027-02-18"),
                "priya",
                "checkpoint",
                {"next_checkpoint": ("2027-02-20", "2027-03-20")},
                "Warehouse refresh delayed",
            ),
        ),
    )
    success_plans = Initiative(
        id="success-plans",
        name="Success plan rollout",
        owner=Owner("Marco Bianchi", "CS"),
        target=Target(
            text="NPS +8 pts for Enterprise by H2",
            kpi_id="customers.nps_score",
            direction=Direction.INCREASE,
            amount=Decimal(8),
            unit=Unit.PTS,
            segment="Enterprise",
            deadline_label="H2 FY27",
        ),
        status=Status.LAUNCHED,
        created_on=dt.date(2027, 1, 20),
        history=(Event(at("2027-01-20"), "marco", "created"),),
    )
    expansion = Initiative(
        id="expansion-playbook",
        name="Expansion playbook",
        owner=Owner("Lee Wong", "Sales"),
        target=Target(
            text="grow expansion a lot",
            problems=("no number in the target",),
        ),
        status=Status.PLANNED,
        next_checkpoint=dt.date(2027, 5, 2),
    )
    advocacy = Initiative(
        id="advocacy",
        name="Customer advocacy program",
        owner=Owner("Sam Okafor", "Marketing"),
        target=Target(
            text="NPS +5 pts by Q1",
            kpi_id="customers.nps_score",
            direction=Direction.INCREASE,
            amount=Decimal(5),
            unit=Unit.PTS,
            deadline_label="Q1 FY27",
        ),
        status=Status.CLOSED,
        outcome=Outcome(
            result=OutcomeResult.ACHIEVED,
            actual_movement=Decimal("6.5"),
            actual_unit=Unit.PTS,
            lesson="Reference calls moved NPS more than the review campaign did.",
            closed_on=dt.date(2027, 2, 28),
        ),
        history=(
            Event(
                at("2027-02-28"),
                "sam",
                "closed",
                {"status": ("measuring", "closed"), "outcome": (None, "achieved")},
            ),
        ),
    )
    ebr = Initiative(
        id="ebr-cadence",
        name="Executive business review cadence",
        owner=Owner("Ana Lima", "CS"),
        target=Target(
            text="+5pp NRR for Enterprise by FY26",
            kpi_id="customers.net_revenue_retention",
            direction=Direction.INCREASE,
            amount=Decimal(5),
            unit=Unit.PP,
            segment="Enterprise",
            deadline_label="FY26",
        ),
        status=Status.CLOSED,
        outcome=Outcome(
            result=OutcomeResult.MISSED,
            actual_movement=Decimal("3.1"),
            lesson="Quarterly reviews helped renewals but not expansion; pair with "
            "a pricing offer next time.",
            closed_on=dt.date(2026, 12, 15),
        ),
        history=(
            Event(
                at("2026-12-15"), "ana", "closed", {"status": ("measuring", "closed")}
            ),
        ),
    )
    return Register(
        company="Tallyfern Ltd",
        initiatives=(onboarding, health, success_plans, expansion, advocacy, ebr),
    )


def grr_smb(day: str, value: str, low: str, high: str) -> KpiValue:
    return KpiValue(
        kpi_id="customers.gross_revenue_retention",
        segment="SMB",
        period_end=dt.date.fromisoformat(day),
        value=Decimal(value),
        window_days=90,
        low=Decimal(low),
        high=Decimal(high),
    )


def sample_evaluations() -> dict[str, Evaluation]:
    return {
        "onboarding-revamp": Evaluation(
            initiative_id="onboarding-revamp",
            kpi_id="customers.gross_revenue_retention",
            segment="SMB",
            verdict=Verdict.ON_TRACK,
            explanation="GRR up 1.8pp against 3pp target; 60% attained, 50% expected.",
            unit=Unit.PP,
            baseline=Decimal("86.0"),
            baseline_on=dt.date(2026, 12, 31),
            baseline_source="warehouse",
            current=Decimal("87.8"),
            current_on=dt.date(2027, 3, 31),
            movement=Decimal("1.8"),
            relative_change=Decimal("2.093"),
            attainment=Decimal("0.6"),
            expected_attainment=Decimal("0.5"),
            n=412,
            label="GRR",
            window_days=90,
            series=(
                grr_smb("2026-12-31", "86", "82", "89"),
                grr_smb("2027-01-31", "86.9", "82.6", "89.7"),
                grr_smb("2027-03-31", "87.8", "84.1", "91.4"),
            ),
        ),
        "health-score-v2": Evaluation(
            initiative_id="health-score-v2",
            kpi_id="customers.logo_churn_rate",
            segment="all",
            verdict=Verdict.BEHIND,
            explanation="Logo churn down 0.4pp against 2pp target; 20% attained.",
            unit=Unit.PP,
            baseline=Decimal("6.0"),
            current=Decimal("5.6"),
            movement=Decimal("-0.4"),
            relative_change=Decimal("-6.667"),
            attainment=Decimal("0.2"),
            expected_attainment=Decimal("0.4"),
        ),
        "success-plans": Evaluation(
            initiative_id="success-plans",
            kpi_id="customers.nps_score",
            segment="Enterprise",
            verdict=Verdict.TOO_EARLY,
            explanation="Launched 20 Jan 2027; NPS lags a launch by about 90 days.",
            unit=Unit.PTS,
            baseline=Decimal(0),
            current=Decimal(2),
            movement=Decimal(2),
            relative_change=None,
            attainment=Decimal("0.25"),
        ),
    }


def sample_findings() -> list[Finding]:
    return [
        Finding(
            "DT302",
            Severity.ERROR,
            "launched with no next checkpoint",
            "Set next_checkpoint to the date of the next review.",
            "success-plans",
        ),
        Finding(
            "DT303",
            Severity.WARNING,
            "next checkpoint 20 Mar 2027 is 11 days past",
            initiative_id="health-score-v2",
        ),
        Finding(
            "TG201",
            Severity.ERROR,
            "target has no number",
            initiative_id="expansion-playbook",
        ),
        Finding("MS507", Severity.INFO, "no guardrail KPI", initiative_id="advocacy"),
        Finding("RG705", Severity.WARNING, "4 of 4 active initiatives are CS-owned"),
    ]


def build(
    register: Register | None = None,
    evaluations: dict[str, Evaluation] | None = None,
    findings: list[Finding] | None = None,
) -> BoardSection:
    register = register or sample_register()
    return build_board_section(
        company=register.company,
        register=register,
        evaluations=sample_evaluations() if evaluations is None else evaluations,
        findings=sample_findings() if findings is None else findings,
        readiness_score=78.4,
        as_of=AS_OF,
        since=SINCE,
        catalog_version="1.2.0",
        kpi_labels=KPI_LABELS,
        format_target=canonical_phrase,
        calendar_label="FY27 Q1",
        generator="boardloop (tests)",
        generated_at=GENERATED_AT,
    )


def check_snapshot(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    refresh = (
        f"Snapshot {name} differs from the rendered output. If the change is "
        "intended, rerun with BOARDLOOP_UPDATE_SNAPSHOTS=1 and review the diff."
    )
    assert path.exists(), f"snapshot {path} is missing. {refresh}"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"snapshots/{name}",
                tofile="rendered",
            )
        )
        pytest.fail(f"{refresh}\n{diff}")


# Snapshots


def test_markdown_snapshot() -> None:
    check_snapshot("board_section.md", render_markdown(build()))


def test_html_snapshot() -> None:
    check_snapshot("board_section.html", render_html(build()))


def test_json_snapshot() -> None:
    check_snapshot("board_section.json", render_json(build()))


# Markdown


def markdown_parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable("table")


def table_shapes(markdown: str) -> list[list[int]]:
    """Return, per table, the number of cells in each row."""
    tables: list[list[int]] = []
    cells = 0
    for token in markdown_parser().parse(markdown):
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            tables[-1].append(cells)
    return tables


def hostile_register() -> Register:
    register = sample_register()
    hostile = []
    for initiative in register.initiatives:
        outcome = initiative.outcome
        if outcome is not None:
            outcome = Outcome(
                result=outcome.result,
                actual_movement=outcome.actual_movement,
                actual_unit=outcome.actual_unit,
                lesson=HOSTILE,
                closed_on=outcome.closed_on,
            )
        hostile.append(
            Initiative(
                id=initiative.id,
                name=f"{HOSTILE} {initiative.name}",
                owner=Owner(HOSTILE, HOSTILE),
                target=Target(text=HOSTILE, problems=(HOSTILE,)),
                status=initiative.status,
                next_checkpoint=initiative.next_checkpoint,
                progress_note=HOSTILE,
                outcome=outcome,
                history=initiative.history,
                created_on=initiative.created_on,
            )
        )
    return Register(company=HOSTILE, initiatives=tuple(hostile))


RULE_HINT = "Set `owner_function` to a configured function, or add it to [lint]."


def hostile_section() -> BoardSection:
    # Hints are written by the lint rules, never by users, so they stay plain.
    findings = [
        Finding("OW101", Severity.ERROR, HOSTILE, RULE_HINT, "onboarding-revamp"),
        Finding(HOSTILE, Severity.WARNING, HOSTILE, RULE_HINT, HOSTILE),
    ]
    return build(hostile_register(), findings=findings)


def test_markdown_hostile_tables_intact() -> None:
    markdown = render_markdown(hostile_section())
    shapes = table_shapes(markdown)
    assert len(shapes) == 2
    assert shapes[0] == [6] * (1 + 4)
    assert shapes[1] == [5] * (1 + 2)


def test_markdown_hostile_no_raw_html() -> None:
    rendered = markdown_parser().render(render_markdown(hostile_section()))
    assert "<script" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    tags = set(re.findall(r"<([a-z0-9]+)", rendered))
    assert tags <= {"h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td",
                    "ul", "li", "strong", "em", "code"}  # fmt: skip


def test_markdown_hostile_no_user_emphasis() -> None:
    rendered = markdown_parser().render(render_markdown(hostile_section()))
    assert "<strong>bold</strong>" not in rendered
    assert "<code>tick</code>" not in rendered
    assert "**bold**" in html.unescape(rendered)


def test_markdown_hostile_newlines_flattened() -> None:
    markdown = render_markdown(hostile_section())
    assert "\nnext line" not in markdown
    assert "`tick`" not in markdown
    assert "\\`tick\\`" in markdown


def test_markdown_reads_in_order() -> None:
    markdown = render_markdown(build())
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == [
        "## Customer Success Initiatives",
        "### Active and planned initiatives",
        "### Closed initiatives",
        "### What changed since 1 Jan 2027",
        "### Findings for the board",
    ]


def test_markdown_flags_missing_checkpoint() -> None:
    markdown = render_markdown(build())
    row = next(
        line for line in markdown.splitlines() if "Success plan rollout |" in line
    )
    assert "**none** (missing)" in row


def test_markdown_shows_miss_like_win() -> None:
    markdown = render_markdown(build())
    assert "+3.1pp against +5pp target: 62% attained" in markdown
    assert "+6.5 pts against +5 pts target: 130% attained" in markdown
    assert "**Missed**" in markdown
    assert "**Achieved**" in markdown


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_escape_markdown_cell_is_literal(text: str) -> None:
    table = f"| a |\n| --- |\n| {escape_markdown(text)} |\n"
    tokens = markdown_parser().parse(table)
    inline = [t for t in tokens if t.type == "inline"]
    assert len(inline) == 2
    children = inline[1].children or []
    kinds = {child.type for child in children}
    assert kinds <= {"text", "text_special"}
    literal = "".join(child.content for child in children)
    expected = re.sub(r"[\r\n\u0085\u2028\u2029\v\f]+", " ", text)
    expected = expected.replace("\t", " ").strip()
    # Control characters (NUL, ESC, BEL, ...) and bidirectional controls are
    # shown as marks such as U+241B or [U+202A], not applied.
    assert literal == show_control_characters(expected)


# HTML


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(page)
    collector.close()
    return collector


def test_html_hostile_no_unescaped_tag() -> None:
    page = render_html(hostile_section())
    parsed = parse_html(page)
    assert "script" not in parsed.tags
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert HOSTILE.splitlines()[0] in "".join(parsed.text)


def test_html_self_contained() -> None:
    page = render_html(build())
    parsed = parse_html(page)
    assert set(parsed.tags) <= {
        "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3",
        "p", "section", "table", "thead", "tbody", "tr", "th", "td", "span",
        "strong", "ul", "li", "footer",
        # The inline chart, its caption and its data table.
        "figure", "figcaption", "details", "summary", "caption", "svg", "rect",
        "polygon", "polyline", "line", "circle", "text",
    }  # fmt: skip
    names = {name for name, _ in parsed.attributes}
    assert not names & {"href", "src", "srcset", "action", "onload", "onerror"}
    assert "url(" not in page
    assert "@import" not in page


def test_html_verdicts_in_words() -> None:
    page = render_html(build())
    assert '<span class="badge v-on-track">On track</span>' in page
    assert '<span class="badge v-behind">Behind</span>' in page
    assert '<span class="badge s-error">Error</span>' in page
    assert '<span class="badge s-warning">Warning</span>' in page


def test_html_prints_on_a4() -> None:
    page = render_html(build())
    assert "@page { size: A4;" in page
    assert '<meta name="viewport"' in page


# JSON and its schema


def test_schema_file_up_to_date() -> None:
    expected = json_schema_text()
    if UPDATE:
        SCHEMA_FILE.write_text(expected, encoding="utf-8")
        return
    assert SCHEMA_FILE.read_text(encoding="utf-8") == expected, (
        f"{SCHEMA_FILE} is out of date with the view model. Refresh it with "
        "BOARDLOOP_UPDATE_SNAPSHOTS=1 pytest tests/test_report_render.py, "
        "and bump SCHEMA_VERSION when a field is removed or changes meaning."
    )


def test_json_validates_against_schema() -> None:
    document = json.loads(render_json(build()))
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    assert errors == []


def test_json_schema_rejects_extra_key() -> None:
    document = json.loads(render_json(build()))
    document["kpiField"][0]["surprise"] = 1
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    assert not validator.is_valid(document)


def test_json_round_trips_through_model() -> None:
    section = build()
    again = BoardSection.model_validate_json(render_json(section))
    assert again == section


def test_json_header_and_dates() -> None:
    document = json.loads(render_json(build()))
    assert list(document)[:2] == ["$schema", "schemaVersion"]
    assert document["schemaVersion"] == "1.0"
    assert document["$schema"] == json_schema()["$id"]
    assert document["asOf"] == "2027-03-31"
    assert document["kpiId"] == "customers.key_initiatives"


def test_json_field_array_keys() -> None:
    entries = json.loads(render_json(build()))["kpiField"]
    base = {"name", "targetMetric", "owner", "status", "nextCheckpointDate"}
    closed = base | {"actualMovement", "targetAmount", "unit", "attainment", "outcome"}
    assert [e["name"] for e in entries] == [
        i.name for i in sample_register().initiatives
    ]
    for entry in entries:
        expected = closed if entry["status"] == "closed" else base
        assert set(entry) == expected


def test_json_field_array_closed_values() -> None:
    entries = {e["name"]: e for e in json.loads(render_json(build()))["kpiField"]}
    missed = entries["Executive business review cadence"]
    assert missed["actualMovement"] == 3.1
    assert missed["targetAmount"] == 5
    assert missed["unit"] == "pp"
    assert missed["attainment"] == 0.62
    assert missed["outcome"] == "missed"
    assert missed["nextCheckpointDate"] is None
    open_entry = entries["Onboarding revamp"]
    assert open_entry["nextCheckpointDate"] == "2027-04-14"
    assert open_entry["owner"] == "Dana Reyes (CS)"


def test_json_numbers_are_numbers() -> None:
    document = json.loads(render_json(build()))
    verdict = document["openInitiatives"][0]["verdict"]
    assert verdict["movement"] == 1.8
    assert verdict["baseline"] == 86
    assert isinstance(document["summary"]["readinessScore"], float)


# Baseline 0 and non-finite numbers


def test_baseline_zero_never_infinite() -> None:
    evaluations = sample_evaluations()
    evaluations["health-score-v2"] = Evaluation(
        initiative_id="health-score-v2",
        kpi_id="customers.logo_churn_rate",
        segment="all",
        verdict=Verdict.INCONCLUSIVE,
        explanation="Movement is inside the noise.",
        baseline=Decimal(0),
        current=Decimal("0.3"),
        movement=Decimal("0.3"),
        relative_change=Decimal("Infinity"),
        attainment=Decimal("NaN"),
    )
    section = build(evaluations=evaluations)
    outputs = [render_markdown(section), render_html(section), render_json(section)]
    for output in outputs:
        assert "Infinity" not in output
        assert "NaN" not in output
        assert re.search(r"\binf\b", output, re.IGNORECASE) is None


def test_baseline_zero_relative_change_na() -> None:
    section = build()
    success = next(i for i in section.open_initiatives if i.id == "success-plans")
    assert success.verdict is not None
    assert success.verdict.baseline == 0
    assert success.verdict.relative_change is None
    assert success.verdict.relative_change_label == "n/a"
    assert success.verdict.movement_label == "+2 pts"


def schema_property_names(node: object) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict):
            names |= set(properties)
        for value in node.values():
            names |= schema_property_names(value)
    elif isinstance(node, list):
        for value in node:
            names |= schema_property_names(value)
    return names


def test_every_json_field_documented() -> None:
    doc = (Path(__file__).resolve().parents[1] / "docs" / "board-section.md").read_text(
        encoding="utf-8"
    )
    missing = sorted(
        name for name in schema_property_names(json_schema()) if f"`{name}`" not in doc
    )
    assert missing == [], f"docs/board-section.md does not document: {missing}"


def test_real_target_grammar_builds() -> None:
    targets = pytest.importorskip(
        "boardloop.domain.targets", reason="target grammar not importable"
    )
    fiscal = pytest.importorskip("boardloop.domain.fiscal")
    calendar = fiscal.FiscalCalendar(start_month=1, naming="end")
    target = targets.parse_target(
        "+5pp lift in 90-day GRR for SMB cohort by Q2",
        calendar=calendar,
        as_of=AS_OF,
        kpi_aliases={"grr": "customers.gross_revenue_retention"},
    )
    register = Register(
        company="Tallyfern Ltd",
        initiatives=(
            Initiative(
                id="onboarding-revamp",
                name="Onboarding revamp",
                owner=Owner("Dana Reyes", "CS"),
                target=target,
                status=Status.IN_PROGRESS,
                next_checkpoint=dt.date(2027, 4, 14),
            ),
        ),
    )
    built = build_board_section(
        company=register.company,
        register=register,
        evaluations={},
        findings=[],
        readiness_score=90.0,
        as_of=AS_OF,
        since=None,
        catalog_version="1.0.0",
        kpi_labels=KPI_LABELS,
        format_target=lambda t: targets.format_target(
            t, kpi_labels=KPI_LABELS, calendar=calendar
        ),
    )
    row = built.open_initiatives[0]
    assert row.target.readable, row.target.problems
    assert row.target.canonical == targets.format_target(
        target, kpi_labels=KPI_LABELS, calendar=calendar
    )
    assert "5pp" in row.target.display
    assert built.kpi_field[0].target_metric == row.target.display


def test_render_by_format_name() -> None:
    section = build()
    assert render(section, "md") == render_markdown(section)
    assert render(section, "html") == render_html(section)
    assert render(section, "json") == render_json(section)
    with pytest.raises(ValueError, match="unknown board section format 'pdf'"):
        render(section, "pdf")


BIDI_NAME = "Renewal desk \u202eevo LTR\u202c for SMB"


@pytest.mark.parametrize("renderer", [render_markdown, render_html])
def test_bidi_controls_shown_not_applied(
    renderer: Callable[[BoardSection], str],
) -> None:
    register = sample_register()
    first = register.initiatives[0]
    renamed = Register(
        company=register.company,
        initiatives=(
            Initiative(
                id=first.id,
                name=BIDI_NAME,
                owner=first.owner,
                target=first.target,
                status=first.status,
                next_checkpoint=first.next_checkpoint,
            ),
            *register.initiatives[1:],
        ),
    )
    output = renderer(build(renamed))
    assert "\u202e" not in output
    assert "U+202E" in output
    assert "U+202C" in output


def test_html_control_characters_shown() -> None:
    register = sample_register()
    first = register.initiatives[0]
    renamed = Register(
        company=register.company,
        initiatives=(
            Initiative(
                id=first.id,
                name="Red\x1b[31m bell\x07 nul\x00 del\x7f",
                owner=first.owner,
                target=first.target,
                status=first.status,
                next_checkpoint=first.next_checkpoint,
            ),
            *register.initiatives[1:],
        ),
    )
    page = render_html(build(renamed))
    for raw in ("\x1b", "\x07", "\x00", "\x7f"):
        assert raw not in page
    shown = "Red[U+001B][31m bell[U+0007] nul[U+0000] del[U+007F]"
    assert shown in "".join(parse_html(page).text)


def test_hint_settings_render_as_code() -> None:
    markdown = render_markdown(hostile_section())
    assert "Hint: Set `owner_function` to a configured function" in markdown
    rendered_html = render_html(hostile_section())
    assert "Set <code>owner_function</code> to a configured function" in rendered_html
