"""Issue 5 in a real browser: an HR officer opens the HR summary (charts drawn as
inline SVG, tables of figures), the register of council accounts and their
notifications. Every page is checked with axe-core (WCAG 2.2 AA) and
photographed."""

import re

from playwright.sync_api import expect

from .conftest import follow, sign_in


def menu(page):
    return page.get_by_role("navigation", name="Menu")


def test_hr_summary_accounts_and_notifications(page, live_server):
    hr = live_server.people["hr"]
    sign_in(page, hr)
    expect(page.locator("header")).to_contain_text(f"{hr.name} (HR")

    # The HR summary: the last year's figures, with charts as inline SVG
    follow(page, lambda: menu(page).get_by_role("link", name="Reports", exact=True).click(), label="hr-summary")
    expect(page.locator("h1")).to_have_text("HR summary")
    expect(page).to_have_url(re.compile(r"/reports/summary$"))
    opened = page.locator(".govuk-summary-list__row").filter(has_text="Cases opened")
    expect(opened.locator(".govuk-summary-list__value")).to_have_text(re.compile(r"^\s*[1-9]\d*\s*$"))
    charts = page.locator("figure .app-chart svg")
    expect(charts).not_to_have_count(0)
    for index in range(charts.count()):
        chart = charts.nth(index)
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50, f"chart {index} is drawn too small: {box}"
    expect(page.get_by_role("table", name="Cases by stage")).to_be_visible()
    consistency = page.get_by_role("table", name="Number of outcomes by category and sanction")
    expect(consistency).to_contain_text("Party-political use or loss of impartiality")
    expect(consistency).to_contain_text("Training")
    expect(page.get_by_role("link", name="Download as PDF")).to_have_attribute("href", re.compile(r"summary\.pdf\?"))
    expect(page.get_by_role("link", name="Download as CSV")).to_have_attribute("href", re.compile(r"summary\.csv\?"))

    # The figures behind a chart open for a screen-reader or keyboard user
    figures = page.locator("details").filter(has_text="Figures for cases by category")
    figures.get_by_text("Figures for cases by category").click()
    expect(
        figures.get_by_role("listitem").filter(has_text="Party-political use or loss of impartiality: 1")
    ).to_be_visible()

    # The register of council accounts
    follow(page, lambda: menu(page).get_by_role("link", name="Accounts").click(), label="accounts")
    expect(page.locator("h1")).to_have_text("Council social media accounts")
    register = page.get_by_role("table", name="Council social media accounts")
    housing = register.get_by_role("row").filter(has_text="CouncilHousingNews")
    expect(housing).to_contain_text("Facebook")
    expect(housing).to_contain_text("Housing")
    expect(register.get_by_role("row").filter(has_text="@council_budget")).to_contain_text("Trial")
    follow(page, lambda: register.get_by_role("link", name="CouncilHousingNews").click(), label="account")
    expect(page.locator("h1")).to_contain_text("CouncilHousingNews")
    rights = page.get_by_role("table", name="People with a right to publish on CouncilHousingNews")
    expect(rights.get_by_role("row").filter(has_text=live_server.people["publisher"].name)).to_be_visible()

    # Notifications: HR hears of every new report
    follow(page, lambda: menu(page).get_by_role("link", name=re.compile(r"^Notifications")).click())
    expect(page.locator("h1")).to_have_text("Notifications")
    expect(page.get_by_role("table", name="Your latest notifications")).to_contain_text(live_server.cases["finance"])
