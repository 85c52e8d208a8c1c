"""Browser tests: a live Casework server on its own committed database, driven by
headless Debian Chromium through Playwright, with axe-core run on every page.

These tests do not use the rolled-back session of tests/conftest.py: the server
answers from another thread, so the data it shows must really be committed.

Reusable pieces for later browser tests:

- `live_server` — base `url`, the seeded `people` (by key) and `cases`.
- `page` — a fresh browser context (no cookies) per test. Every document it
  loads must be checked with `check_page`/`visit`/`follow`, or the test fails
  at teardown naming the page that escaped axe.
- `open_page(who)` — another such browser in the same test, for a second
  person signed in at the same time (screenshots named after `who`).
- `visit(page, path)` — go to a page, check it (axe, status, screenshot).
- `follow(page, action)` — run an action that navigates (a click, a form
  submit), then check the page it leads to.
- `sign_in(page, person)` / `sign_out(page)`; someone enrolled in two-factor
  sign-in (HR in the seed) gives a code from `person.next_code()`.
"""

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import threading
import time
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
    totp_secret: str | None = None  # enrolled in two-factor sign-in with this (base 32) secret
    last_step: int = 0  # the last time step whose code was used: each code works once

    def next_code(self) -> str:
        """A code for the next unused time step (RFC 6238: 30 s, 6 digits, SHA-1), waiting if need be."""
        while True:
            now = int(time.time()) // 30
            # The server accepts a step either side of its own (casework.services.two_factor); a second
            # sign-in within 30 s takes the next step
            step = next((s for s in (now, now + 1) if s > self.last_step), None)
            if step is not None:
                self.last_step = step
                key = base64.b32decode(self.totp_secret.upper() + "=" * (-len(self.totp_secret) % 8))
                digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
                offset = digest[-1] & 0x0F
                return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"
            time.sleep(1)


