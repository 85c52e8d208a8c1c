"""The fair disciplinary process: allegations, the investigation report, HR's advice, hearings,
outcomes per person, appeals, declared conflicts and overrides of separation of duties; when the
council became aware of a case and the decision on removing the content

Every existing case keeps its outcomes. A case gets one allegation per person and category, in
the words of the report; an outcome of a case about one person becomes that person's outcome (an
outcome of a case about several people stays everyone's); the council became aware of a case when
it was reported.

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-01 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


# On SQLite a batch change of `cases` copies the table into a new one, which drops the triggers that keep the
# case search index (migration 0012) in step: they are made again, and the index rebuilt, after each one
CASE_SEARCH_TRIGGERS = [
    """CREATE TRIGGER case_text_search_insert AFTER INSERT ON cases BEGIN
        INSERT INTO case_text_search(rowid, description, complainant_name)
        VALUES (new.id, new.description, new.complainant_name);
    END""",
    """CREATE TRIGGER case_text_search_delete AFTER DELETE ON cases BEGIN
        INSERT INTO case_text_search(case_text_search, rowid, description, complainant_name)
        VALUES ('delete', old.id, old.description, old.complainant_name);
    END""",
    """CREATE TRIGGER case_text_search_update AFTER UPDATE OF description, complainant_name ON cases BEGIN
        INSERT INTO case_text_search(case_text_search, rowid, description, complainant_name)
        VALUES ('delete', old.id, old.description, old.complainant_name);
        INSERT INTO case_text_search(rowid, description, complainant_name)
        VALUES (new.id, new.description, new.complainant_name);
    END""",
]


def _restore_case_search() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    if not bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'case_text_search'").first():
        return
    for name in ("insert", "delete", "update"):
        bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS case_text_search_{name}")
    for statement in CASE_SEARCH_TRIGGERS:
        bind.exec_driver_sql(statement)
    bind.exec_driver_sql("INSERT INTO case_text_search(case_text_search) VALUES ('rebuild')")


def _fk(table, column, target="users"):
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def upgrade():
    op.create_table(
        "allegations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("finding", sa.String(length=30), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("removed_reason", sa.Text(), nullable=True),
        _fk("allegations", "case_id", "cases"),
        _fk("allegations", "subject_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allegations")),
    )
    op.create_table(
        "investigation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("recommendation", sa.String(length=30), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        _fk("investigation_reports", "case_id", "cases"),
        _fk("investigation_reports", "submitted_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_reports")),
    )
    op.create_table(
        "hr_advice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("given_by_id", sa.Integer(), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        _fk("hr_advice", "case_id", "cases"),
        _fk("hr_advice", "given_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hr_advice")),
    )
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("hearing_officer_id", sa.Integer(), nullable=False),
        sa.Column("hearing_at", sa.DateTime(), nullable=False),
        sa.Column("subject_ids", sa.JSON(), nullable=False),
        sa.Column("arranged_by_id", sa.Integer(), nullable=False),
        sa.Column("arranged_at", sa.DateTime(), nullable=False),
        sa.Column("first_hearing_at", sa.DateTime(), nullable=True),
        sa.Column("postponed_reason", sa.Text(), nullable=True),
        sa.Column("postponed_at", sa.DateTime(), nullable=True),
        sa.Column("attended", sa.Text(), nullable=True),
        sa.Column("companion", sa.Text(), nullable=True),
        sa.Column("subject_statement", sa.Text(), nullable=True),
        sa.Column("held", sa.Boolean(), nullable=False),
        _fk("hearings", "case_id", "cases"),
        _fk("hearings", "hearing_officer_id"),
        _fk("hearings", "arranged_by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("appeal_officer_id", sa.Integer(), nullable=False),
        sa.Column("lodged_by_id", sa.Integer(), nullable=False),
        sa.Column("lodged_at", sa.DateTime(), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("new_outcome_id", sa.Integer(), nullable=True),
        _fk("appeals", "case_id", "cases"),
        _fk("appeals", "subject_id"),
        _fk("appeals", "appeal_officer_id"),
        _fk("appeals", "lodged_by_id"),
        _fk("appeals", "outcome_id", "outcomes"),
        _fk("appeals", "new_outcome_id", "outcomes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_table(
        "conflict_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("declared_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        _fk("conflict_declarations", "case_id", "cases"),
        _fk("conflict_declarations", "user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict_declarations")),
    )
    op.create_table(
        "duty_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        _fk("duty_overrides", "case_id", "cases"),
        _fk("duty_overrides", "person_id"),
        _fk("duty_overrides", "by_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_overrides")),
    )
    for table, columns in (
        ("allegations", ("case_id", "subject_id")),
        ("investigation_reports", ("case_id",)),
        ("hr_advice", ("case_id",)),
        ("hearings", ("case_id", "hearing_officer_id")),
        ("appeals", ("case_id", "subject_id", "appeal_officer_id")),
        ("conflict_declarations", ("case_id", "user_id")),
        ("duty_overrides", ("case_id",)),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hearing_officer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("aware_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("content_removal", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("content_removal_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("safeguarding_flagged_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("offence_flagged_at", sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_hearing_officer_id"), ["hearing_officer_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_hearing_officer_id_users"), "users", ["hearing_officer_id"], ["id"]
        )
    _restore_case_search()
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("hearing_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("appeal_waived_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("appeal_waived_reason", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outcomes_subject_id"), ["subject_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_outcomes_subject_id_users"), "users", ["subject_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_outcomes_hearing_id_hearings"), "hearings", ["hearing_id"], ["id"])

    # Existing cases: aware when reported; one allegation per person and category in the report's words;
    # the outcome of a case about one person is that person's
    op.execute("UPDATE cases SET aware_at = created_at WHERE aware_at IS NULL")
    op.execute("UPDATE cases SET safeguarding_flagged_at = created_at WHERE safeguarding_concern")
    op.execute("UPDATE cases SET offence_flagged_at = created_at WHERE criminal_offence")
    op.execute(
        """
        INSERT INTO allegations (case_id, subject_id, category, text, created_at)
        SELECT cs.case_id, cs.user_id, cc.category, c.description, c.created_at
        FROM case_subjects cs
        JOIN cases c ON c.id = cs.case_id
        JOIN case_categories cc ON cc.case_id = cs.case_id
        WHERE c.kind = 'breach'
        ORDER BY cs.case_id, cs.user_id, cc.category
        """
    )
    op.execute(
        """
        UPDATE outcomes SET subject_id = (
            SELECT cs.user_id FROM case_subjects cs WHERE cs.case_id = outcomes.case_id
        )
        WHERE (SELECT count(*) FROM case_subjects cs WHERE cs.case_id = outcomes.case_id) = 1
        """
    )


def downgrade():
    # Before this revision one outcome stands for a whole case: where several people have their own, the
    # latest stands and the others are kept as superseded (revision 0006's downgrade removes superseded ones)
    op.execute(
        """
        UPDATE outcomes SET superseded_at = decided_at,
            superseded_reason = 'One outcome per case before per-person outcomes (migration 0011 downgraded)'
        WHERE superseded_at IS NULL AND id NOT IN (
            SELECT latest FROM (SELECT max(id) AS latest FROM outcomes WHERE superseded_at IS NULL GROUP BY case_id) AS l
        )
        """
    )
    with op.batch_alter_table("outcomes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outcomes_hearing_id_hearings"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outcomes_subject_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outcomes_subject_id"))
        batch_op.drop_column("appeal_waived_reason")
        batch_op.drop_column("appeal_waived_at")
        batch_op.drop_column("hearing_id")
        batch_op.drop_column("subject_id")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cases_hearing_officer_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cases_hearing_officer_id"))
        batch_op.drop_column("offence_flagged_at")
        batch_op.drop_column("safeguarding_flagged_at")
        batch_op.drop_column("content_removal_reason")
        batch_op.drop_column("content_removal")
        batch_op.drop_column("aware_at")
        batch_op.drop_column("hearing_officer_id")
    _restore_case_search()
    for table in (
        "duty_overrides",
        "conflict_declarations",
        "appeals",
        "hearings",
        "hr_advice",
        "investigation_reports",
        "allegations",
    ):
        op.drop_table(table)
