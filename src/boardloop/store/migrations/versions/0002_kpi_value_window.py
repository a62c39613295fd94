"""Add the measurement window to KPI values and to their key.

The key (company, KPI, segment, window, period end) is a unique index over
COALESCE(window_days, 0), not a unique constraint. SQLite and PostgreSQL treat
NULLs as distinct in a unique constraint, so two values without a window would
not collide (PostgreSQL 15 can opt out with NULLS NOT DISTINCT, SQLite cannot).
A check constraint keeps windows at 1 day or more, so 0 means "no window" only.
Existing values keep a NULL window.

Revision ID: 0002
Revises: 0001
Create Date: 2026-03-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

OLD_KEY = "uq_kpi_values_company_id_kpi_id_segment_period_end"
NEW_KEY = "uq_kpi_values_company_id_kpi_id_segment_window_days_period_end"
WINDOW_CHECK = "ck_kpi_values_window_days_positive"


def upgrade() -> None:
    """Add `window_days`, and key KPI values by their window too."""
    # Batch mode copies the table on SQLite, which cannot drop a constraint in
    # place; PostgreSQL gets plain ALTER TABLE statements.
    with op.batch_alter_table("kpi_values") as batch:
        batch.add_column(sa.Column("window_days", sa.Integer(), nullable=True))
        batch.drop_constraint(OLD_KEY, type_="unique")
        batch.create_check_constraint(WINDOW_CHECK, "window_days > 0")
    op.create_index(
        NEW_KEY,
        "kpi_values",
        [
            "company_id",
            "kpi_id",
            "segment",
            sa.text("coalesce(window_days, 0)"),
            "period_end",
        ],
        unique=True,
    )


def downgrade() -> None:
    """Drop the window, after checking that no stored value states one.

    A value with a window has no place in the first schema, and dropping only
    its window would turn a 90-day GRR into a GRR of no stated window.
    """
    windowed = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM kpi_values WHERE window_days IS NOT NULL")
    )
    if windowed:
        raise RuntimeError(
            f"cannot downgrade below revision 0002: {windowed} KPI values state a "
            "window; delete them first"
        )
    op.drop_index(NEW_KEY, table_name="kpi_values")
    with op.batch_alter_table("kpi_values") as batch:
        batch.drop_constraint(WINDOW_CHECK, type_="check")
        batch.drop_column("window_days")
        batch.create_unique_constraint(
            OLD_KEY, ["company_id", "kpi_id", "segment", "period_end"]
        )
