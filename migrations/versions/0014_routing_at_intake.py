"""Scope and routing at intake (Acceptable Use of Social Media Policy 2 and 3): a report about a councillor,
school-based staff or a whistleblowing concern records where it went, why, and its hand-off

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-01 06:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


# Columns are added and dropped in place, not by copying the table (batch mode): on SQLite a copy of `cases`
# would lose the triggers that keep the case search (0012) in step
COLUMNS = (
    sa.Column("scope", sa.String(length=20), nullable=True),
    sa.Column("whistleblowing", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("children_at_risk", sa.Boolean(), nullable=True),
    sa.Column("named_person", sa.String(length=200), nullable=True),
    sa.Column("school_name", sa.String(length=200), nullable=True),
    sa.Column("route", sa.String(length=30), nullable=True),
    sa.Column("route_reason", sa.Text(), nullable=True),
    sa.Column("routed_at", sa.DateTime(), nullable=True),
    sa.Column("handed_off_at", sa.DateTime(), nullable=True),
    sa.Column("handoff_note", sa.Text(), nullable=True),
    sa.Column("handoff_reference", sa.String(length=100), nullable=True),
)


def upgrade():
    for column in COLUMNS:
        op.add_column("cases", column)
    op.create_index(op.f("ix_cases_route"), "cases", ["route"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_cases_route"), table_name="cases")
    for column in reversed(COLUMNS):
        op.drop_column("cases", column.name)
