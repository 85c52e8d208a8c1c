"""Fixtures shared by every level of test.

The schema is built once per run from the migrations (`flask db upgrade`) on
SQLite, or on PostgreSQL when TEST_DATABASE_URL is set (`make test-postgres`).
Each test runs inside a transaction that is rolled back.
"""

import os
import re
import tempfile
from contextlib import contextmanager
from datetime import date
from html.parser import HTMLParser

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import event
from sqlalchemy.orm import scoped_session, sessionmaker

from casework import create_app
from casework.domain.intake import ReportInput
from casework.extensions import db, limiter
from casework.models import Case
from casework.services import cases as case_service
from casework.services import users as user_service

TEST_PASSWORD = "correct-horse-battery-staple"

# Hypothesis keeps caches (its Unicode table, examples) under .hypothesis in the working
# directory unless told otherwise: keep them in a folder of their own that the run removes
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="casework-hypothesis-")
set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret-key",
            "EVIDENCE_DIR": str(instance / "evidence"),
            "SERVER_NAME": None,
            # the test client speaks plain HTTP: the one place besides `make run` cookies go without Secure
            "SESSION_COOKIE_SECURE": False,
            "REMEMBER_COOKIE_SECURE": False,
        }
    )
    app.instance_path = str(instance)
    app.test_client_class = CheckedClient
    # The general suite signs people in many times over: the sign-in security tests
    # (tests/web/test_security_sign_in.py, test_mfa.py) turn these back on for themselves.
    app.config["RATELIMIT_ENABLED"] = False  # read on each request (casework.http.limits)
    app.config["MFA_REQUIRED_ROLES"] = ()
    with app.app_context():
        if database_url.startswith("postgres"):
            db.session.remove()
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """A session whose every change is rolled back after the test."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db_session):
    limiter.reset()  # counts of attempts (and locks of unknown addresses) start afresh for each test
    return app.test_client()


# --- factories -----------------------------------------------------------------


@pytest.fixture
def make_department(db_session):
    def make(name="Housing", head_of_service=None):
        department, _ = user_service.create_department(name)
        if head_of_service is not None:
            department.head_of_service = head_of_service
            db_session.flush()
        return department

    return make


@pytest.fixture
def make_user(db_session):
    counter = iter(range(1, 100_000))

    def make(
        role="employee",
        *,
        department=None,
        line_manager=None,
        staff_type="employee",
        name=None,
        email=None,
        password=TEST_PASSWORD,
        contractor_org=None,
    ):
        n = next(counter)
        return user_service.create_user(
            email or f"{role}.{n}@test.invalid",
            name=name or f"{role.replace('_', ' ').title()} {n}",
            role=role,
            department=department.name if department is not None else None,
            line_manager=line_manager.email if line_manager is not None else None,
            staff_type=staff_type,
            contractor_org=contractor_org or ("Contractor Ltd" if staff_type == "contractor" else None),
            password=password,
        )

    return make


@pytest.fixture
def make_case(db_session):
    def make(
        reporter,
        *,
        kind="breach",
        subjects=(),
        categories=None,
        owner=None,
        investigator=None,
        description="Posted a resident's address on Facebook.",
        **fields,
    ) -> Case:
        report = ReportInput(
            kind=kind,
            subjects=[s.email for s in subjects],
            categories=categories or (["confidential_information"] if kind == "breach" else ["abuse"]),
            platform=fields.pop("platform", "facebook"),
            content_url=fields.pop("content_url", "https://www.facebook.com/post/1"),
            incident_date=fields.pop("incident_date", date(2026, 1, 5)),
            description=description,
            **fields,
        )
        case = case_service.report_case(reporter, report)
        if owner is not None:
            case.owner_id = owner.id
        if investigator is not None:
            case.investigator_id = investigator.id
        db_session.flush()
        return case

    return make


@pytest.fixture
def login_as(client):
    def login(user, password=TEST_PASSWORD):
        client.fetch_csrf_token()
        client.post("/sign-out", data={})  # whoever was signed in before
        client.fetch_csrf_token()  # a fresh session has a new token
        response = client.post("/sign-in", data={"email": user.email, "password": password})
        assert response.status_code == 302, "sign-in failed"
        return client

    return login


# --- page quality ----------------------------------------------------------------


class PageParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.h1 = []
        self.ids = []
        self.title = ""
        self.forms = []
        self._in = None
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag in ("h1", "title"):
            self._in = tag
            if tag == "h1":
                self.h1.append("")
        if tag == "form":
            self._form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action"),
                "csrf": False,
            }
            self.forms.append(self._form)
        if tag == "input" and self._form is not None and attrs.get("name") == "csrf_token" and attrs.get("value"):
            self._form["csrf"] = True
            self.csrf_token = attrs["value"]

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1[-1] += data
        elif self._in == "title":
            self.title += data


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def check_page(html: str) -> PageParser:
    """Every page: one <h1>, a <title> that starts with it ("Error: " first when
    the form has errors), no duplicate ids, and forms that post to an explicit
    action with a CSRF token."""
    parser = PageParser()
    parser.feed(html)
    assert len(parser.h1) == 1, f"expected exactly one <h1>, found {len(parser.h1)}"
    heading, title = squash(parser.h1[0]), squash(parser.title)
    has_errors = 'class="govuk-error-summary"' in html
    expected_start = ("Error: " if has_errors else "") + heading
    assert title.startswith(expected_start), f"title {title!r} does not start with {expected_start!r}"
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    for form in parser.forms:
        assert form["action"], "a form without an explicit action"
        if form["method"] == "post":
            assert form["csrf"], f"a POST form to {form['action']} without a CSRF token"
    return parser


_COUNTED = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


@contextmanager
def count_statements(app):
    """Collect the SQL statements the app's engine runs within the block (not BEGIN,
    SAVEPOINT, COMMIT and the like, which are not queries)."""
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if _COUNTED.match(statement):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


class CheckedClient(FlaskClient):
    """A test client that checks the quality of every HTML page it receives and
    adds the page's CSRF token to form posts (as a browser would)."""

    csrf_token = None
    # The SQL statements (SELECT, INSERT, UPDATE, DELETE) of the last request, so a
    # test can bound them and an N+1 cannot come back unnoticed
    statements: list[str] = []

    def open(self, *args, **kwargs):
        # The test's app context is shared with requests (one rolled-back
        # session); forget per-request state, as a fresh request would.
        if has_app_context():
            g.__dict__.clear()
        with count_statements(self.application) as statements:
            response = super().open(*args, **kwargs)
        self.statements = statements
        if response.mimetype == "text/html":
            parser = check_page(response.get_data(as_text=True))
            if getattr(parser, "csrf_token", None):
                self.csrf_token = parser.csrf_token
        return response

    def fetch_csrf_token(self):
        response = super().open("/sign-in")
        if response.status_code == 302:
            response = super().open("/")
        match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.get_data(as_text=True))
        self.csrf_token = match.group(1) if match else None
        return self.csrf_token

    def post(self, *args, csrf=True, **kwargs):
        data = kwargs.get("data")
        if csrf and isinstance(data, dict) and "csrf_token" not in data and not kwargs.get("json"):
            kwargs["data"] = {**data, "csrf_token": self.csrf_token or self.fetch_csrf_token()}
        return super().post(*args, **kwargs)


# --- nothing left behind ---------------------------------------------------------

# Folders test tools create in the working directory unless told otherwise; a test run leaves none of them
_ARTEFACT_FOLDERS = (".schemathesis", ".hypothesis")
_CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def pytest_sessionstart(session):
    session.config._artefacts_before = {
        name for name in _ARTEFACT_FOLDERS if os.path.exists(os.path.join(_CHECKOUT, name))
    }


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_artefacts_before", set())
    left = [name for name in _ARTEFACT_FOLDERS if name not in before and os.path.exists(os.path.join(_CHECKOUT, name))]
    if left:
        print(f"\nThe tests left {', '.join(left)} in {_CHECKOUT}: write test artefacts to a temporary folder")
        session.exitstatus = 1
