"""Online research log, RIPA authorisations, the monitoring question, and web pages captured as evidence

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 02:36:40.141246

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ripa_authorisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("profile", sa.String(length=500), nullable=False),
        sa.Column("profile_key", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("application", sa.Text(), nullable=False),
        sa.Column("necessity", sa.Text(), nullable=False),
        sa.Column("proportionality", sa.Text(), nullable=False),
        sa.Column("applied_by_id", sa.Integer(), nullable=False),
        sa.Column("applied_at", sa.DateTime(), nullable=False),
        sa.Column("decision_due_on", sa.Date(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("next_review_on", sa.Date(), nullable=True),
        sa.Column("cancelled_by_id", sa.Integer(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applied_by_id"], ["users.id"], name=op.f("fk_ripa_authorisations_applied_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["users.id"], name=op.f("fk_ripa_authorisations_cancelled_by_id_users")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_ripa_authorisations_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_ripa_authorisations_decided_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ripa_authorisations")),
    )
    with op.batch_alter_table("ripa_authorisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ripa_authorisations_applied_by_id"), ["applied_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ripa_authorisations_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_ripa_authorisations_profile", ["platform", "profile_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_ripa_authorisations_status"), ["status"], unique=False)

    op.create_table(
        "monitoring_authorisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorisation_id"],
            ["ripa_authorisations.id"],
            name=op.f("fk_monitoring_authorisations_authorisation_id_ripa_authorisations"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_monitoring_authorisations_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_monitoring_authorisations_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_authorisations")),
        sa.UniqueConstraint("case_id", name=op.f("uq_monitoring_authorisations_case_id")),
    )
    op.create_table(
        "online_research",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("profile", sa.String(length=500), nullable=False),
        sa.Column("profile_key", sa.String(length=500), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("looked_at", sa.Text(), nullable=False),
        sa.Column("viewed_at", sa.DateTime(), nullable=False),
        sa.Column("researcher_id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=True),
        sa.Column("views_in_window", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorisation_id"],
            ["ripa_authorisations.id"],
            name=op.f("fk_online_research_authorisation_id_ripa_authorisations"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_online_research_case_id_cases")),
        sa.ForeignKeyConstraint(["researcher_id"], ["users.id"], name=op.f("fk_online_research_researcher_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_research")),
    )
    with op.batch_alter_table("online_research", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_online_research_authorisation_id"), ["authorisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_online_research_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_online_research_profile", ["platform", "profile_key", "viewed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_online_research_researcher_id"), ["researcher_id"], unique=False)

    op.create_table(
        "ripa_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorisation_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("next_review_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorisation_id"],
            ["ripa_authorisations.id"],
            name=op.f("fk_ripa_reviews_authorisation_id_ripa_authorisations"),
        ),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"], name=op.f("fk_ripa_reviews_reviewed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ripa_reviews")),
    )
    with op.batch_alter_table("ripa_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ripa_reviews_authorisation_id"), ["authorisation_id"], unique=False)

    op.create_table(
        "web_captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("progress", sa.String(length=200), nullable=True),
        sa.Column("failure", sa.Text(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("final_url", sa.String(length=2000), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("screenshot_id", sa.Integer(), nullable=True),
        sa.Column("pdf_id", sa.Integer(), nullable=True),
        sa.Column("html_id", sa.Integer(), nullable=True),
        sa.Column("warc_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_web_captures_case_id_cases")),
        sa.ForeignKeyConstraint(["html_id"], ["evidence.id"], name=op.f("fk_web_captures_html_id_evidence")),
        sa.ForeignKeyConstraint(["pdf_id"], ["evidence.id"], name=op.f("fk_web_captures_pdf_id_evidence")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"], name=op.f("fk_web_captures_requested_by_id_users")),
        sa.ForeignKeyConstraint(
            ["screenshot_id"], ["evidence.id"], name=op.f("fk_web_captures_screenshot_id_evidence")
        ),
        sa.ForeignKeyConstraint(["warc_id"], ["evidence.id"], name=op.f("fk_web_captures_warc_id_evidence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_captures")),
    )
    with op.batch_alter_table("web_captures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_captures_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_web_captures_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("web_captures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_captures_status"))
        batch_op.drop_index(batch_op.f("ix_web_captures_case_id"))

    op.drop_table("web_captures")
    with op.batch_alter_table("ripa_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ripa_reviews_authorisation_id"))

    op.drop_table("ripa_reviews")
    with op.batch_alter_table("online_research", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_online_research_researcher_id"))
        batch_op.drop_index("ix_online_research_profile")
        batch_op.drop_index(batch_op.f("ix_online_research_case_id"))
        batch_op.drop_index(batch_op.f("ix_online_research_authorisation_id"))

    op.drop_table("online_research")
    op.drop_table("monitoring_authorisations")
    with op.batch_alter_table("ripa_authorisations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ripa_authorisations_status"))
        batch_op.drop_index("ix_ripa_authorisations_profile")
        batch_op.drop_index(batch_op.f("ix_ripa_authorisations_case_id"))
        batch_op.drop_index(batch_op.f("ix_ripa_authorisations_applied_by_id"))

    op.drop_table("ripa_authorisations")
