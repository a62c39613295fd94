"""Verdicts for change, hold and level targets, with their explanation sentence."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from boardloop.domain.model import Direction, LevelBound, Unit
from boardloop.evaluate import _progress as progress
from boardloop.evaluate import _wording as words
from boardloop.evaluate._verdict import Evaluation, Verdict

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

    from boardloop.catalog import Kpi
    from boardloop.domain.model import Initiative, Target

__all__ = ["Context", "Reading", "judge_change", "judge_level"]


@dataclass(frozen=True, slots=True)
class Reading:
    """A KPI value with where it came from, for the baseline or the current value."""

    value: Decimal
    on: dt.date | None
    source: str
    n: int | None = None
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def half_width(self) -> Decimal | None:
        """Half the width of the value's 95 % interval, when it has one."""
        if self.low is None or self.high is None:
            return None
        return (self.high - self.low) / 2


@dataclass(frozen=True, slots=True)
class Context:
    """Inputs shared by every step of one evaluation, resolved once."""

    initiative: Initiative
    target: Target
    kpi: Kpi | None
    label: str
    as_of: dt.date
    lag_days: int
    start: dt.date | None
    measured_until: dt.date
    is_final: bool

    @property
    def native_unit(self) -> Unit | None:
        if self.kpi is not None and self.kpi.native_unit is not None:
            return self.kpi.native_unit
        return self.target.unit


def judge_change(
    context: Context, measured: Evaluation, baseline: Reading, current: Reading
) -> Evaluation:
    """Judge a change target: increase, decrease or hold inside a band."""
    target = context.target
    unit = target.unit or context.native_unit
    direction = target.direction or _direction_from_polarity(context.kpi)
    measured = replace(measured, unit=unit)
    if direction is None:
        return replace(
            measured,
            explanation=f"The {context.label} target has no direction and the catalog "
            "states no polarity; say increase or decrease.",
        )

    moved = progress.movement(baseline.value, current.value, unit)
    if moved is None:
        return replace(
            measured,
            explanation=f"{context.label} relative change is n/a from a baseline of 0, "
            "so a % target cannot be scored; restate it in points or as a level.",
        )
    measured = replace(measured, movement=moved)

    # The model keeps amounts as magnitudes; the sign of a stray negative amount
    # is for lint to flag, not for the measurement to flip.
    assert target.amount is not None
    amount = abs(target.amount)
    if direction is Direction.HOLD:
        return _judge_hold(context, measured, moved, amount, unit)

    attainment = progress.change_attainment(moved, direction, amount)
    if attainment is None:
        return replace(
            measured,
            explanation=f"The {context.label} target amount is 0, so attainment "
            "cannot be computed.",
        )
    measured = replace(measured, attainment=attainment)
    margin = _noise_margin(context, baseline, current)
    noisy = _in_noise(baseline, current, margin)
    verdict = _verdict(context, attainment, measured.expected_attainment, noisy)
    if verdict is Verdict.BEHIND and measured.expected_attainment is not None:
        path = _path_value(
            baseline.value, measured.expected_attainment, direction, amount, unit
        )
        verdict = _behind_beyond_noise(path, current, margin)

    currency = target.currency
    gap = amount - (moved if direction is Direction.INCREASE else -moved)
    parts = [
        f"{context.label} {words.change(moved, unit, currency)} against "
        f"{words.target_change(direction, amount, unit, currency)} target "
        f"({_gap(gap, unit, currency)})",
    ]
    return _finish(context, measured, verdict, parts, margin)


def _judge_hold(
    context: Context,
    measured: Evaluation,
    moved: Decimal,
    band: Decimal,
    unit: Unit | None,
) -> Evaluation:
    """Judge a hold target: achieved while the movement stays inside the band."""
    currency = context.target.currency
    outside = abs(moved) - band
    text = (
        f"{context.label} {words.change(moved, unit, currency)} from baseline, "
        f"{'inside' if outside <= 0 else 'outside'} the ±"
        f"{words.magnitude(band, unit, currency)} band"
    )
    if outside <= 0:
        verdict = Verdict.ACHIEVED
    else:
        verdict = Verdict.MISSED if context.is_final else Verdict.BEHIND
        text += f" by {words.magnitude(outside, unit, currency)}"
    return replace(measured, verdict=verdict, explanation=text + ".")


