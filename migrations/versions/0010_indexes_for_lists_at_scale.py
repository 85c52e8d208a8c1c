"""Indexes for 100,000 cases: a person's cases as a subject, a person's notifications, the summary's closed and overdue cases

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-01 03:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    # Who is a subject of which cases: the visibility filter finds a person's cases from here
    op.create_index("ix_case_subjects_user_id", "case_subjects", ["user_id"])
    # A person's unread count (on every page) and their newest notifications
    op.create_index("ix_notifications_user_unread", "notifications", ["user_id", "read_at"])
    op.create_index("ix_notifications_user_newest", "notifications", ["user_id", "created_at"])
    # The summary: cases closed in a period, and open cases past their next deadline
    op.create_index("ix_cases_closed_at", "cases", ["closed_at"])
    op.create_index("ix_cases_overdue", "cases", ["next_deadline_at", "stage", "next_deadline_label"])


def downgrade():
    op.drop_index("ix_cases_overdue", table_name="cases")
    op.drop_index("ix_cases_closed_at", table_name="cases")
    op.drop_index("ix_notifications_user_newest", table_name="notifications")
    op.drop_index("ix_notifications_user_unread", table_name="notifications")
    op.drop_index("ix_case_subjects_user_id", table_name="case_subjects")
