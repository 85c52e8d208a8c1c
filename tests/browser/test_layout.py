"""Pages fit the screen, on a phone (375 px) and a desktop (1280 px), whatever people typed.

A case carries a note with a 300-character link and a 5,000-character word, the
same in what the reporter added, and a file of evidence with its SHA-256. The
case page, the case list and the home page, for every role that sees them,
must not scroll sideways (the document is no wider than the window); a case
reference is never split across lines; a SHA-256 shows shortened, with a Copy
button that puts the whole value on the clipboard, also under the strict
Content-Security-Policy (no inline handlers).
"""

import io
import re
import struct
import zlib
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, Person, check_page, follow, sign_in, visit
from .test_content_security_policy import VIOLATION_RECORDER

WIDTHS = (375, 1280)
LONG_LINK = "https://social.example/" + "posts/" + "a1b2c3d4e5" * 27  # 300 characters, no break
LONG_WORD = "x" * 5000
REFERENCE = re.compile(r"SMC-\d{4}-\d{5}")

# How wide the document is against the window, and every case reference on the page drawn on more than one line
MEASURE = """() => {
  const wrapped = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const pattern = /SMC-\\d{4}-\\d{5}/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement || !node.parentElement.offsetParent) continue;  // not displayed
    for (const match of node.textContent.matchAll(pattern)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) wrapped.push(match[0]);
    }
  }
  return {
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    innerWidth: window.innerWidth,
    references: [...document.body.innerText.matchAll(pattern)].length,
    wrapped,
  };
}"""


def _png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes((30, 120, 60)) * 4 for _ in range(4))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def parks(live_server):
    """A Parks department of its own: a reporter, a line manager, a head of service, an HR officer and an
    administrator (both enrolled in two-factor sign-in), and a case about a contractor with long text."""
    from casework.domain.intake import ReportInput
    from casework.extensions import db
    from casework.services import cases as case_service
    from casework.services import evidence as evidence_service
    from casework.services import two_factor
    from casework.services import users as user_service
    from casework.services import workflow as workflow_service

    people = {
        "reporter": Person("pat.reed@council.test", "Pat Reed"),
        "manager": Person("mo.farah.parks@council.test", "Morag Fairley"),
        "head_of_service": Person("hugo.stone@council.test", "Hugo Stone"),
        "hr": Person("hana.ito@council.test", "Hana Ito", totp_secret="KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"),
        "admin": Person("ada.wolfe@council.test", "Ada Wolfe", totp_secret="MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"),
    }
    with live_server.app.app_context():
        make = user_service.create_user
        user_service.create_department("Parks")
        manager = make(
            people["manager"].email, name="Morag Fairley", role="manager", department="Parks", password=PASSWORD
        )
        make(
            people["head_of_service"].email,
            name="Hugo Stone",
            role="head_of_service",
            department="Parks",
            password=PASSWORD,
        )
        user_service.create_department("Parks", people["head_of_service"].email)
        reporter = make(
            people["reporter"].email, name="Pat Reed", department="Parks", line_manager=manager.email, password=PASSWORD
        )
        make(
            "cal.dunn@greenways.test",
            name="Cal Dunn",
            department="Parks",
            line_manager=manager.email,
            staff_type="contractor",
            contractor_org="Greenways Ltd",
        )
        for key in ("hr", "admin"):
            person = people[key]
            user = make(
                person.email, name=person.name, role=key, department="Parks" if key == "hr" else None, password=PASSWORD
            )
            two_factor.store_secret(user, person.totp_secret)
        case = case_service.report_case(
            reporter,
            ReportInput(
                kind="breach",
                subjects=["cal.dunn@greenways.test"],
                categories=["disrepute"],
                platform="facebook",
                content_url=LONG_LINK,
                incident_date=date.today() - timedelta(days=3),
                description=f"Cal posted about the park closure, see {LONG_LINK} and this: {LONG_WORD}",
            ),
        )
        case_service.add_information(case, reporter, f"The same post again: {LONG_LINK}\n{LONG_WORD}")
        workflow_service.perform(case, manager, "take_ownership", {}, version=case.version)
        workflow_service.perform(
            case,
            manager,
            "add_note",
            {"kind": "note", "text": f"Link: {LONG_LINK} word: {LONG_WORD}"},
            version=case.version,
        )
        evidence = evidence_service.add_file(
            case, manager, io.BytesIO(_png()), "screenshot-of-the-post.png", LONG_WORD[:300]
        )
        db.session.commit()
        reference, digest = case.reference, evidence.sha256
    return {"people": people, "reference": reference, "sha256": digest}


