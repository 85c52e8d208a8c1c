"""The app's own pages under its real Content-Security-Policy, in Chromium (issue 6, Security 4).

The other browser tests may bypass the policy so that axe can be injected; here
nothing is bypassed. Every page must load without a single violation (the
browser reports each one as a `securitypolicyviolation` event and a console
error), the GOV.UK template's inline script must run by its nonce, every GOV.UK
component must be initialised by the module scripts, and the summary's inline
SVG charts must still be drawn in colour.
"""

import re

import pytest
from playwright.sync_api import expect

# Runs before any script of the page (an init script is not subject to the page's policy)
VIOLATION_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile || location.pathname}` +
    `:${event.lineNumber} (${(event.sample || "").slice(0, 60)})`
  );
});
"""


class StrictPage:
    """A page with the policy enforced, collecting violations and script errors."""

    def __init__(self, context):
        self.page = context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.visited: list[str] = []

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(message.text)

    def check(self):
        """No violation on the page now shown, its inline script ran, and its components started."""
        page = self.page
        page.wait_for_load_state("load")
        self.visited.append(page.url)
        violations = page.evaluate("window.__cspViolations || []")
        assert not violations, f"{page.url}: {len(violations)} Content-Security-Policy violations: {violations[:5]}"
        assert not self.console, f"{page.url}: Content-Security-Policy errors: {self.console}"
        assert not self.errors, f"{page.url}: JavaScript errors: {self.errors}"
        # The template's inline script (allowed by its nonce) marks the body
        expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
        # GOV.UK Frontend's module (allowed from 'self') initialises every component it finds
        modules = page.eval_on_selector_all(
            "[data-module]",
            "nodes => nodes.map(n => [n.dataset.module, n.hasAttribute(`data-${n.dataset.module}-init`)])",
        )
        missing = [name for name, started in modules if not started]
        assert not missing, f"{page.url}: GOV.UK components not initialised: {missing}"

    def goto(self, path: str, status: int = 200):
        response = self.page.goto(path)
        assert response is not None and response.status == status, f"GET {path}: {response and response.status}"
        self.check()

    def follow(self, action):
        with self.page.expect_navigation():
            action()
        self.check()

    def sign_in(self, person):
        self.goto("/sign-in")
        self.page.get_by_label("Email address").fill(person.email)
        self.page.get_by_label("Password", exact=True).fill(person.password)
        self.follow(lambda: self.page.get_by_role("button", name="Sign in").click())
        if person.totp_secret and self.page.url.split("?")[0].endswith("/sign-in/two-factor"):
            self.page.get_by_label("Code", exact=True).fill(person.next_code())
            self.follow(lambda: self.page.get_by_role("button", name="Continue").click())
        expect(self.page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def strict(chromium_browser, live_server):
    """Opens pages, each in a fresh context (its own cookies) that enforces the policy: no bypass."""
    contexts = []

    def open_page() -> StrictPage:
        context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        context.add_init_script(VIOLATION_RECORDER)
        contexts.append(context)
        return StrictPage(context)

    yield open_page
    for context in contexts:
        context.close()


def test_the_recorder_catches_a_violation(strict):
    """The check is real: an inline style the policy forbids is reported."""
    page = strict()
    page.goto("/sign-in")
    page.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.page.wait_for_function("window.__cspViolations.length > 0")
    assert "style-src" in page.page.evaluate("window.__cspViolations")[0]
    page.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
        "document.body.append(s); }"
    )
    assert page.page.evaluate("window.ran") is None, "an inline script without the nonce ran"


def test_the_pages_of_a_report_and_a_case_load_without_violations(strict, live_server):
    people = live_server.people
    employee = strict()
    employee.sign_in(people["employee"])
    for path in ("/", "/report", "/report/breach", "/report/abuse", "/my-reports", "/notifications"):
        employee.goto(path)
    # A form with errors: the error summary is a GOV.UK component with its own script
    employee.goto("/report/breach")
    employee.follow(lambda: employee.page.get_by_role("button", name="Send report").click())
    expect(employee.page.locator(".govuk-error-summary")).to_be_visible()

    manager = strict()
    manager.sign_in(people["line_manager"])
    manager.goto("/cases")
    manager.goto(f"/cases/{live_server.cases['finance']}", status=404)
    references = manager.page.locator("a[href^='/cases/SMC-']")
    manager.goto("/cases")
    if references.count():
        manager.follow(lambda: references.first.click())
        expect(manager.page.locator("h1")).to_contain_text("Case SMC-")


def test_the_hr_summary_draws_its_charts_under_the_policy(strict, live_server):
    hr = strict()
    hr.sign_in(live_server.people["hr"])
    hr.goto("/reports/summary")
    charts = hr.page.locator(".app-chart svg")
    expect(charts.first).to_be_visible()
    bar = charts.first.locator('rect[fill="rgb(11%,43%,72%)"]').first
    # The bars keep the colour given as an SVG attribute (a style attribute would have been blocked: black)
    assert bar.evaluate("el => getComputedStyle(el).fill") == "rgb(28, 110, 184)"
    box = charts.first.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 40
