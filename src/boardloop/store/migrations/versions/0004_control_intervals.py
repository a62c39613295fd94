"""Add control intervals: bootstrap intervals of difference-in-differences estimates.

Each row is the 95 % interval of one estimate: the change of a KPI in a treated
segment between two period ends, minus the change in a control segment over
the same period ends, from customers resampled in both segments together.
`kpis compute` replaces a company's rows on every run, as it does its values.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the control_intervals table."""
    op.create_table(
        "control_intervals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(), nullable=False),
        sa.Column("segment", sa.String(), nullable=False),
        sa.Column("control", sa.String(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=True),
        sa.Column("before_end", sa.Date(), nullable=False),
        sa.Column("after_end", sa.Date(), nullable=False),
        sa.Column("low", sa.String(), nullable=False),
        sa.Column("high", sa.String(), nullable=False),
        sa.Column("n_treated", sa.Integer(), nullable=False),
        sa.Column("n_control", sa.Integer(), nullable=False),
        sa.Column("resamples", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"],
            ["companies.id"],
            name="fk_control_intervals_company_id_companies",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_control_intervals"),
    )
    op.create_index(
        "ix_control_intervals_company_id", "control_intervals", ["company_id"]
    )


def downgrade() -> None:
    """Drop the control_intervals table and every interval in it."""
    op.drop_index("ix_control_intervals_company_id", table_name="control_intervals")
    op.drop_table("control_intervals")
