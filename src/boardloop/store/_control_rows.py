"""Rows of the control_intervals table, to and from `ControlInterval`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from boardloop.domain.model import ControlInterval
from boardloop.store._schema import ControlIntervalRow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["load_control_rows", "replace_control_rows"]


def replace_control_rows(
    session: Session, company_id: int, intervals: Sequence[ControlInterval]
) -> None:
    """Replace every stored control interval of the company with `intervals`."""
    session.execute(
        delete(ControlIntervalRow).where(ControlIntervalRow.company_id == company_id)
    )
    session.add_all(
        ControlIntervalRow(
            company_id=company_id,
            kpi_id=item.kpi_id,
            segment=item.segment,
            control=item.control,
            window_days=item.window_days,
            before_end=item.before_end,
            after_end=item.after_end,
            low=str(item.low),
            high=str(item.high),
            n_treated=item.n_treated,
            n_control=item.n_control,
            resamples=item.resamples,
        )
        for item in intervals
    )


def load_control_rows(session: Session, company_id: int) -> list[ControlInterval]:
    """Return the company's control intervals in a stable order."""
    rows = session.scalars(
        select(ControlIntervalRow)
        .where(ControlIntervalRow.company_id == company_id)
        .order_by(ControlIntervalRow.id)
    )
    return [
        ControlInterval(
            kpi_id=row.kpi_id,
            segment=row.segment,
            control=row.control,
            window_days=row.window_days,
            before_end=row.before_end,
            after_end=row.after_end,
            low=Decimal(row.low),
            high=Decimal(row.high),
            n_treated=row.n_treated,
            n_control=row.n_control,
            resamples=row.resamples,
        )
        for row in rows
    ]
