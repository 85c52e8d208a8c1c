"""Search of the case list: full-text indexes of descriptions, complainants' and people's names

Revision ID: 0012
Revises: 0013
Create Date: 2026-12-01 06:00:00

On SQLite: two external-content FTS5 tables (they hold the index, not a second
copy of the text), kept in step with `cases` and `users` by triggers, so every
write (the app, the CLI, a bulk insert) updates them. On PostgreSQL: GIN
indexes of the same `to_tsvector('simple', …)` expressions the search uses,
and a pattern index for the beginnings of references.
casework/services/case_search.py reads both.
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0013"
branch_labels = None
depends_on = None

# unicode61 without removing accents, as PostgreSQL's 'simple' configuration; prefix indexes for the
# short word beginnings people type
TOKENIZE = "tokenize='unicode61 remove_diacritics 0', prefix='2 3'"

SQLITE_UP = [
    f"CREATE VIRTUAL TABLE case_text_search USING fts5(description, complainant_name, content='cases', "
    f"content_rowid='id', {TOKENIZE})",
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
    "INSERT INTO case_text_search(case_text_search) VALUES ('rebuild')",
    f"CREATE VIRTUAL TABLE user_name_search USING fts5(name, content='users', content_rowid='id', {TOKENIZE})",
    """CREATE TRIGGER user_name_search_insert AFTER INSERT ON users BEGIN
        INSERT INTO user_name_search(rowid, name) VALUES (new.id, new.name);
    END""",
    """CREATE TRIGGER user_name_search_delete AFTER DELETE ON users BEGIN
        INSERT INTO user_name_search(user_name_search, rowid, name) VALUES ('delete', old.id, old.name);
    END""",
    """CREATE TRIGGER user_name_search_update AFTER UPDATE OF name ON users BEGIN
        INSERT INTO user_name_search(user_name_search, rowid, name) VALUES ('delete', old.id, old.name);
        INSERT INTO user_name_search(rowid, name) VALUES (new.id, new.name);
    END""",
    "INSERT INTO user_name_search(user_name_search) VALUES ('rebuild')",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS user_name_search_update",
    "DROP TRIGGER IF EXISTS user_name_search_delete",
    "DROP TRIGGER IF EXISTS user_name_search_insert",
    "DROP TABLE IF EXISTS user_name_search",
    "DROP TRIGGER IF EXISTS case_text_search_update",
    "DROP TRIGGER IF EXISTS case_text_search_delete",
    "DROP TRIGGER IF EXISTS case_text_search_insert",
    "DROP TABLE IF EXISTS case_text_search",
]

POSTGRESQL_UP = [
    "CREATE INDEX ix_cases_description_search ON cases USING gin (to_tsvector('simple', description))",
    "CREATE INDEX ix_cases_complainant_search ON cases "
    "USING gin (to_tsvector('simple', coalesce(complainant_name, '')))",
    "CREATE INDEX ix_users_name_search ON users USING gin (to_tsvector('simple', name))",
    # A reference's beginning (LIKE 'SMC-2026-0%') whatever the database's collation
    "CREATE INDEX ix_cases_reference_prefix ON cases (reference text_pattern_ops)",
]

POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS ix_cases_reference_prefix",
    "DROP INDEX IF EXISTS ix_users_name_search",
    "DROP INDEX IF EXISTS ix_cases_complainant_search",
    "DROP INDEX IF EXISTS ix_cases_description_search",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRESQL_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRESQL_DOWN)
