"""`flask db upgrade` builds exactly the models' schema: Alembic's compare finds no difference."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from casework.extensions import db
from casework.services.case_search import include_in_schema_comparison


def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "render_as_batch": True,
                "include_object": include_in_schema_comparison,
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], "models and migrations differ; add a revision:\n" + "\n".join(map(str, differences))


def test_the_migrated_database_is_at_the_single_latest_revision(app):
    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert set(current) == set(heads) and len(heads) == 1
