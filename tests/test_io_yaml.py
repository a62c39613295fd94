"""YAML registers: line numbers per key, structured fields, errors."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardloop.domain.fiscal import FiscalCalendar
from boardloop.domain.model import Direction, OutcomeResult, Owner, Status, Unit
from boardloop.io import ImportResult, ReadError, read_register_file

if TYPE_CHECKING:
    from pathlib import Path

ALIASES = {"grr": "customers.gross_revenue_retention"}

REGISTER = """\
company: Example Co
initiatives:
  - id: onboarding-revamp
    name: Onboarding revamp
    owner: Dana Reyes (VP Customer Success)
    target: +5pp lift in 90-day GRR for SMB cohort by Q2
    status: in-progress
    baseline:
      value: 88.5
      as_of: 2026-01-01
      source: warehouse
    launched_on: 2026-01-10
    next_checkpoint: 2026-03-14
    checkpoints:
      - on: 2026-02-14
        note: first cohort live
        author: Dana Reyes
    history:
      - at: 2026-01-10T09:00:00
        actor: Dana Reyes
        kind: status
        changes:
          status: [planned, in-progress]
        reason: kickoff
  - name: Health score v2
    owner:
      person: Sam Ortiz
      function: CS Ops
    target:
      kpi: GRR
      direction: increase
      amount: 2
      unit: pp
      segment: Enterprise
      window_days: 90
      deadline: 2026-09-30
    status: closed
    outcome:
      result: missed
      actual_movement: 0.8
      actual_unit: pp
      lesson: The model flagged risk too late for CSMs to act before renewal.
      closed_on: 2026-10-05
    sponsor: CFO