def judge_level(
    context: Context,
    measured: Evaluation,
    baseline: Reading | None,
    current: Reading,
) -> Evaluation:
    """Judge a level target ("GRR 94%+"): compare the current value with the level."""
    target = context.target
    assert target.level is not None
    native = context.native_unit
    start = baseline.value if baseline else None
    bound = target.level_bound or _bound_for(context.kpi, start, target.level)
    if baseline is not None:
        measured = replace(
            measured,
            unit=native,
            movement=current.value - baseline.value,
            attainment=progress.level_attainment(
                baseline.value, current.value, target.level
            ),
        )

    currency = target.currency
    margin: Decimal | None = None
    met = progress.level_met(current.value, target.level, bound)
    gap_unit = Unit.PP if native is Unit.PP else native
    gap = abs(target.level - current.value)
    sentence = (
        f"{context.label} {words.level(current.value, native, currency)} against "
        f"{words.target_level(target.level, bound, native, currency)}"
    )
    sentence += (
        " (level met)"
        if met
        else f" ({words.magnitude(gap, gap_unit, currency)} short)"
    )

    if met and (context.is_final or measured.attainment is None):
        verdict = Verdict.ACHIEVED
    elif context.is_final:
        verdict = Verdict.MISSED
    elif measured.attainment is None:
        return replace(
            measured,
            verdict=Verdict.INCONCLUSIVE,
            explanation=sentence + ", with no baseline to measure progress from.",
        )
    else:
        margin = _noise_margin(context, baseline, current) if baseline else None
        noisy = baseline is not None and _in_noise(baseline, current, margin)
        verdict = _verdict(
            context, measured.attainment, measured.expected_attainment, noisy
        )
        if met:
            verdict = Verdict.INCONCLUSIVE if noisy else Verdict.ACHIEVED
        expected = measured.expected_attainment
        if verdict is Verdict.BEHIND and baseline is not None and expected:
            path = baseline.value + expected * (target.level - baseline.value)
            verdict = _behind_beyond_noise(path, current, margin)
    parts = [sentence]
    if baseline is not None and measured.attainment is not None:
        parts.append(
            f"{words.share(measured.attainment)} of the way from "
            f"{words.level(baseline.value, native, currency)}"
        )
    return _finish(context, measured, verdict, parts, margin, way_done=True)


def _verdict(
    context: Context,
    attainment: Decimal,
    expected: Decimal | None,
    noisy: bool,
) -> Verdict:
    """Turn attainment into a verdict, given the time path and the noise.

    An open initiative whose movement is inside the noise is inconclusive even
    when the point estimate reaches the target, since the next reading could
    undo it. At the end, the point estimate decides.
    """
    if context.is_final:
        return Verdict.ACHIEVED if attainment >= 1 else Verdict.MISSED
    if attainment >= 1:
        return Verdict.INCONCLUSIVE if noisy else Verdict.ACHIEVED
    if expected is None:
        return Verdict.INCONCLUSIVE
    if noisy:
        return Verdict.INCONCLUSIVE
    return Verdict.ON_TRACK if attainment >= expected else Verdict.BEHIND


def _path_value(
    start: Decimal,
    expected: Decimal,
    direction: Direction,
    amount: Decimal,
    unit: Unit | None,
) -> Decimal:
    """Return the KPI value on the straight path to the target at `expected`."""
    step = expected * amount * (-1 if direction is Direction.DECREASE else 1)
    if unit is Unit.PERCENT:
        return start * (1 + step / 100)
    return start + step


def _behind_beyond_noise(
    path: Decimal, current: Reading, margin: Decimal | None
) -> Verdict:
    """Return behind only when the shortfall from the path exceeds the noise.

    A value short of the path by less than the noise margin is
    indistinguishable from one on the path, so it reads on track. The
    explanation then names the shortfall and places it inside the noise.
    """
    if margin is not None and abs(path - current.value) <= margin:
        return Verdict.ON_TRACK
    return Verdict.BEHIND


