"""Indexes for a person's open cases by deadline (the home page's "your cases" reads the first few from
the owner's and the investigator's index in deadline order, however many cases the person holds), and the
summary's standing outcomes and routed reports read from an index alone

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
    # Whether an outcome still stands (not superseded) is in the summary's index too
    op.drop_index("ix_outcomes_summary", table_name="outcomes")
    op.create_index(
        "ix_outcomes_summary", "outcomes", ["case_id", "superseded_at", "sanction", "finding", "decided_at"]
    )
    # A period's routed reports, from the few routed ones rather than from every case of the period
    op.create_index("ix_cases_route_created", "cases", ["route", "created_at"])
    op.drop_index("ix_cases_route", table_name="cases")


def downgrade():
    op.create_index("ix_cases_route", "cases", ["route"])
    op.drop_index("ix_cases_route_created", table_name="cases")
    op.drop_index("ix_outcomes_summary", table_name="outcomes")
    op.create_index("ix_outcomes_summary", "outcomes", ["case_id", "sanction", "finding", "decided_at"])
    op.create_index("ix_cases_investigator_id", "cases", ["investigator_id"])
    op.drop_index("ix_cases_investigator_deadline", table_name="cases")
    op.create_index("ix_cases_owner_id", "cases", ["owner_id"])
    op.drop_index("ix_cases_owner_deadline", table_name="cases")