"""


def write(tmp_path: Path, text: str, name: str = "register.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def read(tmp_path: Path, text: str, name: str = "register.yaml") -> ImportResult:
    return read_register_file(
        write(tmp_path, text, name),
        calendar=FiscalCalendar(1, "end"),
        as_of=dt.date(2026, 1, 15),
        kpi_aliases=ALIASES,
    )


def test_line_numbers_per_key(tmp_path: Path) -> None:
    first, second = read(tmp_path, REGISTER).initiatives
    assert first.source is not None
    assert first.source.line == 3
    assert first.field_lines["name"] == 4
    assert first.field_lines["owner"] == 5
    assert first.field_lines["target"] == 6
    assert first.field_lines["status"] == 7
    assert first.field_lines["next_checkpoint"] == 13
    assert second.source is not None
    assert second.source.line == 25
    assert second.field_lines["owner_function"] == 28
    assert second.field_lines["lesson"] == 42


def test_fields_read(tmp_path: Path) -> None:
    first, second = read(tmp_path, REGISTER).initiatives
    assert first.id == "onboarding-revamp"
    assert first.owner == Owner("Dana Reyes", "VP Customer Success")
    assert first.target.text == "+5pp lift in 90-day GRR for SMB cohort by Q2"
    assert first.status is Status.IN_PROGRESS
    assert first.baseline is not None
    assert first.baseline.value == Decimal("88.5")
    assert first.baseline.as_of == dt.date(2026, 1, 1)
    assert first.launched_on == dt.date(2026, 1, 10)
    assert first.checkpoints[0].on == dt.date(2026, 2, 14)
    assert first.history[0].changes == {"status": ("planned", "in-progress")}
    assert first.history[0].reason == "kickoff"
    assert second.id == "register.yaml/health-score-v2"
    assert second.owner == Owner("Sam Ortiz", "CS Ops")
    assert second.outcome is not None
    assert second.outcome.result is OutcomeResult.MISSED
    assert second.outcome.actual_movement == Decimal("0.8")
    assert second.outcome.actual_unit is Unit.PP


def test_structured_target(tmp_path: Path) -> None:
    target = read(tmp_path, REGISTER).initiatives[1].target
    assert target.kpi_id == "customers.gross_revenue_retention"
    assert target.direction is Direction.INCREASE
    assert target.amount == Decimal("2")
    assert target.unit is Unit.PP
    assert target.segment == "Enterprise"
    assert target.window_days == 90
    assert target.deadline == dt.date(2026, 9, 30)
    assert target.text
    assert target.problems == ()


def test_unknown_keys_kept_and_listed(tmp_path: Path) -> None:
    result = read(tmp_path, REGISTER)
    assert result.initiatives[1].extra["sponsor"] == "CFO"
    text = result.summary.format_text()
    assert "line 44: key 'sponsor' is not a register field, kept in extra" in text
    assert "line 1: top-level key 'company' is not read" in text


def test_bare_list(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Onboarding revamp\n- name: NPS push\n")
    ids = [initiative.id for initiative in result.initiatives]
    assert ids == ["register.yaml/onboarding-revamp", "register.yaml/nps-push"]


def test_bad_date_is_kept_and_flagged(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Onboarding revamp\n  next_checkpoint: mid March\n")
    initiative = result.initiatives[0]
    assert initiative.next_checkpoint is None
    assert initiative.extra["invalid"] == {"next_checkpoint": "mid March"}
    assert any(n.location.endswith(":2") for n in result.summary.dropped)


def test_missing_name_is_dropped(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: A one\n- owner: Dana\n")
    assert len(result.initiatives) == 1
    assert any(
        "no name" in n.what and n.location.endswith(":2")
        for n in result.summary.dropped
    )


def test_status_emoji_guessed(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: A one\n  status: 🚧\n")
    assert result.initiatives[0].status is Status.IN_PROGRESS
    assert result.initiatives[0].status_text == "🚧"
    assert "line 2: status '🚧' read as in-progress" in result.summary.format_text()


def test_negative_amount_without_direction(tmp_path: Path) -> None:
    text = "- name: Churn cut\n  target: {kpi: GRR, amount: -2, unit: pp}\n"
    target = read(tmp_path, text).initiatives[0].target
    assert target.direction is Direction.DECREASE
    assert target.amount == Decimal("2")


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read(tmp_path, "initiatives:\n  - name: A\n    owner: [Dana\n  - name: B\n")
    assert error.value.line is not None
    assert error.value.line >= 3
    assert "invalid YAML" in str(error.value)


def test_not_a_list_is_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="expected a list"):
        read(tmp_path, "name: Onboarding revamp\n")


def test_reading_twice_gives_same_result(tmp_path: Path) -> None:
    first = read(tmp_path, REGISTER)
    second = read(tmp_path, REGISTER)
    assert first.initiatives == second.initiatives
    assert first.summary.format_text() == second.summary.format_text()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("register.json", b"[]", "unknown file type"),
        ("register.yaml", b"", "empty"),
        ("register.yaml", b"- name: caf\xe9\n", "not UTF-8"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_register_file(path, calendar=FiscalCalendar(1, "end"), kpi_aliases={})


# --- impossible dates ---------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("next_checkpoint", "2026-02-30", "February 2026 has 28 days"),
        ("created_on", "2026-13-01", "there is no month 13"),
        ("launched_on", "2024-02-30", "February 2024 has 29 days"),
        ("next_checkpoint", "2026-04-31", "April 2026 has 30 days"),
    ],
)
def test_impossible_date_kept_as_text(
    tmp_path: Path, key: str, value: str, reason: str
) -> None:
    result = read(tmp_path, f"- name: Onboarding revamp\n  {key}: {value}\n")
    (initiative,) = result.initiatives
    assert getattr(initiative, key) is None
    assert initiative.extra["invalid"] == {key: value}
    (notice,) = result.summary.dropped
    assert notice.location.endswith("register.yaml:2")
    assert notice.what.startswith(f"{key} '{value}' is not a date: {reason}")


def test_impossible_dates_in_nested_keys(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        - name: Onboarding revamp
          baseline: {value: 88.5, as_of: 2026-02-29}
          checkpoints:
            - on: 2026-06-31
              note: first cohort live
          outcome:
            result: missed
            closed_on: 2026-09-31
          target:
            kpi: GRR
            amount: 2
            unit: pp
            deadline: 2026-02-30
          history:
            - at: 2026-02-30T09:00:00
              actor: Dana Reyes
              kind: status
        """,
    )
    (initiative,) = result.initiatives
    assert initiative.baseline is not None
    assert initiative.baseline.as_of is None
    assert initiative.checkpoints == ()
    assert initiative.outcome is not None
    assert initiative.outcome.closed_on is None
    assert initiative.target.deadline is None
    assert initiative.history == ()
    assert initiative.extra["invalid"] == {
        "baseline.as_of": "2026-02-29",
        "checkpoints.on": "2026-06-31",
        "outcome.closed_on": "2026-09-31",
        "target.deadline": "2026-02-30",
    }
    text = result.summary.format_text()
    assert "line 2: baseline.as_of '2026-02-29' is not a date: February 2026" in text
    assert "line 4: checkpoints.on '2026-06-31' is not a date: June 2026" in text
    assert "line 13: target deadline '2026-02-30' cannot be read: February" in text
    assert "line 15: history entry 'at: 2026-02-30T09:00:00' is not a date" in text


