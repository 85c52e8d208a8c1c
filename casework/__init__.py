"""Casework: social media policy breaches and online abuse of staff, for a UK council."""

import logging
import os
import re
import secrets
from pathlib import Path

from flask import Config, Flask, has_request_context, request
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import DefaultConfig, from_environment, normalise_database_url
from .extensions import csrf, db, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application: defaults, then instance/config.py, then the environment, then `overrides`."""
    instance_path = instance_folder()
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "build" / "assets"),
        static_url_path="/assets",
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings(app.instance_path))
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'casework.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "connect_args": {"timeout": 30},
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
        }
    elif app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        # No JIT compilation: the case list's visibility and search filters are many small expressions
        # whose estimated cost passes PostgreSQL's JIT threshold, and compiling them took over a second
        # for a query that runs in milliseconds
        engine_options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
        engine_options["connect_args"] = {"options": "-c jit=off", **engine_options.get("connect_args", {})}
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options
    app.config.setdefault("EVIDENCE_DIR", str(Path(app.instance_path) / "evidence"))

    if str(app.config.get("RATELIMIT_STORAGE_URI") or "").startswith(("redis://", "rediss://")):
        # A store that does not answer is given up on quickly (each process then counts in memory)
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {
            "socket_connect_timeout": 2,
            "socket_timeout": 2,
            **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}),
        }

    from .web.base_form import note_undecodable_form_fields

    app.before_request(note_undecodable_form_fields)  # first: before CSRF and the limiter read the form
    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    from govuk_frontend_wtf.main import WTFormsHelpers

    WTFormsHelpers(app)

    from . import cli, models  # noqa: F401  (models registers the tables)
    from .api import register_api
    from .web import register_web

    register_web(app)
    register_api(app)
    cli.register(app)
    logging.basicConfig(level=logging.INFO)
    return app


def instance_folder() -> str:
    """instance/ beside the code, or CASEWORK_INSTANCE_PATH: instance/config.py, the secret key, evidence."""
    return os.environ.get("CASEWORK_INSTANCE_PATH", str(ROOT / "instance"))


def settings(instance_path: str | None = None) -> Config:
    """The settings without the app: defaults, then instance/config.py, then the environment
    (gunicorn.conf.py checks them before any worker starts)."""
    config = Config(instance_path or instance_folder())
    config.from_object(DefaultConfig)
    config.from_pyfile("config.py", silent=True)
    config.update(from_environment())
    return config


def _instance_secret_key(instance: Path) -> str:
    """A random key made on first run and kept in instance/, never committed."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: write-ahead log, enforced foreign keys, a busy timeout,
    transactions begun by SQLAlchemy (so SAVEPOINTs work), and this
    connection's view of the search index's vocabulary (casework.services.case_search)."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    from .services.case_search import SQLITE_VOCABULARY_DDL

    cursor.execute(SQLITE_VOCABULARY_DDL)
    cursor.close()


# Requests that only read: no write lock is taken unless they write after all
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ_STATEMENT = re.compile(r"\s*(SELECT|PRAGMA|WITH)\b", re.IGNORECASE)
_DEFERRED = "casework_read_transaction"
_READ_AUTOCOMMIT = "casework_read_autocommit"  # PostgreSQL: autocommit set here for a read, not by the engine


def _serves_a_read() -> bool:
    return has_request_context() and request.method in READ_ONLY_METHODS


_LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


@event.listens_for(Engine, "begin")
def _begin_for_reads(connection):
    """A request that only reads (GET, HEAD, OPTIONS) reads outside a write transaction until it writes.

    SQLite: it reads in a plain deferred transaction and never waits for the write lock;
    everything else (form posts, API changes, the command line, the tests) takes the write
    lock at the start, so writers queue on SQLite's busy timeout instead of failing to upgrade
    a read transaction.

    PostgreSQL: its statements run in autocommit. At READ COMMITTED each statement reads from
    its own snapshot inside a transaction or out of one, so nothing it sees changes; what
    changes is that it sends no BEGIN and no ROLLBACK, and psycopg, which forgets its prepared
    statements at every ROLLBACK, keeps them, so a page's statements are planned once per
    connection rather than on every request."""
    name = connection.dialect.name
    if name == "sqlite":
        connection.info[_DEFERRED] = False
        if _serves_a_read():
            connection.exec_driver_sql("BEGIN")
            connection.info[_DEFERRED] = True
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif name == "postgresql":
        dbapi_connection = connection.connection.driver_connection
        ours = connection.info.get(_READ_AUTOCOMMIT, False)
        if dbapi_connection.autocommit and not ours:  # an engine asked for autocommit (creating databases)
            connection.info[_DEFERRED] = False
            return
        read = _serves_a_read() and dbapi_connection.info.transaction_status == _pg_idle()
        if dbapi_connection.autocommit != read:
            dbapi_connection.autocommit = read
        connection.info[_READ_AUTOCOMMIT] = connection.info[_DEFERRED] = read


def _pg_idle():
    from psycopg.pq import TransactionStatus

    return TransactionStatus.IDLE


@event.listens_for(Engine, "before_cursor_execute")
def _write_after_reads(connection, cursor, statement, parameters, context, executemany):
    """The first write of a read request (the access log of a case it shows), or a read that
    locks rows, begins a write transaction.

    SQLite: it ends the read transaction, which has changed nothing, and begins an immediate
    one. Upgrading the read transaction in place would fail at once, without waiting, when
    another process had written since it began. PostgreSQL: autocommit ends, so psycopg begins
    a transaction with this statement and the request's commit (or rollback) ends it."""
    if not connection.info.get(_DEFERRED):
        return
    is_write = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    if not is_write and _READ_STATEMENT.match(statement) and not _LOCKING_READ.search(statement):
        return
    connection.info[_DEFERRED] = False
    dbapi_connection = cursor.connection
    if connection.dialect.name == "postgresql":
        dbapi_connection.autocommit = connection.info[_READ_AUTOCOMMIT] = False
        return
    if dbapi_connection.in_transaction:
        dbapi_connection.commit()
    dbapi_connection.execute("BEGIN IMMEDIATE")