def _check_fits(page, label: str) -> None:
    """At each width: the page is no wider than the window and no reference wraps; screenshots of both."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        measured = page.evaluate(MEASURE)
        check_page(page, f"{label}-{width}")
        assert measured["scrollWidth"] <= width, (
            f"{page.url} at {width} px is {measured['scrollWidth']} px wide: it scrolls sideways"
        )
        assert measured["bodyScrollWidth"] <= width, (
            f"{page.url} at {width} px: the body is {measured['bodyScrollWidth']} px"
        )
        assert not measured["wrapped"], (
            f"{page.url} at {width} px: references split across lines: {measured['wrapped']}"
        )


def _signed_in(open_page, person, who):
    page = open_page(who)
    sign_in(page, person, label=f"sign-in-{who}")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_the_case_page_fits_a_phone_and_a_desktop_for_everyone_who_sees_it(open_page, parks):
    people, reference = parks["people"], parks["reference"]
    for who in ("hr", "manager", "head_of_service", "reporter"):
        page = _signed_in(open_page, people[who], who)
        visit(page, f"/cases/{reference}", label=f"case-{who}")
        expect(page.locator("h1")).to_contain_text(reference)
        if who != "reporter":
            # The long link and the long word are there, in full, and wrap
            expect(page.get_by_text(LONG_WORD[:50], exact=False).first).to_be_visible()
            hash_cell = page.locator(".app-hash").first
            expect(hash_cell.locator(".app-hash__short")).to_have_text(parks["sha256"][:12] + "…")
            expect(hash_cell.get_by_role("button", name=re.compile("^Copy"))).to_be_visible()
        _check_fits(page, f"case-{who}")


def test_the_case_list_and_the_home_page_fit_for_every_role(open_page, parks):
    people = parks["people"]
    for who in ("reporter", "manager", "head_of_service", "hr", "admin"):
        page = _signed_in(open_page, people[who], who)
        visit(page, "/", label=f"home-{who}")
        _check_fits(page, f"home-{who}")
        if who in ("manager", "head_of_service", "hr"):
            visit(page, "/cases", label=f"cases-{who}")
            expect(page.get_by_role("link", name=parks["reference"])).to_be_visible()
            _check_fits(page, f"cases-{who}")
        if who == "reporter":
            visit(page, "/my-reports", label="my-reports")
            _check_fits(page, "my-reports")


def test_copy_puts_the_whole_sha256_on_the_clipboard_under_the_strict_policy(chromium_browser, live_server, parks):
    context = chromium_browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_init_script(VIOLATION_RECORDER)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        manager = parks["people"]["manager"]
        page.goto("/sign-in")
        page.get_by_label("Email address").fill(manager.email)
        page.get_by_label("Password", exact=True).fill(manager.password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        page.goto(f"/cases/{parks['reference']}")
        button = page.locator(".app-hash").first.locator("button[data-copy-text]")
        expect(button).to_have_accessible_name("Copy the SHA-256 of screenshot-of-the-post.png")
        button.click()
        expect(button).to_have_accessible_name(re.compile("^Copied"))
        assert page.evaluate("navigator.clipboard.readText()") == parks["sha256"]
        expect(page.locator(".app-copy-button__status").first).to_have_text("Copied to the clipboard")
        # The whole value, for reading, one click away without the clipboard
        page.locator(".app-hash__full summary").first.click()
        expect(page.locator(".app-hash__full code").first).to_have_text(parks["sha256"])
        assert page.evaluate("window.__cspViolations") == []
        assert not errors
    finally:
        context.close()


def test_the_case_list_searched_with_its_subject_owner_and_deadline_columns_fits(open_page, parks):
    """HR searches for the contractor by name and sorts by next deadline: the list's columns for the
    subject, the owner and the next deadline fit a phone (each case stacked, its values labelled) and a
    desktop."""
    page = _signed_in(open_page, parks["people"]["hr"], "hr")
    visit(page, "/cases", label="cases-hr-before-search")
    page.get_by_label("Search cases").fill("Cal Dunn")
    page.get_by_label("Sort by").select_option("deadline")
    follow(page, lambda: page.get_by_role("button", name="Search and filter").click(), label="cases-searched")
    assert "q=Cal+Dunn" in page.url and "sort=deadline" in page.url
    table = page.get_by_role("table", name="Cases you can see")
    for heading in ("Subject", "Owner", "Next deadline"):
        expect(table.get_by_role("columnheader", name=heading)).to_be_visible()
    row = table.get_by_role("row").filter(has=page.get_by_role("link", name=parks["reference"]))
    expect(row).to_contain_text("Cal Dunn")
    expect(row).to_contain_text("Morag Fairley")
    expect(page.get_by_label("Search cases")).to_have_value("Cal Dunn")
    _check_fits(page, "cases-searched")
    # On a phone each case is a block of its own, each value under its column's name: nothing to scroll
    page.set_viewport_size({"width": 375, "height": 900})
    region = page.get_by_role("region", name="Cases you can see")
    assert region.evaluate("box => box.scrollWidth <= box.clientWidth"), "the table is no wider than the screen"
    owner = row.get_by_role("cell").filter(has_text="Morag Fairley")
    assert owner.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Owner"'
    visit(page, "/cases?q=nothing+like+this", label="cases-no-match")
    expect(page.get_by_text("No cases match your search and filters.")).to_be_visible()
    _check_fits(page, "cases-no-match")


def test_notifications_and_api_tokens_fit_a_phone(open_page, parks, live_server):
    """A notice about a report routed to a procedure whose contact is not configured names the setting in a
    sentence and wraps; the table of API tokens scrolls inside its own box."""
    from casework.domain.intake import ReportInput
    from casework.extensions import db
    from casework.models import User
    from casework.services import api_tokens
    from casework.services import cases as case_service

    people = parks["people"]
    with live_server.app.app_context():
        assert not live_server.app.config.get("WHISTLEBLOWING_EMAIL")
        hr = db.session.query(User).filter_by(email=people["hr"].email).one()
        reporter = db.session.query(User).filter_by(email=people["reporter"].email).one()
        api_tokens.create(hr, label="Nightly export to the HR system", days=30, actor=hr)
        case_service.report_case(
            reporter,
            ReportInput(
                kind="breach",
                subjects=[people["manager"].email],
                categories=["disrepute"],
                platform="facebook",
                content_url="https://www.facebook.com/post/2",
                incident_date=date.today() - timedelta(days=1),
                description="Raised as a whistleblowing concern about the parks budget posts.",
                whistleblowing=True,
            ),
        )
        db.session.commit()
    page = _signed_in(open_page, people["hr"], "hr-narrow")
    visit(page, "/notifications")
    expect(page.locator("main")).to_contain_text(
        "No address for the council's whistleblowing officer is configured, so they have not been told: pass the "
        "report on yourself, and ask your administrator to set WHISTLEBLOWING_EMAIL."
    )
    expect(page.locator("main")).not_to_contain_text("(WHISTLEBLOWING_EMAIL)")
    _check_fits(page, "notifications")
    visit(page, "/your-account/api-tokens")
    tokens = page.get_by_role("region", name="Your API tokens")
    expect(tokens.get_by_role("table")).to_contain_text("Nightly export to the HR system")
    _check_fits(page, "api-tokens")
