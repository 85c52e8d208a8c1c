"""Browser tests: a live Casework server on its own committed database, driven by
headless Debian Chromium through Playwright, with axe-core run on every page.

These tests do not use the rolled-back session of tests/conftest.py: the server
answers from another thread, so the data it shows must really be committed.

Reusable pieces for later browser tests:

- `live_server` — base `url`, the seeded `people` (by key) and `cases`.
- `page` — a fresh browser context (no cookies) per test. Every document it
  loads must be checked with `check_page`/`visit`/`follow`, or the test fails
  at teardown naming the page that escaped axe.
- `visit(page, path)` — go to a page, check it (axe, status, screenshot).
- `follow(page, action)` — run an action that navigates (a click, a form
  submit), then check the page it leads to.
- `sign_in(page, person)` / `sign_out(page)`.
"""

import os
import re
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PASSWORD = "browser-test-password-1"


# --- the live server -------------------------------------------------------------


@dataclass
class Person:
    email: str
    name: str
    password: str | None = PASSWORD


@dataclass
class LiveServer:
    url: str
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # key -> reference


def _browser_database(tmp_path_factory):
    """A URL for a fresh database of the browser tests' own, and a function that removes it."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp('browser-db') / 'browser.db'}", lambda: None
    if not base.startswith(("postgresql", "postgres:")):
        pytest.fail(f"TEST_DATABASE_URL must be a postgresql:// URL for the browser tests, not {base!r}")
    import psycopg
    from psycopg import sql

    url = make_url(base)
    name = f"{url.database}_browser"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)

    def run(statement):
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(statement)

    run(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    run(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    return url.set(database=name).render_as_string(hide_password=False), lambda: run(drop)


def _ensure_assets():
    if not (ROOT / "build" / "assets" / "application.css").exists():
        subprocess.run(["npm", "run", "--silent", "build"], cwd=ROOT, check=True)


def _seed() -> tuple[dict[str, Person], dict[str, str]]:
    """Two departments; in Housing an employee, a colleague and the colleague's
    line manager; in Finance a case the Housing manager must not see."""
    from casework.domain.intake import ReportInput
    from casework.extensions import db
    from casework.services import cases as case_service
    from casework.services import users as user_service

    people = {
        "employee": Person("amira.khan@council.test", "Amira Khan"),
        "line_manager": Person("david.osei@council.test", "David Osei"),
        "colleague": Person("ben.carter@council.test", "Ben Carter", password=None),
        "finance_employee": Person("fiona.price@council.test", "Fiona Price"),
        "finance_colleague": Person("gary.hughes@council.test", "Gary Hughes", password=None),
    }
    user_service.create_department("Housing")
    user_service.create_department("Finance")
    make = user_service.create_user
    make(
        people["line_manager"].email,
        name=people["line_manager"].name,
        role="manager",
        department="Housing",
        password=PASSWORD,
    )
    make(
        people["employee"].email,
        name=people["employee"].name,
        department="Housing",
        line_manager=people["line_manager"].email,
        password=PASSWORD,
    )
    make(
        people["colleague"].email,
        name=people["colleague"].name,
        department="Housing",
        line_manager=people["line_manager"].email,
    )
    finance_employee = make(
        people["finance_employee"].email, name=people["finance_employee"].name, department="Finance", password=PASSWORD
    )
    make(people["finance_colleague"].email, name=people["finance_colleague"].name, department="Finance")
    other = case_service.report_case(
        finance_employee,
        ReportInput(
            kind="breach",
            subjects=[people["finance_colleague"].email],
            categories=["disrepute"],
            platform="x",
            incident_date=date.today() - timedelta(days=10),
            description="Posted a rude comment about the council's budget from a personal account.",
        ),
    )
    db.session.commit()
    return people, {"finance": other.reference}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Casework served on 127.0.0.1 (a free port) from a daemon thread, on a
    freshly migrated and seeded database that is dropped at the end."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from casework import create_app
    from casework.extensions import db

    _ensure_assets()
    database_url, drop_database = _browser_database(tmp_path_factory)
    instance = tmp_path_factory.mktemp("browser-instance")
    previous_instance = os.environ.get("CASEWORK_INSTANCE_PATH")
    os.environ["CASEWORK_INSTANCE_PATH"] = str(instance)
    server = None
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": "x",
                "TESTING": False,
                "EVIDENCE_DIR": str(instance / "evidence"),
            }
        )
        with app.app_context():
            upgrade()
            people, cases = _seed()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="casework-live-server", daemon=True)
        thread.start()
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", people=people, cases=cases)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        if "app" in locals():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        drop_database()
        if previous_instance is None:
            os.environ.pop("CASEWORK_INSTANCE_PATH", None)
        else:
            os.environ["CASEWORK_INSTANCE_PATH"] = previous_instance


# --- the browser -----------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser():
    """Headless Debian Chromium. Missing: skipped, or a failure when
    CASEWORK_REQUIRE_BROWSER=1 (CI must never skip the browser tests)."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install it with `apt-get install -y chromium` to run the browser tests"
        if os.environ.get("CASEWORK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"CASEWORK_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        print(f"\nSkipping the browser tests: {reason}")
        pytest.skip(reason)
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: run `npm ci` (or `make setup`) first", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so `page` knows at teardown whether the test passed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots():
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


class PageChecks:
    """Which documents a page loaded and which of them were checked."""

    def __init__(self, test_name: str):
        self.test_name = re.sub(r"\W+", "-", test_name).strip("-")
        self.loaded: list[str] = []
        self.checked = 0
        self.screenshots = 0

    def unchecked(self) -> list[str]:
        return self.loaded[self.checked : -1] if len(self.loaded) > self.checked else []


@pytest.fixture
def page(chromium_browser, live_server, request):
    """A new browser context (no cookies) for each test, at the live server."""
    context = chromium_browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.checks = PageChecks(request.node.name)
    page.on("domcontentloaded", lambda p: p.checks.loaded.append(p.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    loaded, checked = page.checks.loaded, page.checks.checked
    context.close()
    outcome = getattr(request.node, "rep_call", None)
    if outcome is not None and outcome.passed:
        assert not errors, f"JavaScript errors: {errors}"
        assert checked >= len(loaded), f"pages visited but never checked with axe: {loaded[checked:]}"


# --- helpers for every page ------------------------------------------------------


def check_a11y(page) -> None:
    """axe-core at WCAG 2.2 AA on the current page: no violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
            for node in violation["nodes"]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
                lines.append(f"      {node['html'][:200]}")
        pytest.fail("\n".join(lines), pytrace=False)


def screenshot(page, label: str = "") -> Path:
    checks = page.checks
    checks.screenshots += 1
    slug = label or re.sub(r"\W+", "-", page.url.split("//", 1)[-1].split("/", 1)[-1]).strip("-") or "home"
    path = SCREENSHOTS / f"{checks.test_name}-{checks.screenshots:02d}-{slug}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page, label: str = "") -> None:
    """Everything every page must pass: axe, then a full-page screenshot for a person to look at."""
    page.wait_for_load_state("load")
    checks = page.checks
    skipped = checks.unchecked()
    checks.checked = len(checks.loaded)
    assert not skipped, f"pages visited but never checked with axe: {skipped}"
    screenshot(page, label)
    check_a11y(page)


def visit(page, path: str, *, label: str = "", status: int = 200):
    """Open `path`, expect `status`, and check the page."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"GET {path}: {response.status if response else 'no response'}"
    )
    check_page(page, label)
    return response


def follow(page, action, *, label: str = "", status: int = 200):
    """Run `action` (a click or a submit) that leads to another page, and check that page."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    assert response is not None and response.status == status, (
        f"{page.url}: {response.status if response else 'no response'}"
    )
    check_page(page, label)
    return response


def sign_in(page, person: Person, password: str | None = None, *, label: str = "sign-in"):
    visit(page, "/sign-in", label=label)
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(password or person.password)
    return follow(page, lambda: page.get_by_role("button", name="Sign in").click())


def sign_out(page):
    return follow(page, lambda: page.get_by_role("button", name="Sign out").click(), label="signed-out")
