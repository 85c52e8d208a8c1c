"""Issue 4 in a real browser: a breach case taken from report to closure by the
people the policy names, and an abuse case from report to the support the
victim is shown. Every page is checked with axe-core (WCAG 2.2 AA) and
photographed.

Breach: the employee reports a colleague who publishes on the council's
Housing account; the colleague's line manager takes ownership, suspends those
publishing rights and names a manager from another department to investigate;
the investigator records an interview and uploads a screenshot; HR records the
outcome (rights restored); the subject appeals and the appeal officer downloads
the appeal bundle; HR downloads the case report and closes the case; the
employee sees the report as concluded.
"""

import hashlib
import re
import struct
import zlib
from datetime import date, timedelta
from io import BytesIO
from pathlib import Path

import holidays
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from casework.domain.actions import ACTIONS
from casework.domain.working_days import add_working_days
from casework.services.bundle import verify_bundle

from .conftest import follow, sign_in, visit

REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")


def small_png(width: int = 24, height: int = 16) -> bytes:
    """A real PNG (a red rectangle), built by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes((200, 40, 40)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# --- steps -----------------------------------------------------------------------


def report(page, kind: str, fill) -> str:
    """Report from the menu, fill the form with `fill(page)`, send it; the new case's reference."""
    follow(
        page, lambda: page.get_by_role("navigation", name="Menu").get_by_role("link", name="Report", exact=True).click()
    )
    follow(page, lambda: page.get_by_role("link", name=re.compile(kind, re.I)).first.click())
    fill(page)
    follow(page, lambda: page.get_by_role("button", name="Send report").click(), label=f"{kind}-report-sent")
    banner = page.locator(".govuk-notification-banner--success .govuk-notification-banner__heading")
    expect(banner).to_contain_text("Report sent")
    return REFERENCE.search(banner.inner_text()).group(0)


def fill_incident(page, incident: date, what: str, what_happened: str) -> None:
    page.get_by_label("Where was it posted?").select_option("facebook")
    when = page.get_by_role("group", name="When did it happen?")
    when.get_by_label("Day").fill(str(incident.day))
    when.get_by_label("Month").fill(str(incident.month))
    when.get_by_label("Year").fill(str(incident.year))
    page.get_by_label(what).fill(what_happened)


def next_steps(page):
    """The "What happens next" list on the case page."""
    return page.get_by_role("heading", name="What happens next").locator("xpath=following-sibling::ul[1]")


def act(page, label: str, fill=None, *, slug: str) -> None:
    """From the case page: open the action's own form, fill it, confirm, and land back on the case."""
    follow(page, lambda: next_steps(page).get_by_role("link", name=label, exact=True).click(), label=f"{slug}-form")
    expect(page.locator("h1")).to_have_text(label)
    if fill:
        fill(page)
    follow(page, lambda: page.get_by_role("button", name=label, exact=True).click(), label=f"{slug}-done")
    action = next(action for action in ACTIONS.values() if action.label == label)
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(action.done)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)


ENGLAND_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(date.today().year, date.today().year + 2))


def summary_value(page, key: str):
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))
    )
    return row.first.locator(".govuk-summary-list__value")


def hold_the_hearing(app, reference: str) -> None:
    """The day of the hearing comes: the arranged hearing is moved to two hours ago."""
    from casework.extensions import db
    from casework.models import Case, utcnow

    with app.app_context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        case.hearing.hearing_at = utcnow() - timedelta(hours=2)
        db.session.commit()
        db.session.remove()


def open_case(page, reference: str) -> None:
    visit(page, f"/cases/{reference}", label=f"case-{reference}")
    expect(page.locator("h1")).to_have_text(f"Case {reference}")


# --- the tests -------------------------------------------------------------------