def test_valid_timestamps_still_dates(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        - name: Onboarding revamp
          next_checkpoint: 2024-02-29
          history:
            - at: 2026-01-10 09:00:00 +01:00
              actor: Dana Reyes
        """,
    )
    (initiative,) = result.initiatives
    assert initiative.next_checkpoint == dt.date(2024, 2, 29)
    assert initiative.history[0].at.hour == 9
    assert result.summary.dropped == []


# --- ids ------------------------------------------------------------------------


def test_derived_ids_qualified_by_file_name(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "- id: OB-1\n  name: Onboarding revamp\n- name: NPS push\n",
        name="Q2 Plan.yaml",
    )
    assert [i.id for i in result.initiatives] == ["OB-1", "Q2 Plan.yaml/nps-push"]
    assert result.summary.derived_ids == {"Q2 Plan.yaml/nps-push": "names"}
    recognised = dict(result.summary.recognised)
    assert recognised["names"] == "derived ids Q2 Plan.yaml/nps-push"


def test_two_files_never_share_derived_ids(tmp_path: Path) -> None:
    text = "- name: Onboarding revamp\n"
    first = read(tmp_path, text, name="smb.yaml")
    second = read(tmp_path, text, name="enterprise.yaml")
    assert first.initiatives[0].id == "smb.yaml/onboarding-revamp"
    assert second.initiatives[0].id == "enterprise.yaml/onboarding-revamp"


# --- keys lint reads from extra -----------------------------------------------


def test_guardrails_and_attribution_recognised(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        - id: discount-save
          name: Discount-led save desk
          guardrails: [customers.net_revenue_retention, GRR]
          attribution: Half of the GRR movement is claimed by the renewal desk.
        """,
    )
    (initiative,) = result.initiatives
    assert initiative.extra["guardrails"] == [
        "customers.net_revenue_retention",
        "customers.gross_revenue_retention",
    ]
    assert initiative.extra["attribution"].startswith("Half of the GRR")
    assert result.summary.dropped == []
    recognised = dict(result.summary.recognised)
    assert recognised["guardrails"] == "guardrail KPIs in extra"
    assert recognised["attribution"] == "attribution note in extra"


