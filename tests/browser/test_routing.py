"""Issue 13, item 5 in a real browser: the report form asks who the report is about, and a report about a
councillor or someone who works in a school is passed on, with the confirmation saying where it went and
who deals with it (Acceptable Use of Social Media Policy 2 and 3). At 1280 px and 375 px, checked with
axe-core and photographed."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import check_a11y, follow, screenshot, sign_in, visit

REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")
CONTACTS = {
    "MONITORING_OFFICER_EMAIL": "monitoring.officer@council.invalid",
    "SCHOOL_CONTACTS": {"Hill Primary School": "head@hill-primary.sch.invalid"},
    "LADO_EMAIL": "lado@council.invalid",
}


@pytest.fixture
def contacts(live_server):
    config = live_server.app.config
    before = {key: config.get(key) for key in CONTACTS}
    config.update(CONTACTS)
    yield
    config.update(before)


def fill_common(page, description: str) -> None:
    incident = date.today() - timedelta(days=2)
    page.get_by_label("Bringing the council into disrepute").check()
    page.get_by_label("Where was it posted?").select_option("facebook")
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill(str(incident.day))
    when.get_by_label("Month").fill(str(incident.month))
    when.get_by_label("Year").fill(str(incident.year))
    page.get_by_label("What happened?").fill(description)


def fits(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"


@pytest.mark.parametrize("width", [1280, 375])
def test_a_report_about_a_councillor_is_passed_to_the_monitoring_officer(page, live_server, contacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.people["employee"])
    visit(page, "/report/breach", label=f"report-form-{width}")
    scope = page.get_by_role("group", name="Who is it about?")
    expect(scope.get_by_label("A member of council staff")).to_be_checked()
    scope.get_by_label("A councillor (an elected member of the council)").check()
    page.get_by_label("Their name").fill("Councillor Pat Example")
    fill_common(page, f"The councillor posted a resident's complaint letter on their campaign page ({width} px).")
    fits(page)
    screenshot(page, f"report-form-councillor-{width}")
    check_a11y(page)
    follow(page, lambda: page.get_by_role("button", name="Send report").click(), label=f"confirmation-{width}")

    banner = page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")
    expect(banner).to_contain_text("It has been passed to the council's Monitoring Officer")
    reference = REFERENCE.search(banner.inner_text()).group(0)
    expect(page.locator("h1")).to_contain_text(reference)
    expect(page.get_by_role("heading", name="Where your report went")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Code of Conduct for Members")
    expect(page.get_by_role("link", name="monitoring.officer@council.invalid")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Passed on")
    fits(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_report_about_school_staff_goes_to_the_school_and_the_lado(page, live_server, contacts, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.people["employee"])
    visit(page, "/report/breach")
    page.get_by_role("group", name="Who is it about?").get_by_label("Someone who works in a school").check()
    page.get_by_label(re.compile("Which school")).fill("Hill Primary School")
    page.get_by_label("Their name").fill("A teaching assistant")
    page.get_by_role("group", name=re.compile("Could children be at risk")).get_by_label("Yes").check()
    fill_common(page, f"A teaching assistant sent friend requests to pupils and posted their photos ({width} px).")
    fits(page)
    screenshot(page, f"report-form-school-{width}")
    check_a11y(page)
    follow(page, lambda: page.get_by_role("button", name="Send report").click(), label=f"confirmation-school-{width}")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("It has been passed to the school")
    main = page.locator("main")
    expect(main).to_contain_text("Hill Primary School")
    expect(main).to_contain_text("Local Authority Designated Officer (LADO)")
    expect(page.get_by_role("link", name="head@hill-primary.sch.invalid")).to_be_visible()
    fits(page)


def test_an_answer_that_contradicts_is_shown_next_to_its_question(page, live_server):
    sign_in(page, live_server.people["employee"])
    visit(page, "/report/breach")
    page.get_by_role("group", name="Who is it about?").get_by_label(
        "A councillor (an elected member of the council)"
    ).check()
    fill_common(page, "Posted about a resident.")
    follow(page, lambda: page.get_by_role("button", name="Send report").click(), label="councillor-without-a-name")
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the councillor's name")
    # the answer stays chosen, and the message is next to the box the name goes in
    expect(page.get_by_role("group", name="Who is it about?").get_by_label(re.compile("A councillor"))).to_be_checked()
    expect(page.locator("#person_name-error")).to_contain_text("Enter the councillor's name")
