"""Issue 9 in a real browser: "Add a note" in two tabs keeps the second note (item 6), and a reporter
attaches a screenshot to their report, then a Word statement, and downloads what they gave (item 9)."""

import hashlib
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.evidence_samples import docx_bytes

from .conftest import follow, sign_in, visit
from .test_case_lifecycle import act, fill_incident, next_steps, open_case, report, small_png


def test_add_a_note_in_two_tabs_keeps_the_second_note(page, open_page, live_server):
    people = live_server.people
    sign_in(page, people["employee"])

    def fill_breach(page):
        colleague = people["colleague"]
        page.get_by_label("Who is the report about?").fill(colleague.name.split()[0][:4])
        page.get_by_role("option", name=re.compile(re.escape(colleague.email))).click()
        expect(page.get_by_label("Who is the report about?")).to_have_value(colleague.email)
        page.get_by_label("Harassment or bullying").check()
        fill_incident(
            page,
            date.today() - timedelta(days=3),
            "What happened?",
            "Ben replied to a resident's post on the estate's Facebook group calling them a liar, twice.",
        )

    reference = report(page, "breach", fill_breach)

    first = open_page("tab-one")
    sign_in(first, people["line_manager"])
    open_case(first, reference)
    act(first, "Take ownership", slug="take-ownership")

    # Two tabs of the same person, both on "Add a note"
    second = first.context.new_page()
    second.checks = first.checks
    second.on("domcontentloaded", lambda p: p.checks.loaded.append(p.url))
    for tab in (first, second):
        if tab is second:
            visit(tab, f"/cases/{reference}", label="second-tab")
        follow(tab, lambda tab=tab: next_steps(tab).get_by_role("link", name="Add a note").click(), label="note-form")
        tab.get_by_label("Note", exact=True).check()
    first.get_by_label("Record", exact=True).fill("Phoned Ben's team leader: he has been told to stop replying.")
    follow(first, lambda: first.get_by_role("button", name="Add a note").click(), label="first-note-saved")
    expect(first.locator(".govuk-notification-banner--success")).to_contain_text("Note added.")

    typed = "Resident sent two more screenshots; the replies are still up at 17:05."
    second.get_by_label("Record", exact=True).fill(typed)
    follow(second, lambda: second.get_by_role("button", name="Add a note").click(), label="stale", status=409)
    expect(second.locator(".govuk-error-summary")).to_contain_text("This case changed since you opened it")
    expect(second.get_by_label("Record", exact=True)).to_have_value(typed)
    changes = second.get_by_role("table", name="Changes to the case since you opened this form, oldest first")
    expect(changes).to_contain_text("Note added")
    expect(changes).to_contain_text(people["line_manager"].name)

    follow(second, lambda: second.get_by_role("button", name="Add a note").click(), label="second-note-saved")
    expect(second.locator(".govuk-notification-banner--success")).to_contain_text("Note added.")
    expect(second.locator("main")).to_contain_text(typed)
    expect(second.locator("main")).to_contain_text("Phoned Ben's team leader")


def test_a_reporter_gives_files_and_downloads_their_own(page, live_server, tmp_path):
    people = live_server.people
    screenshot = tmp_path / "screenshot of the post.png"
    screenshot.write_bytes(small_png())
    statement = tmp_path / "My statement.docx"
    statement.write_bytes(docx_bytes())
    sign_in(page, people["employee"])

    def fill_abuse(page):
        page.get_by_label("Doxxing").check()
        fill_incident(
            page,
            date.today() - timedelta(days=1),
            "What happened to you?",
            "Someone posted my home address under the council's planning post, then deleted it an hour later.",
        )
        page.get_by_label("Screenshots or other files (optional)").set_input_files(str(screenshot))

    reference = report(page, "abuse", fill_abuse)
    files = page.get_by_role("heading", name="Files you gave").locator("xpath=following-sibling::ul[1]")
    expect(files).to_contain_text("screenshot of the post.png")

    page.get_by_label("Add screenshots or other files (optional)").set_input_files(str(statement))
    follow(page, lambda: page.get_by_role("button", name="Add information").click(), label="file-added")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Files added.")
    expect(files).to_contain_text("My statement.docx")

    with page.expect_download() as download_info:
        files.get_by_role("link", name="screenshot of the post.png").click()
    download = download_info.value
    assert download.suggested_filename == "screenshot of the post.png"
    assert hashlib.sha256(open(download.path(), "rb").read()).hexdigest() == hashlib.sha256(small_png()).hexdigest()
    assert page.url.endswith(f"/cases/{reference}")  # downloaded, never opened in the page
