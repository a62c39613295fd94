"""The lint runner: rule catalog, settings, strict mode, scores and output."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Finding, Register, Severity, Source
from boardloop.lint import (
    RULES,
    CatalogLike,
    LintContext,
    LintReport,
    LintSettings,
    LintSettingsError,
    format_text,
    report_to_json,
    run_lint,
)
from test_lint_support import AS_OF, CATALOG, entry, found, lint_entries, lint_yaml

DOCS = Path(__file__).resolve().parents[1] / "docs" / "lint-rules.md"
CATALOG_IDS = [
    "OW101",
    "OW102",
    "OW103",
    "OW104",
    "TG201",
    "TG202",
    "TG203",
    "TG204",
    "TG205",
    "TG206",
    "TG207",
    "TG208",
    "DT301",
    "DT302",
    "DT303",
    "DT304",
    "DT305",
    "ST401",
    "ST402",
    "ST403",
    "ST404",
    "ST405",
    "MS501",
    "MS502",
    "MS503",
    "MS504",
    "MS505",
    "MS506",
    "MS507",
    "MS508",
    "MS509",
    "CL601",
    "CL602",
    "CL603",
    "CL604",
    "CL605",
    "CL606",
    "RG701",
    "RG702",
    "RG703",
    "RG704",
    "RG705",
    "WD801",
    "WD802",
    "WD803",
    "WD804",
    "WD805",
]


def test_rules_cover_the_catalog_in_order() -> None:
    assert [rule.id for rule in RULES] == CATALOG_IDS


def test_every_rule_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for rule in RULES:
        assert re.fullmatch(r"[A-Z]{2}\d{3}", rule.id)
        assert rule.doc.strip(), rule.id
        assert rule.hint.strip(), rule.id
        assert f"### {rule.id} {rule.name}\n" in text, rule.id
        assert f"- severity: {rule.severity.value}" in text.split(f"### {rule.id}")[1]


def test_rule_names_are_unique() -> None:
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_every_setting_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in LintSettings.__dataclass_fields__:
        assert f"| `{name}` |" in text, name


def test_bundled_catalog_fits_the_protocol() -> None:
    catalog: CatalogLike = CATALOG
    assert catalog.get("GRR") is not None


def test_empty_entries_give_owner_target_checkpoint_errors() -> None:
    report = lint_yaml(
        """\
- id: success-plans
  name: Success plan rollout
  status: in-progress
- id: advocacy
  name: Advocacy program for enterprise
  owner: ""
  status: launched
  target: ""
