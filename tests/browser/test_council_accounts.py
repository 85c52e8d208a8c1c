"""Council accounts from proposal to removal in a real browser (Social Networking Policy 7.2-7.4, 8.1): a
manager proposes an account (first without its purpose, which is refused), the council's Social Media Officer
(an employee of the Communications department) approves it, reviews its trial and records training. Every page
is checked with axe-core and photographed at 1280 px; the register and the account are photographed again on a
phone (375 px), where they must not scroll sideways."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, Person, follow, sign_in, sign_out, visit

HANDLE = "@housing_repairs"


@pytest.fixture(scope="module")
def officer(live_server):
    """The Social Media Officer: an employee of the Communications department, who acts for the team."""
    from casework.extensions import db
    from casework.services import users as user_service

    person = Person("sian.lloyd@council.test", "Sian Lloyd")
    with live_server.app.app_context():
        user_service.create_department("Communications")
        user_service.create_user(person.email, name=person.name, department="Communications", password=PASSWORD)
        db.session.commit()
    return person


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def fits_the_window(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


def test_propose_approve_and_review_an_account(page, live_server, officer):
    manager = live_server.people["line_manager"]
    sign_in(page, manager)
    follow(page, lambda: menu(page).get_by_role("link", name="Accounts").click(), label="register-manager")
    follow(page, lambda: page.get_by_role("button", name="Propose an account").click(), label="propose")
    page.get_by_label("Platform").select_option("instagram")
    page.get_by_label("Name or handle of the account").fill(HANDLE)
    page.get_by_label("Department that runs it").select_option(label="Housing")
    page.get_by_label("Who is it for?").fill("Council tenants")
    page.get_by_label("Who will run it?").fill("The repairs team's two coordinators")
    page.get_by_label("How will it be moderated?").fill("Comments checked twice a working day")
    page.get_by_label("How will it be resourced?").fill("Three hours a week")
    follow(page, lambda: page.get_by_role("button", name="Propose the account").click(), label="no-purpose")
    expect(page).to_have_title(re.compile(r"^Error: Propose a council social media account"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter what the account is for and how it will benefit the service"
    )
    page.get_by_label("What is it for?").fill("Tell tenants when repairs are booked and done")
    follow(page, lambda: page.get_by_role("button", name="Propose the account").click(), label="proposed")
    expect(page.locator("h1")).to_contain_text(HANDLE)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("added to the register as proposed")
    expect(page.get_by_role("button", name="Approve or refuse")).to_have_count(0)
    sign_out(page)

    sign_in(page, officer)
    follow(page, lambda: menu(page).get_by_role("link", name="Accounts").click(), label="register-officer")
    follow(page, lambda: page.get_by_role("link", name=HANDLE).click(), label="account-proposed")
    follow(page, lambda: page.get_by_role("button", name="Approve or refuse").click(), label="decision")
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("A clear brief with moderation and time set aside")
    follow(page, lambda: page.get_by_role("button", name="Record the decision").click(), label="approved")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is approved: its trial runs to")
    follow(page, lambda: page.get_by_role("button", name="Review the trial").click(), label="trial-review")
    page.get_by_label("Keep it: it becomes active").check()
    page.get_by_label("What the review found").fill("Tenants reply and the team keeps up")
    follow(page, lambda: page.get_by_role("button", name="Record the review").click(), label="kept")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("it is now active")

    visit(page, "/accounts/training", label="training")
    follow(page, lambda: page.get_by_role("button", name="Record training").click(), label="training-new")
    page.get_by_label("Who was trained?").select_option(label=f"{manager.name} ({manager.email})")
    follow(page, lambda: page.get_by_role("button", name="Record the training").click(), label="training-error")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of their social media training")

    # On a phone: the register and the account fit the window
    page.set_viewport_size({"width": 375, "height": 900})
    visit(page, "/accounts", label="register-375")
    fits_the_window(page)
    follow(page, lambda: page.get_by_role("link", name=HANDLE).click(), label="account-375")
    fits_the_window(page)
