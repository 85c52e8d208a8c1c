"""Issue 3 in a real browser: an employee reports a breach by a colleague and
follows it under "My reports"; the colleague's line manager finds it in "Cases".
Every page is checked with axe-core (WCAG 2.2 AA) and photographed."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .conftest import check_a11y, follow, sign_in, sign_out, visit

REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")


def test_employee_reports_a_breach_and_the_line_manager_sees_it(page, live_server):
    employee = live_server.people["employee"]
    colleague = live_server.people["colleague"]
    manager = live_server.people["line_manager"]
    incident = date.today() - timedelta(days=3)

    sign_in(page, employee)
    expect(page.locator("header")).to_contain_text(employee.name)

    follow(
        page, lambda: page.get_by_role("navigation", name="Menu").get_by_role("link", name="Report", exact=True).click()
    )
    follow(page, lambda: page.get_by_role("link", name=re.compile("breach", re.I)).first.click())
    expect(page.locator("h1")).to_have_text("Report a breach of the social media policy")

    # The subject is found by typing part of their name (accessible-autocomplete over /people/search)
    subject_box = page.get_by_label("Who is the report about?")
    subject_box.fill(colleague.name.split()[0][:4])
    option = page.get_by_role("option", name=re.compile(re.escape(colleague.email)))
    expect(option).to_be_visible()
    check_a11y(page)
    option.click()
    expect(subject_box).to_have_value(colleague.email)
    page.get_by_label("Confidential or personal information disclosed").check()
    page.get_by_label("Where was it posted?").select_option("facebook")
    page.get_by_label("Web address of the post (optional)").fill("https://www.facebook.com/groups/estate/posts/42")
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill(str(incident.day))
    when.get_by_label("Month").fill(str(incident.month))
    when.get_by_label("Year").fill(str(incident.year))
    page.get_by_label("What happened?").fill(
        "Ben posted a photo of a tenant's letter, with her name and address, in the estate's Facebook group."
    )
    follow(page, lambda: page.get_by_role("button", name="Send report").click(), label="report-sent")

    banner = page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")
    expect(banner).to_contain_text("Report sent")
    reference = REFERENCE.search(banner.inner_text()).group(0)
    expect(page.locator("h1")).to_contain_text(reference)

    follow(page, lambda: page.get_by_role("link", name="My reports").click())
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Received")

    sign_out(page)
    expect(page.locator(".govuk-notification-banner__heading")).to_have_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in(page, manager, label="sign-in-manager")
    expect(page.locator("header")).to_contain_text(manager.name)
    follow(page, lambda: page.get_by_role("link", name="Cases", exact=True).click())
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name=reference)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text=reference)).to_contain_text("Confidential or personal information")
    # A case in another department, about someone they do not manage, is not theirs to see
    expect(page.get_by_text(live_server.cases["finance"])).to_have_count(0)

    follow(page, lambda: table.get_by_role("link", name=reference).click())
    expect(page.locator("h1")).to_have_text(f"Case {reference}")
    expect(page.get_by_text(colleague.name).first).to_be_visible()
    expect(page.get_by_text(employee.name).first).to_be_visible()
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()

    # The other department's case answers 404, and the 404 page is held to the same standard
    visit(page, f"/cases/{live_server.cases['finance']}", status=404, label="not-found")


def test_wrong_password_shows_the_error_summary(page, live_server):
    employee = live_server.people["employee"]

    sign_in(page, employee, password="not-the-password", label="sign-in")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    expect(summary.get_by_role("link")).to_have_count(1)
    expect(page.get_by_label("Email address")).to_have_value(employee.email)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
