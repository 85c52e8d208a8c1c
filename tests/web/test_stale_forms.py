"""A form opened on an older version of a case keeps what was typed and shows what changed
(issue 9, item 6): "This case changed since you opened it" never throws work away."""

import html
import re

import pytest
from sqlalchemy import func, select

from casework.domain.actions import ACTIONS
from casework.models import CaseEvent, Note
from casework.services import workflow as workflow_service
from casework.services.cases import add_information
from casework.web.action_forms import FORMS


@pytest.fixture
def people(make_department, make_user):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Morgan Manager")
    return {
        "manager": manager,
        "hr": make_user("hr", name="Harper HR"),
        "subject": make_user(department=housing, line_manager=manager, password=None),
        "reporter": make_user(department=housing, name="Rita Reporter"),
    }


@pytest.fixture
def case(make_case, people, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    workflow_service.perform(case, people["manager"], "take_ownership", {}, version=case.version)
    db_session.flush()
    return case


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def events(db_session, case) -> int:
    return db_session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id))


def test_a_note_from_a_stale_form_is_shown_again_with_the_changes_and_then_saved(
    client, login_as, people, case, db_session
):
    login_as(people["manager"])
    url = f"/cases/{case.reference}/actions/add_note"
    tab_one = client.get(url).get_data(as_text=True)
    tab_two = client.get(url).get_data(as_text=True)
    first = {"version": hidden(tab_one, "version"), "seen_event": hidden(tab_one, "seen_event")}
    assert (
        client.post(url, data={**first, "kind": "note", "text": "Spoke to the subject's manager."}).status_code == 302
    )

    typed = "Called the resident back: <they> confirmed the post is still up & shared."
    before = events(db_session, case)
    second = {"version": hidden(tab_two, "version"), "seen_event": hidden(tab_two, "seen_event")}
    response = client.post(url, data={**second, "kind": "meeting", "text": typed})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "This case changed since you opened it" in page
    assert typed in html.unescape(page)  # the text is in the form again
    assert re.search(r'value="meeting"[^>]*checked', page)  # and so is the choice
    changes = page[page.index('id="changes-since"') : page.index("</table>", page.index('id="changes-since"'))]
    assert "Note added" in changes and "Morgan Manager" in changes
    assert events(db_session, case) == before  # nothing saved
    # The form now carries the latest version: sending it again saves the note
    resent = {"version": hidden(page, "version"), "seen_event": hidden(page, "seen_event")}
    assert resent["version"] == str(case.version)
    response = client.post(url, data={**resent, "kind": "meeting", "text": typed})
    assert response.status_code == 302
    assert db_session.scalar(select(Note.text).where(Note.case_id == case.id).order_by(Note.id.desc())) == typed


def _fill(app, case, action: str) -> dict:
    """Something typed in every field the action's form shows on this case; text fields get words that can be
    found again."""
    data = {}
    with app.test_request_context():
        form = FORMS[ACTIONS[action]].for_case(case)(meta={"csrf": False})
        form.setup(case, {"accounts": [], "investigators": [], "officers": [], "actor_id": 0})
    for field in form:
        if field.name in ("csrf_token", "version", "seen_event", "submit"):
            continue
        if field.type in ("TextAreaField", "StringField"):
            data[field.name] = f"Typed for {action} in {field.name}"
        elif field.type == "BooleanField":
            data[field.name] = "y"
        else:
            data[field.name] = "x"
    return data


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_action_form_keeps_what_was_typed_when_the_case_changed(
    app, client, login_as, people, case, db_session, action
):
    """HR opens the action's form; the reporter adds information meanwhile; HR's form comes back with the text."""
    login_as(people["hr"])
    url = f"/cases/{case.reference}/actions/{action}"
    opened = client.get(url)
    page = opened.get_data(as_text=True)
    version = hidden(page, "version") if opened.status_code == 200 and 'name="version"' in page else str(case.version)
    seen = hidden(page, "seen_event") if 'name="seen_event"' in page else ""
    add_information(case, people["reporter"], "The post was shared again this morning.", version=case.version)
    db_session.commit()
    before = events(db_session, case)
    typed = _fill(app, case, action)
    response = client.post(url, data={"version": version, "seen_event": seen, **typed})
    assert response.status_code == 409, action
    page = html.unescape(response.get_data(as_text=True))
    assert "This case changed since you opened it" in page
    assert "Information added" in page[page.index('id="changes-since"') :]
    for name, value in typed.items():
        if value.startswith("Typed for"):
            assert value in page, f"{action}: {name} lost"
    assert events(db_session, case) == before


def test_a_reporters_information_from_a_stale_page_is_kept(client, login_as, people, case, db_session):
    login_as(people["reporter"])
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    workflow_service.perform(
        case, people["manager"], "add_note", {"kind": "note", "text": "Internal only"}, version=case.version
    )
    db_session.commit()
    typed = "I found a second post from the same account."
    response = client.post(
        f"/cases/{case.reference}/information",
        data={"version": hidden(page, "version"), "seen_event": hidden(page, "seen_event"), "text": typed},
    )
    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    assert "This case changed since you opened it" in page and typed in page
    assert "Internal only" not in page and "Add note" not in page  # a reporter is not shown internal changes
    response = client.post(
        f"/cases/{case.reference}/information",
        data={"version": hidden(page, "version"), "seen_event": hidden(page, "seen_event"), "text": typed},
    )
    assert response.status_code == 302
