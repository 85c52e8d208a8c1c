"""Indexes for a person's open cases by deadline: the home page's "your cases" reads the first few from
the owner's and the investigator's index in deadline order, however many cases the person holds

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-01 10:40:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # Each serves the lookups by owner (or investigator) alone as well, so it replaces the single index
    op.create_index("ix_cases_owner_deadline", "cases", ["owner_id", "next_deadline_at"])
    op.drop_index("ix_cases_owner_id", table_name="cases")
    op.create_index("ix_cases_investigator_deadline", "cases", ["investigator_id", "next_deadline_at"])
    op.drop_index("ix_cases_investigator_id", table_name="cases")


def downgrade():
    op.create_index("ix_cases_investigator_id", "cases", ["investigator_id"])
    op.drop_index("ix_cases_investigator_deadline", table_name="cases")
    op.create_index("ix_cases_owner_id", "cases", ["owner_id"])
    op.drop_index("ix_cases_owner_deadline", table_name="cases")
