"""Add the 95 % interval and the definition text to KPI values.

`low` and `high` are the bounds of the interval as Decimal text, like `value`,
and `definition` says how the value was measured. A check constraint keeps the
two bounds NULL together. Existing values get neither an interval nor a
definition.

SQLite cannot reflect an index over an expression, so the table copy of batch
mode would silently leave out the key index that revision 0002 created over
COALESCE(window_days, 0). Both directions drop that index first and create it
again afterwards.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

KEY = "uq_kpi_values_company_id_kpi_id_segment_window_days_period_end"
INTERVAL_CHECK = "ck_kpi_values_interval_both_or_neither"


def upgrade() -> None:
    """Add `low`, `high` and `definition`, and check that the bounds pair up."""
    op.drop_index(KEY, table_name="kpi_values")
    # Batch mode copies the table on SQLite, which cannot add a constraint to an
    # existing table; PostgreSQL gets plain ALTER TABLE statements.
    with op.batch_alter_table("kpi_values") as batch:
        batch.add_column(sa.Column("low", sa.String(), nullable=True))
        batch.add_column(sa.Column("high", sa.String(), nullable=True))
        batch.add_column(sa.Column("definition", sa.Text(), nullable=True))
        batch.create_check_constraint(INTERVAL_CHECK, "(low IS NULL) = (high IS NULL)")
    create_key_index()


def downgrade() -> None:
    """Drop the interval and the definition of every KPI value.

    The values themselves keep their meaning, so the downgrade does not stop
    when some have an interval or a definition, but those are lost.
    """
    op.drop_index(KEY, table_name="kpi_values")
    with op.batch_alter_table("kpi_values") as batch:
        batch.drop_constraint(INTERVAL_CHECK, type_="check")
        batch.drop_column("definition")
        batch.drop_column("high")
        batch.drop_column("low")
    create_key_index()


def create_key_index() -> None:
    """Create the key index of kpi_values as revision 0002 does."""
    op.create_index(
        KEY,
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