"""
    )
    lines = {(item.rule_id, item.location) for item in report.findings}
    assert ("OW101", "register.yaml:1") in lines
    assert ("TG201", "register.yaml:1") in lines
    assert ("DT302", "register.yaml:1") in lines
    assert ("OW101", "register.yaml:6") in lines
    assert ("TG201", "register.yaml:8") in lines
    assert ("DT302", "register.yaml:4") in lines
    assert report.has_errors


def test_findings_sorted_by_location_then_rule() -> None:
    report = lint_yaml(
        "- id: a\n  name: Success plan rollout\n  owner: CS team\n  status: bogus\n"
    )
    keys = [(i.source.line if i.source else 0, i.rule_id) for i in report.findings]
    assert keys == sorted(keys)


def test_strict_lifts_warnings_to_errors() -> None:
    normal = lint_entries(entry(owner_function=None))
    strict = lint_entries(
        entry(owner_function=None), settings=LintSettings(strict=True)
    )
    assert found(normal, "OW103")[0].severity is Severity.WARNING
    assert found(strict, "OW103")[0].severity is Severity.ERROR
    assert strict.has_errors
    assert not normal.has_errors


def test_strict_keeps_info() -> None:
    strict = lint_entries(entry(), settings=LintSettings(strict=True))
    assert all(item.severity is Severity.INFO for item in strict.findings)


def test_disabled_rules_do_not_run() -> None:
    report = lint_entries(
        entry(owner=None), settings=LintSettings(disabled=frozenset({"OW101"}))
    )
    assert found(report, "OW101") == []
    assert "OW101" not in report.rules_evaluated


def test_clean_register_scores_100() -> None:
    report = lint_entries(entry())
    assert report.score == 100.0
    assert report.initiative_scores == {"onboarding": 100.0}
    assert report.not_checked == ("ST404", "MS505", "MS506", "MS508", "CL606")
    assert len(report.rules_evaluated) == 42


def test_score_counts_warnings_half_and_errors_nothing() -> None:
    # 42 rules evaluated: 40 judge the one initiative, RG704 and RG705 the register.
    report = lint_entries(entry(owner_function=None, owner=None))
    assert report.counts == {"error": 1, "warning": 1, "info": 5}
    assert report.score == round(100 * (40 + 0.5) / 42, 1)
    assert report.initiative_scores["onboarding"] == round(100 * (38 + 0.5) / 40, 1)


def test_partly_not_checked_initiative_is_left_out() -> None:
    catalog_free = lint_entries(entry(), catalog=None)
    assert "TG204" in catalog_free.rules_evaluated
    assert {"MS501", "MS502", "MS504", "MS507", "TG206"} <= set(
        catalog_free.not_checked
    )


def test_format_text_lines_and_summary() -> None:
    report = lint_yaml("- id: a\n  name: Success plan rollout\n  owner: CS team\n")
    text = format_text(report)
    assert "register.yaml:3: OW102 [a] owner 'CS team' is not a single person" in text
    assert "\n    hint: Name the single person" in text
    summary = text.rstrip().splitlines()[-1]
    assert re.match(
        r"\d+ errors?, \d+ warnings?, \d+ info; readiness [\d.]+/100 over", summary
    )


def test_format_text_names_initiatives_sharing_line() -> None:
    line = Source(path="plan.md", line=3)
    findings = tuple(
        Finding(
            rule_id="DT301",
            severity=Severity.ERROR,
            message="deadline 2021-10-31 passed 92 days ago",
            initiative_id=key,
            source=line,
        )
        for key in ("intake", "macros")
    )
    named = Finding(
        rule_id="RG901",
        severity=Severity.ERROR,
        message="id 'intake' is used twice",
        initiative_id="intake",
        source=line,
    )
    report = LintReport(
        findings=(*findings, named),
        rules_evaluated=("DT301", "RG901"),
        not_checked=(),
        score=50.0,
    )
    lines = format_text(report).splitlines()
    assert (
        lines[0] == "plan.md:3: DT301 [intake] deadline 2021-10-31 passed 92 days ago"
    )
    assert (
        lines[1] == "plan.md:3: DT301 [macros] deadline 2021-10-31 passed 92 days ago"
    )
    assert lines[2] == "plan.md:3: RG901 id 'intake' is used twice"


def test_json_shape_is_stable() -> None:
    report = lint_yaml("- id: a\n  name: Success plan rollout\n  owner: CS team\n")
    data = report_to_json(report)
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "format_version",
        "score",
        "counts",
        "rules_evaluated",
        "not_checked",
        "initiative_scores",
        "findings",
    }
    first = next(item for item in data["findings"] if item["rule"] == "OW102")
    assert first == {
        "rule": "OW102",
        "name": "owner-not-a-person",
        "severity": "error",
        "message": "owner 'CS team' is not a single person: 'team' names a group",
        "hint": first["hint"],
        "initiative": "a",
        "path": "register.yaml",
        "line": 3,
    }


def test_store_records_locate_by_id() -> None:
    from boardloop.domain.model import Initiative

    register = Register(
        "Tallyfern", (Initiative(id="rec-7", name="Success plan rollout"),)
    )
    report = run_lint(register, LintContext(as_of=AS_OF))
    owner = found(report, "OW101")[0]
    assert owner.location == "rec-7"
    assert "rec-7: OW101 " in format_text(report)


def test_settings_from_mapping() -> None:
    settings = LintSettings.from_mapping(
        {
            "owner_cap": 4,
            "strict": True,
            "disabled": ["WD802"],
            "partial_floor": 0.4,
            "functions": ["CS", "Sales"],
        }
    )
    assert settings.owner_cap == 4
    assert settings.strict is True
    assert settings.disabled == frozenset({"WD802"})
    assert settings.functions == ("CS", "Sales")
    assert settings.partial_floor == 0.4


@pytest.mark.parametrize(
    ("table", "fragment"),
    [
        ({"owner_limit": 3}, "owner_limit: unknown setting"),
        ({"owner_cap": "3"}, "expected a whole number"),
        ({"owner_cap": -1}, "expected a whole number"),
        ({"strict": 1}, "expected true or false"),
        ({"partial_floor": 1.5}, "expected a fraction"),
        ({"disabled": ["XX999"]}, 'unknown rule id "XX999"'),
        ({"functions": "CS"}, "expected a list of non-empty strings"),
        ({"silence_warning_days": 60, "silence_error_days": 40}, "silence_error_days"),
    ],
)
def test_settings_reject_bad_values(table: dict[str, object], fragment: str) -> None:
    with pytest.raises(LintSettingsError, match=re.escape(fragment)):
        LintSettings.from_mapping(table)


def test_owner_cap_setting_applies() -> None:
    entries = [entry(id=f"i{n}", name=f"Program number {n} for SMB") for n in range(4)]
    assert (
        found(lint_entries(*entries, settings=LintSettings(owner_cap=4)), "OW104") == []
    )


_owners = st.sampled_from(["Dana Ruiz", "CS team", "", "TBD", "<Support lead>"])
_statuses = st.sampled_from(
    ["planned", "in-progress", "launched", "measuring", "closed"]
)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_owners, _statuses, st.booleans()), min_size=1, max_size=6))
def test_scores_stay_in_range(rows: list[tuple[str, str, bool]]) -> None:
    entries = [
        entry(
            id=f"i{n}",
            name=f"Program number {n} for SMB",
            owner=owner or None,
            status=status,
            next_checkpoint=None if drop else dt.date(2027, 3, 20),
        )
        for n, (owner, status, drop) in enumerate(rows)
    ]
    report = lint_entries(*entries)
    assert 0 <= report.score <= 100
    assert all(0 <= value <= 100 for value in report.initiative_scores.values())
    assert report.has_errors == any(
        i.severity is Severity.ERROR for i in report.findings
    )


@pytest.mark.real_data
def test_real_registers_lint_cleanly_enough(real_data: Path) -> None:
    io = pytest.importorskip("boardloop.io")
    calendar = FiscalCalendar(start_month=2)
    files = sorted((real_data / "initiatives").glob("*.md"))
    if not files:
        pytest.skip(f"no Markdown registers in {real_data / 'initiatives'}")
    for path in files:
        result = io.read_register_file(
            path, calendar=calendar, as_of=dt.date(2022, 2, 1)
        )
        register = Register(path.stem, tuple(result.initiatives))
        context = LintContext(
            as_of=dt.date(2022, 2, 1), catalog=CATALOG, calendar=calendar
        )
        report = run_lint(register, context)
        ids = {rule.id for rule in RULES}
        assert all(
            isinstance(item, Finding) and item.rule_id in ids
            for item in report.findings
        )
        assert 0 <= report.score <= 100
        text = format_text(report)
        assert text.endswith("\n")
