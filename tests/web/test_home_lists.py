"""The home page's lists of a person's work, read from indexes: the same cases, in the same order, as the rules say."""

from datetime import timedelta

from casework.models import utcnow
from casework.services import dashboard
from casework.services.leavers import leavers_with_open_cases, mark_leaver


def test_your_open_cases_are_those_you_own_or_investigate_soonest_deadline_first_without_one_last(
    make_department, make_user, make_case, db_session
):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Mo Manager")
    other = make_user("manager", department=housing, name="Olu Other")
    reporter = make_user(department=housing)
    subject = make_user(department=housing, line_manager=other)
    now = utcnow()

    def case_due(days, **people):
        case = make_case(reporter, subjects=[subject], **people)
        case.next_deadline_at = None if days is None else now + timedelta(days=days)
        return case

    owned_late = case_due(9, owner=manager)
    investigated_soon = case_due(2, owner=other, investigator=manager)
    both = case_due(5, owner=manager, investigator=manager)
    overdue = case_due(-3, owner=manager)
    no_deadline = case_due(None, owner=manager)
    closed = case_due(None, owner=manager)
    closed.stage = "closed"
    case_due(1, owner=other)  # not theirs
    db_session.flush()

    mine = dashboard.my_open_cases(manager)
    assert [c.id for c in mine] == [overdue.id, investigated_soon.id, both.id, owned_late.id, no_deadline.id]
    assert closed not in mine
    assert [c.id for c in dashboard.my_open_cases(manager, limit=2)] == [overdue.id, investigated_soon.id]
    assert [c.id for c in dashboard.my_open_cases(manager, limit=5)][-1] == no_deadline.id


def test_your_open_cases_leave_out_a_case_about_you(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    reporter = make_user(department=housing)
    about_them = make_case(reporter, subjects=[manager], owner=manager)
    about_them.next_deadline_at = utcnow() + timedelta(days=1)
    db_session.flush()
    assert dashboard.my_open_cases(manager) == []


def test_leavers_with_open_cases_count_each_case_once_and_leave_out_closed_ones(
    make_department, make_user, make_case, db_session
):
    housing = make_department("Housing")
    leaver = make_user("manager", department=housing, name="Lee Leaver")
    stayer = make_user("manager", department=housing)
    reporter, subject = make_user(department=housing), make_user(department=housing)
    make_case(reporter, subjects=[subject], owner=leaver, investigator=leaver)
    make_case(reporter, subjects=[subject], owner=stayer, investigator=leaver)
    make_case(reporter, subjects=[subject], owner=leaver).stage = "closed"
    make_case(reporter, subjects=[subject], owner=stayer)
    db_session.flush()
    assert leavers_with_open_cases() == []
    mark_leaver(None, leaver)
    db_session.flush()
    found = leavers_with_open_cases()
    assert [(f.person.id, f.open_cases) for f in found] == [(leaver.id, 2)]
