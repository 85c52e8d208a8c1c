"""The index the HR summary walks a period's outcomes by also holds the outcome's subject: the category x
sanction table tells outcomes for one person from outcomes for everyone without reading each outcome's row

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 18:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

COLUMNS = ["case_id", "superseded_at", "sanction", "finding", "decided_at"]


def upgrade():
    op.drop_index("ix_outcomes_summary", table_name="outcomes")
    op.create_index("ix_outcomes_summary", "outcomes", [*COLUMNS, "subject_id"])


def downgrade():
    op.drop_index("ix_outcomes_summary", table_name="outcomes")
    op.create_index("ix_outcomes_summary", "outcomes", COLUMNS)
