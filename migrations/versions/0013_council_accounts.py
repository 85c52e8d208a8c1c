"""Council accounts from proposal to removal: the project brief, the Communications team's decision,
the trial review, use, closure (and the case that closed it), training records, cases about an account

Accounts already live (trial, active, disabled, or removed after going live) were approved before: they
are recorded as approved, so none is flagged as running without approval. Each person's latest training
date on their publishing rights becomes a training record, due a refresher 12 months later.

Revision ID: 0013
Revises: 0006
Create Date: 2026-12-01 06:00:00

"""

import calendar
from datetime import date

import sqlalchemy as sa
from alembic import op

TRAINING_VALID_MONTHS = 12  # the default of TRAINING_VALID_MONTHS when this revision was written


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "social_media_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("refresher_due_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_social_media_trainings_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_social_media_trainings_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_media_trainings")),
        sa.UniqueConstraint("user_id", "trained_on", name=op.f("uq_social_media_trainings_user_id_trained_on")),
    )
    with op.batch_alter_table("social_media_trainings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_social_media_trainings_refresher_due_on"), ["refresher_due_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_social_media_trainings_user_id"), ["user_id"], unique=False)

    op.create_table(
        "social_account_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["social_accounts.id"], name=op.f("fk_social_account_cases_account_id_social_accounts")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_social_account_cases_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["linked_by_id"], ["users.id"], name=op.f("fk_social_account_cases_linked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_account_cases")),
        sa.UniqueConstraint("account_id", "case_id", name=op.f("uq_social_account_cases_account_id_case_id")),
    )
    with op.batch_alter_table("social_account_cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_social_account_cases_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_social_account_cases_case_id"), ["case_id"], unique=False)

    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("audience", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("run_by", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("moderation", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("resourcing", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("proposed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decision", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_used_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("trial_reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("trial_reviewed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("trial_review_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("closure_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("closed_because_case_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_social_accounts_closed_by_id_users"), "users", ["closed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_social_accounts_closed_because_case_id_cases"), "cases", ["closed_because_case_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_social_accounts_trial_reviewed_by_id_users"), "users", ["trial_reviewed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_social_accounts_proposed_by_id_users"), "users", ["proposed_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_social_accounts_decided_by_id_users"), "users", ["decided_by_id"], ["id"]
        )

    op.execute(
        "UPDATE social_accounts SET decision = 'approved', decided_at = created_at, decided_by_id = approved_by_id "
        "WHERE status IN ('trial', 'active', 'disabled') OR went_live_on IS NOT NULL"
    )
    connection = op.get_bind()
    latest = connection.execute(
        sa.text("SELECT user_id, MAX(trained_on) FROM publishing_rights GROUP BY user_id ORDER BY user_id")
    ).all()
    for user_id, trained_on in latest:
        if isinstance(trained_on, str):
            trained_on = date.fromisoformat(trained_on[:10])
        connection.execute(
            sa.text(
                "INSERT INTO social_media_trainings (user_id, trained_on, refresher_due_on, note, recorded_at) "
                "VALUES (:user_id, :trained_on, :due, :note, CURRENT_TIMESTAMP)"
            ),
            {
                "user_id": user_id,
                "trained_on": trained_on,
                "due": _add_months(trained_on, TRAINING_VALID_MONTHS),
                "note": "From the training date of a right to publish",
            },
        )


def downgrade():
    with op.batch_alter_table("social_accounts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_social_accounts_decided_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_social_accounts_proposed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_social_accounts_trial_reviewed_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_social_accounts_closed_because_case_id_cases"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_social_accounts_closed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("closed_because_case_id")
        batch_op.drop_column("closure_reason")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("trial_review_note")
        batch_op.drop_column("trial_reviewed_at")
        batch_op.drop_column("trial_reviewed_by_id")
        batch_op.drop_column("last_used_on")
        batch_op.drop_column("decision_reason")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("decision")
        batch_op.drop_column("proposed_by_id")
        batch_op.drop_column("resourcing")
        batch_op.drop_column("moderation")
        batch_op.drop_column("run_by")
        batch_op.drop_column("audience")
        batch_op.drop_column("purpose")

    with op.batch_alter_table("social_account_cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_account_cases_case_id"))
        batch_op.drop_index(batch_op.f("ix_social_account_cases_account_id"))

    op.drop_table("social_account_cases")
    with op.batch_alter_table("social_media_trainings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_social_media_trainings_user_id"))
        batch_op.drop_index(batch_op.f("ix_social_media_trainings_refresher_due_on"))

    op.drop_table("social_media_trainings")