def test_breach_case_from_report_to_closure(page, open_page, live_server):
    people = live_server.people
    subject = people["publisher"]

    # The employee reports a colleague
    employee = page
    sign_in(employee, people["employee"])

    def fill_breach(page):
        page.get_by_label("Who is the report about?").fill(subject.name.split()[0][:4])
        page.get_by_role("option", name=re.compile(re.escape(subject.email))).click()
        expect(page.get_by_label("Who is the report about?")).to_have_value(subject.email)
        page.get_by_label("Bringing the council into disrepute").check()
        fill_incident(
            page,
            date.today() - timedelta(days=2),
            "What happened?",
            "Liam posted on the council's Housing page that the tenants on the Riverside estate are 'scroungers'.",
        )

    reference = report(employee, "breach", fill_breach)

    # The subject's line manager finds it on their dashboard, takes it on, suspends
    # the rights and names an investigator
    manager = open_page("manager")
    sign_in(manager, people["line_manager"])
    follow(manager, lambda: manager.get_by_role("link", name=reference).first.click(), label="case")
    expect(manager.locator("h1")).to_have_text(f"Case {reference}")
    expect(summary_value(manager, "Stage")).to_have_text("Reported")

    act(manager, "Take ownership", slug="take-ownership")
    expect(summary_value(manager, "Stage")).to_have_text("Assessment")
    expect(summary_value(manager, "Owner")).to_have_text(people["line_manager"].name)

    def fill_suspension(page):
        page.get_by_label("Whose publishing rights?").select_option(value=subject.email)
        page.get_by_label("CouncilHousingNews (facebook)").check()
        page.get_by_label("Why are the rights suspended?").fill("Posted on the council's page; suspended meanwhile.")

    act(manager, "Suspend publishing rights", fill_suspension, slug="suspend")
    expect(summary_value(manager, "Stage")).to_have_text("Rights suspended")
    suspensions = manager.get_by_role("table", name="Suspensions of publishing rights on this case")
    expect(suspensions).to_contain_text("CouncilHousingNews")
    expect(suspensions).to_contain_text("Active")

    def fill_investigation(page):
        page.get_by_label("Who will investigate?").select_option(value=people["investigator"].email)

    act(manager, "Start the investigation", fill_investigation, slug="investigation")
    expect(summary_value(manager, "Stage")).to_have_text("Investigation")
    expect(summary_value(manager, "Investigator")).to_have_text(people["investigator"].name)

    # The investigator (a manager in another department) records an interview and a screenshot
    investigator = open_page("investigator")
    sign_in(investigator, people["investigator"])
    open_case(investigator, reference)

    def fill_interview(page):
        page.get_by_role("group", name="What are you recording?").get_by_label("Interview record").check()
        page.get_by_label("For an interview: who was interviewed?").fill("Sam Jones")
        page.get_by_label("For an interview: in what role?").select_option("subject")
        page.get_by_label("Record", exact=True).fill("Liam accepted writing the post and has apologised.")

    act(investigator, "Add a note", fill_interview, slug="interview")
    expect(investigator.get_by_text("Liam accepted writing the post and has apologised.")).to_be_visible()

    follow(investigator, lambda: next_steps(investigator).get_by_role("link", name="Add evidence").click())
    expect(investigator.locator("h1")).to_have_text("Add evidence")
    png = small_png()
    investigator.get_by_label("Upload a file").set_input_files(
        {"name": "riverside-post.png", "mimeType": "image/png", "buffer": png}
    )
    investigator.get_by_label("Description (optional)").fill("Screenshot of the post, taken by the reporter.")
    follow(investigator, lambda: investigator.get_by_role("button", name="Add evidence").click(), label="evidence")
    expect(investigator.locator(".govuk-notification-banner--success")).to_contain_text("Evidence added.")
    evidence = investigator.get_by_role("table", name="Evidence on this case")
    expect(evidence.get_by_role("link", name="riverside-post.png")).to_be_visible()
    expect(evidence).to_contain_text(hashlib.sha256(png).hexdigest())

    # The investigator reports a finding on each allegation and recommends a hearing
    def fill_report(page):
        allegations = page.get_by_role("group", name=re.compile(re.escape(subject.name)))
        for i in range(allegations.count()):
            allegations.nth(i).get_by_label("Substantiated", exact=True).check()
        page.get_by_label("Summary of the investigation").fill("Liam wrote the post from his own account.")
        page.get_by_role("group", name="Recommendation").get_by_label("A disciplinary hearing").check()

    act(investigator, "Record the investigation report", fill_report, slug="investigation-report")
    expect(investigator.get_by_role("heading", name="Investigation report")).to_be_visible()

    # HR advises; the owner arranges the hearing, which HR will hear
    hr = open_page("hr")
    sign_in(hr, people["hr"])
    open_case(hr, reference)
    act(
        hr,
        "Record HR advice",
        lambda page: page.get_by_label("Advice to the person deciding").fill(
            "A final written warning is consistent with similar cases."
        ),
        slug="hr-advice",
    )
    hearing_day = add_working_days(date.today(), 6, ENGLAND_HOLIDAYS)
    open_case(manager, reference)

    def fill_hearing(page):
        page.get_by_label("Hearing officer", exact=True).select_option(value=people["hr"].email)
        day = page.get_by_role("group", name="Date of the hearing")
        day.get_by_label("Day").fill(str(hearing_day.day))
        day.get_by_label("Month").fill(str(hearing_day.month))
        day.get_by_label("Year").fill(str(hearing_day.year))
        page.get_by_label("Time", exact=True).fill("10:30")
        page.get_by_role("group", name="Who is invited?").get_by_label(subject.name).check()

    act(manager, "Arrange a disciplinary hearing", fill_hearing, slug="hearing")
    expect(summary_value(manager, "Stage")).to_have_text("Hearing")
    expect(summary_value(manager, "Hearing officer")).to_have_text(people["hr"].name)
    hold_the_hearing(live_server.app, reference)

    def fill_outcome(page):
        expect(page.get_by_role("heading", name="Warnings on record")).to_be_visible()
        page.get_by_role("group", name=f"Finding for {subject.name}").get_by_label("Substantiated", exact=True).check()
        page.get_by_role("group", name=f"Sanction for {subject.name}").get_by_label("Final written warning").check()
        rights = page.get_by_role("group", name=f"{subject.name}'s publishing rights")
        rights.get_by_label("Publishing rights restored").check()
        page.get_by_label("The content has been removed").check()
        page.get_by_label("Summary of the decision").fill(
            "The post brought the council into disrepute. Final written warning; rights restored after training."
        )
        page.get_by_label("Companion").fill("A trade union representative")

    open_case(hr, reference)
    act(hr, "Record the outcome", fill_outcome, slug="outcome")
    expect(summary_value(hr, "Stage")).to_have_text("Outcome")
    expect(summary_value(hr, "Finding")).to_have_text("Substantiated")
    expect(summary_value(hr, "Publishing rights")).to_have_text("Publishing rights restored")
    expect(hr.get_by_role("table", name="Suspensions of publishing rights on this case")).not_to_contain_text("Active")
    expect(hr.get_by_text("the appeal window is open")).to_be_visible()  # why it cannot close yet

    # Liam appeals; a head of service hears the appeal and varies it to a first written warning
    def fill_appeal(page):
        page.get_by_label("Whose appeal?").select_option(value=subject.email)
        page.get_by_label("Grounds of appeal").fill("A first mistake; the post was removed within the hour.")
        page.get_by_label("Appeal officer", exact=True).select_option(value=people["head_of_service"].email)

    open_case(manager, reference)
    act(manager, "Lodge an appeal", fill_appeal, slug="appeal")
    expect(summary_value(manager, "Stage")).to_have_text("Appeal")
    officer = open_page("appeal-officer")
    sign_in(officer, people["head_of_service"])
    open_case(officer, reference)

    # The appeal officer downloads the appeal bundle: the screenshot is one of its pages, every page is
    # numbered and marked, and its seal holds
    documents = officer.get_by_role("heading", name="Documents").locator("xpath=following-sibling::ul[1]")
    with officer.expect_download() as download_info:
        documents.get_by_role("link", name="Download hearing bundle").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-appeal-bundle.pdf"
    bundle = Path(download.path()).read_bytes()
    pages = [p.extract_text() for p in PdfReader(BytesIO(bundle)).pages]
    assert f"Appeal bundle – case {reference}" in pages[0]
    assert all(f"Page {n} of {len(pages)}" in text and "OFFICIAL-SENSITIVE" in text for n, text in enumerate(pages, 1))
    assert any("riverside-post.png" in text and "SHA-256" in text for text in pages[1:])
    with live_server.app.app_context():
        assert verify_bundle(bundle).valid

    def fill_decision(page):
        page.get_by_label("Whose appeal?").select_option(value=subject.email)
        page.get_by_role("group", name="Result").get_by_label("Varied: a different sanction").check()
        page.get_by_role("group", name="When varied: the new sanction").get_by_label("First written warning").check()
        page.get_by_label("Reasons for the decision").fill("A first breach, quickly put right.")

    act(officer, "Decide the appeal", fill_decision, slug="appeal-decision")
    expect(summary_value(officer, "Stage")).to_have_text("Outcome")
    expect(officer.get_by_role("heading", name="Earlier outcomes (superseded)")).to_be_visible()

    # HR takes the case report and closes the case
    open_case(hr, reference)
    documents = hr.get_by_role("heading", name="Documents").locator("xpath=following-sibling::ul[1]")
    with hr.expect_download() as download_info:
        documents.get_by_role("link", name="Case report (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-case-report.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert reference in text
    assert "OFFICIAL-SENSITIVE" in text
    assert "riverside-post.png" in text

    act(hr, "Close the case", slug="close")
    expect(summary_value(hr, "Stage")).to_have_text("Closed")
    # A closed case is read-only: all HR may do is reopen it
    expect(next_steps(hr).get_by_role("link")).to_have_text(["Reopen the case"])
    expect(hr.get_by_label("Add information")).to_have_count(0)

    # The employee, still signed in, sees their report concluded
    follow(employee, lambda: employee.get_by_role("link", name="My reports").click())
    row = employee.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Concluded")
    follow(employee, lambda: row.get_by_role("link", name=reference).click(), label="concluded-report")
    expect(employee.locator("h1")).to_have_text(f"Your report {reference}")
    expect(employee.get_by_text("We have finished looking into your report.")).to_be_visible()
    # A breach reporter is not told the outcome
    expect(employee.get_by_text("written warning")).to_have_count(0)


def test_abuse_case_support_is_shown_to_the_victim(page, open_page, live_server):
    people = live_server.people
    support = "We reported the posts to Facebook, asked for their removal and arranged a welfare call with you."

    victim = page
    sign_in(victim, people["employee"])

    def fill_abuse(page):
        page.get_by_label("Threats").check()
        fill_incident(
            page,
            date.today() - timedelta(days=1),
            "What happened to you?",
            "After the estate meeting someone posted my photo and said they would wait for me outside the office.",
        )

    reference = report(victim, "abuse", fill_abuse)

    # The victim's line manager takes the case and records the support given
    manager = open_page("manager")
    sign_in(manager, people["line_manager"])
    open_case(manager, reference)
    expect(summary_value(manager, "Reported by (the person abused)")).to_have_text(people["employee"].name)
    act(manager, "Take ownership", slug="take-ownership")
    act(manager, "Record support given", lambda page: page.get_by_label("What was done?").fill(support), slug="support")
    expect(summary_value(manager, "Stage")).to_have_text("Support")

    # The victim sees what was done
    follow(victim, lambda: victim.get_by_role("link", name="My reports").click())
    row = victim.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text("Being looked into")
    follow(victim, lambda: row.get_by_role("link", name=reference).click(), label="victim-report")
    expect(victim.get_by_role("heading", name="What we have done to support you")).to_be_visible()
    expect(victim.get_by_text(support)).to_be_visible()
