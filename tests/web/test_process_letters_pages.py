"""The invitation to a hearing already arranged gives its date and time: the page asks only for the place."""

from sqlalchemy import select

from casework.models import Letter
from tests.integration.test_process_letters import at, heard, people  # noqa: F401


def test_an_arranged_hearing_fixes_the_invitations_date_and_time(
    client,
    login_as,
    people,  # noqa: F811
    make_case,
    db_session,
):
    p = people
    case = heard(p, make_case, db_session)
    url = f"/cases/{case.reference}/letters/disciplinary_hearing?subject={p['subject'].email}"
    with at(0):
        login_as(p["manager"])
        client.get("/")  # a page with the new session's CSRF token
        page = client.get(url).get_data(as_text=True)
        assert "The hearing is arranged for 9 March 2026 at 10:00" in page
        assert 'name="meeting_date-day"' not in page and 'name="meeting_time"' not in page
        assert 'name="meeting_place"' in page
        missing = client.post(url, data={})
        assert missing.status_code == 422 and "Enter where the meeting will be held" in missing.get_data(as_text=True)
        drafted = client.post(url, data={"meeting_place": "Committee Room 1"})
        assert drafted.status_code == 302
    letter = db_session.scalars(select(Letter).where(Letter.case_id == case.id)).one()
    assert (letter.meeting_date.isoformat(), letter.meeting_time, letter.meeting_place) == (
        "2026-03-09",
        "10:00",
        "Committee Room 1",
    )
    assert "Monday 9 March 2026" in letter.body and "screenshot.png" in letter.body
    # The contractor is dealt with under the contractor's own procedures: no invitation is offered
    with at(0):
        choose = client.get(f"/cases/{case.reference}/letters").get_data(as_text=True)
    assert f"/letters/disciplinary_hearing?subject={p['contractor'].email}" not in choose
