"""Cases by stage in the order they were reported: the home page's new reports waiting for an owner read
the first few a person may see in that order, rather than every case at that stage, sorted

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 17:10:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # It serves the lookups by stage alone as well, so it replaces the single index
    op.create_index("ix_cases_stage_created", "cases", ["stage", "created_at"])
    op.drop_index("ix_cases_stage", table_name="cases")


def downgrade():
    op.create_index("ix_cases_stage", "cases", ["stage"])
    op.drop_index("ix_cases_stage_created", table_name="cases")