@dataclass
class LiveServer:
    url: str
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, str] = field(default_factory=dict)  # key -> reference
    app: object = None  # the served app, for a test module that adds its own committed data


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
    line manager; in Finance a case the Housing manager must not see. For the
    lifecycle: a Housing employee who may publish on the council's Housing
    account, a Finance manager to investigate, an HR officer, and a few Finance
    cases taken along the workflow so the HR summary has figures to show."""
    from casework.domain.intake import ReportInput
    from casework.extensions import db
    from casework.models import PublishingRight, SocialAccount
    from casework.services import cases as case_service
    from casework.services import two_factor
    from casework.services import users as user_service
    from casework.services import workflow as workflow_service

    people = {
        "employee": Person("amira.khan@council.test", "Amira Khan"),
        "line_manager": Person("david.osei@council.test", "David Osei"),
        "colleague": Person("ben.carter@council.test", "Ben Carter", password=None),
        "finance_employee": Person("fiona.price@council.test", "Fiona Price"),
        "finance_colleague": Person("gary.hughes@council.test", "Gary Hughes", password=None),
        "publisher": Person("liam.walsh@council.test", "Liam Walsh", password=None),
        "investigator": Person("grace.mensah@council.test", "Grace Mensah"),
        "head_of_service": Person("hugo.baptiste@council.test", "Hugo Baptiste"),
        "hr": Person("nadia.okafor@council.test", "Nadia Okafor", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
        "admin": Person("olu.adeyemi@council.test", "Olu Adeyemi"),  # two-factor not yet set up
    }
    user_service.create_department("Housing")
    user_service.create_department("Finance")
    user_service.create_department("Human Resources")
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
    publisher = make(
        people["publisher"].email,
        name=people["publisher"].name,
        department="Housing",
        line_manager=people["line_manager"].email,
    )
    investigator = make(
        people["investigator"].email,
        name=people["investigator"].name,
        role="manager",
        department="Finance",
        password=PASSWORD,
    )
    make(
        people["head_of_service"].email,
        name=people["head_of_service"].name,
        role="head_of_service",
        department="Finance",
        password=PASSWORD,
    )
    hr = make(people["hr"].email, name=people["hr"].name, role="hr", department="Human Resources", password=PASSWORD)
    make(people["admin"].email, name=people["admin"].name, role="admin", password=PASSWORD)
    two_factor.store_secret(hr, people["hr"].totp_secret)  # HR signs in with a code

    went_live = date.today() - timedelta(days=400)
    housing_account = SocialAccount(
        platform="facebook",
        handle="CouncilHousingNews",
        url="https://www.facebook.com/CouncilHousingNews",
        department=user_service.find_department("Housing"),
        status="active",
        went_live_on=went_live,
        trial_ends_on=went_live + timedelta(days=91),
        last_used_on=date.today() - timedelta(days=3),
        decision="approved",
    )
    db.session.add(housing_account)
    db.session.add(
        SocialAccount(
            platform="instagram",
            handle="@council_budget",
            department=user_service.find_department("Finance"),
            status="trial",
            went_live_on=date.today() - timedelta(days=30),
            trial_ends_on=date.today() + timedelta(days=61),
            decision="approved",
        )
    )
    db.session.flush()
    db.session.add(
        PublishingRight(
            user_id=publisher.id,
            account_id=housing_account.id,
            trained_on=went_live - timedelta(days=7),
            granted_by_id=hr.id,
            status="active",
        )
    )

    def report(categories, platform, days_ago, description):
        return case_service.report_case(
            finance_employee,
            ReportInput(
                kind="breach",
                subjects=[people["finance_colleague"].email],
                categories=categories,
                platform=platform,
                incident_date=date.today() - timedelta(days=days_ago),
                description=description,
            ),
        )

    def act(case, actor, action, **params):
        workflow_service.perform(case, actor, action, params, version=case.version)

    other = report(["disrepute"], "x", 10, "Posted a rude comment about the council's budget from a personal account.")
    # Taken through to closure and to investigation, by HR, so the summary has an outcome and a chart to draw
    for categories, platform, days_ago, sanction in (
        (["political"], "facebook", 40, "training"),
        (["disrepute", "personal_views_as_council"], "linkedin", 25, None),
    ):
        case = report(categories, platform, days_ago, "Shared a party-political post while naming the council.")
        act(case, hr, "take_ownership")
        act(case, hr, "start_investigation", investigator=investigator.email, no_suspension_reason="No council page.")
        if sanction:
            act(case, hr, "record_outcome", finding="substantiated", sanction=sanction, summary="Training arranged.")
            act(case, hr, "waive_appeal", subject=case.subjects[0].email, reason="Accepted the training in writing.")
            act(case, hr, "close")
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
                # served over plain HTTP on 127.0.0.1: the one place besides `make run` cookies go without Secure
                "SESSION_COOKIE_SECURE": False,
                "REMEMBER_COOKIE_SECURE": False,
                "EVIDENCE_DIR": str(instance / "evidence"),
            }
        )
        with app.app_context():
            upgrade()
            people, cases = _seed()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="casework-live-server", daemon=True)
        thread.start()
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", people=people, cases=cases, app=app)
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
def open_page(chromium_browser, live_server, request):
    """Open another browser (a new context, no cookies) at the live server: another
    person at another desk, signed in alongside the others. `who` names its
    screenshots. Each page is held to the same checks as `page` at teardown."""
    opened = []

    def open_(who: str = ""):
        context = chromium_browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True, locale="en-GB"
        )
        context.set_default_timeout(10_000)
        context.add_init_script(path=str(AXE))  # in every document from the start: far quicker than a tag each time
        page = context.new_page()
        page.checks = PageChecks(f"{request.node.name}-{who}" if who else request.node.name)
        page.on("domcontentloaded", lambda p: p.checks.loaded.append(p.url))
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        opened.append((context, page, errors))
        return page

    yield open_
    seen = []
    for context, page, errors in opened:
        seen.append((list(page.checks.loaded), page.checks.checked, errors))
        context.close()
    outcome = getattr(request.node, "rep_call", None)
    if outcome is not None and outcome.passed:
        for loaded, checked, errors in seen:
            assert not errors, f"JavaScript errors: {errors}"
            assert checked >= len(loaded), f"pages visited but never checked with axe: {loaded[checked:]}"


@pytest.fixture
def page(open_page):
    """A new browser context (no cookies) for each test, at the live server."""
    return open_page()


# --- helpers for every page ------------------------------------------------------


def check_a11y(page) -> None:
    """axe-core at WCAG 2.2 AA on the current page: no violations."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
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
    """Sign in with the password and, for a person enrolled in two-factor sign-in, a code."""
    visit(page, "/sign-in", label=label)
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(password or person.password)
    response = follow(page, lambda: page.get_by_role("button", name="Sign in").click())
    if person.totp_secret and password is None and page.url.split("?")[0].endswith("/sign-in/two-factor"):
        page.get_by_label("Code", exact=True).fill(person.next_code())
        response = follow(page, lambda: page.get_by_role("button", name="Continue").click())
    return response


def sign_out(page):
    return follow(page, lambda: page.get_by_role("button", name="Sign out").click(), label="signed-out")
