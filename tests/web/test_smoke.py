import html
import re


def test_sign_in_page(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def words(response) -> str:
    """The page's text as a reader sees it: tags removed, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def test_report_and_see(client, make_user, make_department, login_as):
    """The reporter sends a report and sees it as a reporter does: the reference, a plain status,
    what they told us, and nothing of how the council handles it."""
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Morgan Manager")
    subject = make_user(department=housing, line_manager=manager, password=None, name="Sam Subject")
    reporter = make_user(department=housing)
    login_as(reporter)
    client.get("/report/breach")
    response = client.post(
        "/report/breach",
        data={
            "subject_1": subject.email,
            "categories": ["defamation"],
            "platform": "x",
            "incident_date": ["3", "2", "2026"],
            "description": "Said untrue things",
        },
    )
    assert response.status_code == 302, response.data
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = words(page)
    reference = response.headers["Location"].rsplit("/", 1)[-1]
    assert reference.startswith("SMC-")
    assert f"Report sent. Your reference is {reference}." in text
    assert "Your report" in text and reference in text
    assert "Status: Received" in text
    assert "We have received your report." in text
    assert "Said untrue things" in text and "3 February 2026" in text and "X (Twitter)" in text
    # Not the full view: no stage, chronology, people, owner or actions
    for internal in ("Chronology", "Sam Subject", "Morgan Manager", "Owner", "Take ownership", "Reported by"):
        assert internal not in text, internal
    # And it is listed among their reports
    mine = words(client.get("/my-reports"))
    assert reference in mine and "Received" in mine
