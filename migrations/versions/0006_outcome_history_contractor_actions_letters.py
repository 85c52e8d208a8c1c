"""Outcomes kept when a case is decided again, contractor actions as a list, letters drafted then
issued, who was interviewed, and the ICO and police decisions on the case

Revision ID: 0006
Revises: 0010
Create Date: 2026-12-01 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contractor_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_contractor_actions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_contractor_actions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_actions")),
    )
    with op.batch_alter_table("contractor_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contractor_actions_case_id"), ["case_id"], unique=False)

    op.create_table(
        "letters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=True),
        sa.Column("meeting_time", sa.String(length=20), nullable=True),
        sa.Column("meeting_place", sa.String(length=200), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("issued_at", sa.DateTime(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_letters_case_id_cases")),
        sa.ForeignKeyConstraint(["drafted_by_id"], ["users.id"], name=op.f("fk_letters_drafted_by_id_users")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_letters_issued_by_id_users")),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name=op.f("fk_letters_recipient_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letters")),
    )
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letters_case_id"), ["case_id"], unique=False)

    # Dismissal is offered with notice or summarily; every dismissal so far was summary (gross misconduct)
    op.execute("UPDATE outcomes SET sanction = 'summary_dismissal' WHERE sanction = 'dismissal'")

    # Each contractor action recorded so far becomes the first of its case's list
    op.execute(
        "INSERT INTO contractor_actions (case_id, text, recorded_by_id, recorded_at) "
        "SELECT case_id, contractor_action, contractor_action_by_id, contractor_action_at FROM outcomes "
        "WHERE contractor_action IS NOT NULL AND contractor_action_by_id IS NOT NULL "
        "AND contractor_action_at IS NOT NULL"
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_constraint("uq_outcomes_case_id", type_="unique")
        batch_op.drop_constraint("fk_outcomes_contractor_action_by_id_users", type_="foreignkey")
        batch_op.drop_column("contractor_action")
        batch_op.drop_column("contractor_action_by_id")
        batch_op.drop_column("contractor_action_at")
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("superseded_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outcomes_superseded_by_id_users"), "users", ["superseded_by_id"], ["id"]
        )

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("interviewee_name", sa.String(length=200), nullable=True))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ico_decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ico_reference", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("police_decision", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("police_decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("police_decision_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("police_decision_reason")
        batch_op.drop_column("police_decided_at")
        batch_op.drop_column("police_decision")
        batch_op.drop_column("ico_reference")
        batch_op.drop_column("ico_decision_reason")

    with op.batch_alter_table("notes", schema=None) as batch_op:
        batch_op.drop_column("interviewee_name")

    op.execute(
        "UPDATE outcomes SET sanction = 'dismissal' WHERE sanction IN ('summary_dismissal', 'dismissal_with_notice')"
    )
    # Only the outcome that stands can go back into a one-outcome-per-case table
    op.execute("DELETE FROM outcomes WHERE superseded_at IS NOT NULL")
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outcomes_superseded_by_id_users"), type_="foreignkey")
        batch_op.drop_column("superseded_reason")
        batch_op.drop_column("superseded_by_id")
        batch_op.drop_column("superseded_at")
        batch_op.add_column(sa.Column("contractor_action", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("contractor_action_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contractor_action_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            "fk_outcomes_contractor_action_by_id_users", "users", ["contractor_action_by_id"], ["id"]
        )
        batch_op.create_unique_constraint("uq_outcomes_case_id", ["case_id"])
    # The latest contractor action of each case goes back on its outcome
    op.execute(
        "UPDATE outcomes SET "
        "contractor_action = (SELECT a.text FROM contractor_actions a WHERE a.case_id = outcomes.case_id "
        "ORDER BY a.id DESC LIMIT 1), "
        "contractor_action_by_id = (SELECT a.recorded_by_id FROM contractor_actions a "
        "WHERE a.case_id = outcomes.case_id ORDER BY a.id DESC LIMIT 1), "
        "contractor_action_at = (SELECT a.recorded_at FROM contractor_actions a "
        "WHERE a.case_id = outcomes.case_id ORDER BY a.id DESC LIMIT 1)"
    )

    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letters_case_id"))
    op.drop_table("letters")
    with op.batch_alter_table("contractor_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_actions_case_id"))
    op.drop_table("contractor_actions")