def _finish(
    context: Context,
    measured: Evaluation,
    verdict: Verdict,
    parts: list[str],
    margin: Decimal | None,
    *,
    way_done: bool = False,
) -> Evaluation:
    """Add the progress and time clauses to the sentence and set the verdict."""
    attainment, expected = measured.attainment, measured.expected_attainment
    if attainment is not None and not way_done:
        parts.append(f"{words.share(attainment)} of the way")
    if verdict is Verdict.INCONCLUSIVE and expected is None:
        parts.append("with no deadline after launch to set the expected pace")
    elif verdict is Verdict.INCONCLUSIVE and margin is not None:
        sample = f" (n={measured.n})" if measured.n is not None else ""
        parts.append(f"inside the noise of ±{_noise(context, margin)}{sample}")
    elif context.is_final:
        parts.append(_final_reading(measured.current_on, context.measured_until))
    elif expected is not None and verdict is not Verdict.ACHIEVED:
        parts[-1] += f" at {words.share(expected)} of the time"
        behind_pace = attainment is not None and attainment < expected
        if verdict is Verdict.ON_TRACK and behind_pace:
            parts[-1] += ", a shortfall from the expected pace inside the noise"
    if margin is not None and verdict in (Verdict.ON_TRACK, Verdict.BEHIND):
        # The smallest change the data can tell from noise, for the reader
        # to weigh the movement against.
        sample = f"with n={measured.n} " if measured.n is not None else ""
        parts.append(f"{sample}the data can detect about {_noise(context, margin)}")
    return replace(
        measured, verdict=verdict, margin=margin, explanation=", ".join(parts) + "."
    )


def _gap(gap: Decimal, unit: Unit | None, currency: str | None) -> str:
    if gap > 0:
        return f"{words.magnitude(gap, unit, currency)} short"
    if gap < 0:
        return f"{words.magnitude(gap, unit, currency)} beyond"
    return "target met"


def _noise(context: Context, margin: Decimal) -> str:
    """Write a noise margin in the KPI's unit: points of a score, else pp."""
    native = context.kpi.native_unit if context.kpi is not None else None
    return words.magnitude(margin, Unit.PTS if native is Unit.PTS else Unit.PP)


def _noise_margin(
    context: Context, baseline: Reading, current: Reading
) -> Decimal | None:
    """Estimate the 95 % noise margin of the change from baseline to current value.

    Values with an interval (a bootstrap over customers, an NPS margin) give
    the margin of the difference, sqrt(h1^2 + h2^2) with h the half-widths,
    taking the two as independent. Without intervals, a KPI that is a share of
    customers or responses gets the margin of a difference of two proportions
    from the n of each value. Revenue-weighted rates without intervals get
    none, because their noise needs the customers' revenue.
    """
    current_half = current.half_width
    if current_half is not None:
        # NOTE: a stated baseline has the interval of the series value of its
        # date, when there is one. Otherwise the current value's is used for
        # both, and the margin is an estimate for comparable data.
        baseline_half = baseline.half_width
        if baseline_half is None:
            baseline_half = current_half
        return (current_half**2 + baseline_half**2).sqrt()
    kpi = context.kpi
    if kpi is None or kpi.native_unit is not Unit.PP:
        return None
    basis = kpi.raw.get("metricBasis")
    if isinstance(basis, dict) and basis.get("moneyBasis"):
        return None
    # NOTE: a stated baseline carries no sample size, so the current value's is
    # used for both; the margin is then an estimate for comparable samples.
    baseline_n = baseline.n if baseline.n is not None else current.n
    return progress.rate_noise_margin(
        baseline.value, current.value, baseline_n, current.n
    )


def _in_noise(baseline: Reading, current: Reading, margin: Decimal | None) -> bool:
    """Return True when the change of the rate is within the noise margin.

    The margin is in points of the rate, so the raw difference of the values is
    compared even when the target is stated as a relative change.
    """
    return margin is not None and abs(current.value - baseline.value) <= margin


def _direction_from_polarity(kpi: Kpi | None) -> Direction | None:
    if kpi is None or kpi.higher_is_better is None:
        return None
    return Direction.INCREASE if kpi.higher_is_better else Direction.DECREASE


def _bound_for(kpi: Kpi | None, baseline: Decimal | None, level: Decimal) -> LevelBound:
    """Infer a missing level bound from the polarity, else from the baseline."""
    if kpi is not None and kpi.higher_is_better is not None:
        return LevelBound.AT_LEAST if kpi.higher_is_better else LevelBound.AT_MOST
    if baseline is not None and baseline > level:
        return LevelBound.AT_MOST
    return LevelBound.AT_LEAST


def _final_reading(current_on: dt.date | None, deadline: dt.date) -> str:
    """Say which value a final verdict rests on, when it predates the deadline."""
    if current_on is None or current_on == deadline:
        return f"measured at {deadline.isoformat()}"
    return (
        f"last value {current_on.isoformat()}, for the deadline {deadline.isoformat()}"
    )