def test_guardrails_as_one_line_of_names(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Save desk\n  guardrails: GRR, NRR\n")
    (initiative,) = result.initiatives
    assert initiative.extra["guardrails"] == [
        "customers.gross_revenue_retention",
        "NRR",
    ]


def test_guardrails_not_names_are_flagged(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Save desk\n  guardrails: {kpi: GRR}\n")
    (initiative,) = result.initiatives
    assert "guardrails" not in initiative.extra
    assert initiative.extra["invalid"] == {"guardrails": "{'kpi': 'GRR'}"}
    (notice,) = result.summary.dropped
    assert notice.location.endswith(":2")
    assert "guardrails" in notice.what


# --- how scalars are typed ----------------------------------------------------


def test_yaml_1_1_words_stay_text(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        - name: Onboarding revamp
          owner: no
          program: on
          notes: 1:30
          sponsor: yes
          target: {kpi: GRR, amount: 010, window_days: 090, segment: off}
        """,
    )
    (initiative,) = result.initiatives
    assert initiative.owner.person == "no"
    assert initiative.program == "on"
    assert initiative.notes == "1:30"
    assert initiative.extra["sponsor"] == "yes"
    assert initiative.target.amount == Decimal("10")
    assert initiative.target.window_days == 90
    assert initiative.target.segment == "off"


def test_quoted_and_tagged_scalars_are_text(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        "- name: !!str 2026\n  id: '007'\n  program: !custom Growth\n",
    )
    (initiative,) = result.initiatives
    assert initiative.name == "2026"
    assert initiative.id == "007"
    assert initiative.program == "Growth"


def test_value_not_fitting_its_tag(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read(tmp_path, "- name: A\n  target: {kpi: GRR, amount: !!float lots}\n")
    assert error.value.line == 2
    assert "'lots' cannot be read as !!float" in str(error.value)


def test_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as error:
        read(tmp_path, "- name: A\n  owner: Dana\n  owner: Sam\n")
    assert error.value.line == 3
    message = str(error.value)
    assert 'found duplicate key "owner" with value "Sam"' in message
    assert '(original value: "Dana", line 2)' in message


def test_merge_key_copies_anchored_keys(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        defaults: &smb
          owner: Dana Reyes (VP Customer Success)
          status: in-progress
        initiatives:
          - <<: *smb
            name: Onboarding revamp
          - <<: *smb
            name: NPS push
            status: planned
        """,
    )
    first, second = result.initiatives
    assert first.owner.person == "Dana Reyes"
    assert first.status is Status.IN_PROGRESS
    assert first.field_lines["owner"] == 2
    assert second.status is Status.PLANNED
    assert second.field_lines["status"] == 9


def test_alias_inside_itself_is_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="alias refers to a node that contains it"):
        read(tmp_path, "- &item\n  name: A\n  parts: [*item]\n")


def test_timestamps_keep_their_text_form(tmp_path: Path) -> None:
    result = read(
        tmp_path,
        """\
        - name: Onboarding revamp
          target: {kpi: GRR, amount: 2026-01-10T09:00:00}
          history:
            - at: 2026-01-10t09:00:00.1234567Z
              actor: Dana Reyes
        """,
    )
    (initiative,) = result.initiatives
    assert initiative.extra["invalid"] == {"target.amount": "2026-01-10T09:00:00"}
    at = initiative.history[0].at
    assert at.microsecond == 123457
    assert at.utcoffset() == dt.timedelta(0)


NUMBER = r"[-+]?[0-9_]{1,6}(\.[0-9_]{0,3})?([eE][-+]?[0-9]{1,2})?"
TIME = r"[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,8})?( ?(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?"
TIMESTAMP = rf"[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}([Tt ]{TIME})?"
PLAIN_SCALARS = st.one_of(
    st.from_regex(NUMBER, fullmatch=True),
    st.from_regex(r"0[box][0-9a-fA-F_]{1,5}", fullmatch=True),
    st.from_regex(TIMESTAMP, fullmatch=True),
    st.sampled_from(
        ["yes", "No", "on", "OFF", "y", "true", "False", "TRUE", "null", "~", "Null",
         ".inf", "-.Inf", ".NaN", "1:30", "190:20:30", "0o17", "2026-02-30",
         "2026-13-01", "12e", "0x", "Q2 FY27", "+5pp"]
    ),
)  # fmt: skip


@given(PLAIN_SCALARS)
def test_plain_scalars_typed_as_round_trip_yaml(text: str) -> None:
    ruamel = pytest.importorskip("ruamel.yaml")
    from boardloop.io._yaml_load import load_yaml

    try:
        expected = ruamel.YAML(typ="rt").load(f"key: {text}\n")["key"]
    except (ruamel.YAMLError, ValueError, IndexError):
        return  # ruamel.yaml fails on this form; there is nothing to compare
    value = load_yaml(f"key: {text}\n", "register.yaml")["key"]
    if isinstance(expected, float) and expected != expected:
        assert value != value  # NaN
        return
    assert value == expected
    assert str(value) == str(expected)
    assert isinstance(value, bool) == isinstance(expected, bool)


def test_repeated_stated_id_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    path.write_text(
        "initiatives:\n"
        "  - id: q5\n"
        "    name: Renewal desk for SMB accounts\n"
        "  - id: q5\n"
        "    name: Expansion desk for SMB accounts\n",
        encoding="utf-8",
    )
    with pytest.raises(ReadError) as caught:
        read_register_file(path, calendar=FiscalCalendar())
    assert caught.value.line == 4
    assert "first on line 2" in str(caught.value)


def test_repeated_derived_id_is_renamed(tmp_path: Path) -> None:
    path = tmp_path / "register.yaml"
    path.write_text(
        "initiatives:\n  - name: Renewal desk\n  - name: Renewal desk\n",
        encoding="utf-8",
    )
    result = read_register_file(path, calendar=FiscalCalendar())
    ids = [initiative.id for initiative in result.initiatives]
    assert ids == ["register.yaml/renewal-desk", "register.yaml/renewal-desk-2"]


def test_lag_days_kept_in_extra(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Save desk\n  lag_days: 60\n")
    (initiative,) = result.initiatives
    assert initiative.extra["lag_days"] == 60
    assert dict(result.summary.recognised)["lag_days"] == "lag after launch in extra"


def test_bad_lag_days_dropped_with_reason(tmp_path: Path) -> None:
    result = read(tmp_path, "- name: Save desk\n  lag_days: two months\n")
    (initiative,) = result.initiatives
    assert "lag_days" not in initiative.extra
    [notice] = result.summary.dropped
    assert "lag_days 'two months' is not a whole number of days" in notice.what


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("-30", "lag_days -30 must be 0 or more days"),
        ("100000", "lag_days 100000 is more than 3650 days"),
        ("1.5", "lag_days 1.5 is not a whole number of days"),
    ],
)
def test_lag_days_out_of_range_dropped(
    tmp_path: Path, value: str, problem: str
) -> None:
    text = f"- name: Save desk\n  owner: Jo Park\n  lag_days: {value}\n"
    result = read(tmp_path, text)
    (initiative,) = result.initiatives
    assert "lag_days" not in initiative.extra
    [notice] = result.summary.dropped
    assert notice.what == problem
    assert notice.location == f"{tmp_path / 'register.yaml'}:3"
    assert "0 to 3650" in notice.why


@pytest.mark.parametrize("days", [0, 3650])
def test_lag_days_limits_kept(tmp_path: Path, days: int) -> None:
    result = read(tmp_path, f"- name: Save desk\n  lag_days: {days}\n")
    (initiative,) = result.initiatives
    assert initiative.extra["lag_days"] == days
    assert result.summary.dropped == []
