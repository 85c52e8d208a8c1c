"""Importing the staff directory into the database (issue 12, item 1): the service and the command."""

from datetime import date

import pytest
from sqlalchemy import func, select

from casework.models import AdminEvent, ApiToken, Department, Notification, PublishingRight, SocialAccount, User
from casework.services import staff_import, user_sessions
from casework.services import users as user_service
from casework.services.errors import InvalidInput

HEADER = (
    "Employee number,E-mail,First name,Last name,Job title,Department,Line manager,Staff type,"
    "Contractor organisation,Start date,Leaving date\n"
)


def csv_of(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


# The head of service's line comes after the people who report to them: managers are found in any order
DIRECTORY = csv_of(
    "E3,cam@council.example,Cam,Officer,Housing officer,Housing,E2,employee,,2021-01-04,",
    "E2,bea@council.example,Bea,Manager,Team manager,Housing,ada@council.example,employee,,01/02/2019,",
    "E1,ada@council.example,Ada,Head,Head of housing,Housing,,employee,,2015-09-01,",
    "E4,dan@council.example,Dan,Builder,Surveyor,Property,E2,contractor,Acme Surveys Ltd,,",
)


def person(session, email) -> User | None:
    return session.scalar(select(User).where(User.email == email))


def events(session, action=None) -> list[AdminEvent]:
    query = select(AdminEvent).order_by(AdminEvent.id)
    if action:
        query = query.where(AdminEvent.action == action)
    return list(session.scalars(query).all())


def run(data, **options):
    plan = staff_import.plan_import(data)
    return plan, staff_import.apply_import(plan, actor=options.pop("actor", None), **options)


def test_a_directory_creates_people_departments_and_line_managers(db_session):
    _, summary = run(DIRECTORY)
    assert summary | {} == {
        "rows": 4,
        "added": 4,
        "updated": 0,
        "leavers": 0,
        "departments_created": 2,
        "unchanged": 0,
        "bad_rows": 0,
    }
    cam, bea, ada, dan = (person(db_session, f"{n}@council.example") for n in ("cam", "bea", "ada", "dan"))
    assert (cam.line_manager, bea.line_manager, ada.line_manager, dan.line_manager) == (bea, ada, None, bea)
    assert (cam.name, cam.employee_number, cam.job_title, cam.department.name) == (
        "Cam Officer",
        "E3",
        "Housing officer",
        "Housing",
    )
    assert (bea.start_date, dan.staff_type, dan.contractor_org) == (date(2019, 2, 1), "contractor", "Acme Surveys Ltd")
    assert {p.role for p in (cam, bea, ada, dan)} == {"employee"} and not any(p.can_sign_in for p in (cam, bea))
    assert sorted(d.name for d in db_session.scalars(select(Department))) == ["Housing", "Property"]
    added = events(db_session, "person_added")
    assert len(added) == 4 and added[0].data["after"]["line_manager"] == "bea@council.example"
    assert added[0].data["row"] == 2 and added[0].data["source"] == "import"
    assert len(events(db_session, "department_created")) == 2
    [whole] = events(db_session, "staff_imported")
    assert whole.data["added"] == 4 and len(whole.data["file_sha256"]) == 64


def test_the_same_file_twice_changes_nothing(db_session):
    run(DIRECTORY)
    before = len(events(db_session))
    plan, summary = run(DIRECTORY)
    assert not plan.has_changes and summary["unchanged"] == 4
    assert len(events(db_session)) == before


def test_updates_match_by_employee_number_then_email_and_never_touch_roles(db_session, make_user):
    existing = make_user("manager", email="bea@council.example", name="Bea Old-Name")
    run(DIRECTORY)
    db_session.refresh(existing)
    assert (existing.role, existing.name, existing.employee_number) == ("manager", "Bea Manager", "E2")
    [updated] = events(db_session, "person_updated")
    assert updated.target_id == existing.id
    assert updated.data["before"]["name"] == "Bea Old-Name" and updated.data["after"]["name"] == "Bea Manager"
    # A new e-mail for the same employee number is an update, not a new person
    moved = DIRECTORY.replace(b"cam@council.example", b"cam.officer@council.example").replace(
        b",Housing,E2", b",Property,E2"
    )
    plan, summary = run(moved)
    assert (summary["added"], summary["updated"]) == (0, 1)
    cam = person(db_session, "cam.officer@council.example")
    assert cam.department.name == "Property" and person(db_session, "cam@council.example") is None


def test_a_leaving_date_that_has_passed_makes_a_leaver(db_session, make_user, make_case):
    run(DIRECTORY)
    bea = person(db_session, "bea@council.example")
    bea.role = "manager"
    hr = make_user("hr")
    account = SocialAccount(platform="x", handle="@council", department_id=bea.department_id, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(PublishingRight(user_id=bea.id, account_id=account.id, trained_on=date(2025, 1, 1)))
    user_service.issue_api_token(bea)
    case = make_case(hr, subjects=[make_user()], owner=bea)
    _, signed_in = user_sessions.start(bea, user_agent="test")
    leaving = DIRECTORY.replace(b"01/02/2019,", b"01/02/2019,2026-01-31")
    plan, summary = run(leaving)
    assert (summary["updated"], summary["leavers"]) == (1, 1)
    db_session.refresh(bea)
    assert not bea.active and bea.leaving_date == date(2026, 1, 31) and bea.left_at is not None
    assert signed_in.ended_at is not None  # their session on the server has ended
    assert db_session.scalar(select(ApiToken.revoked_at).where(ApiToken.user_id == bea.id)) is not None
    assert db_session.scalar(select(PublishingRight.status).where(PublishingRight.user_id == bea.id)) == "revoked"
    [left] = events(db_session, "person_left")
    assert (left.data["open_cases"], left.data["api_tokens_revoked"], left.data["rights_revoked"]) == (1, 1, 1)
    assert db_session.scalar(
        select(Notification.message).where(Notification.user_id == hr.id).order_by(Notification.id.desc())
    ).startswith("Bea Manager has left: 1 open case")
    assert case.owner_id == bea.id  # their history stays theirs until HR reassigns
    # The people they managed keep them as line manager, and the same file again changes nothing
    assert person(db_session, "cam@council.example").line_manager_id == bea.id
    assert not staff_import.plan_import(leaving).has_changes
    # A leaving date still to come is recorded, and nobody leaves yet
    run(DIRECTORY.replace(b"2015-09-01,", b"2015-09-01,2099-12-31"))
    assert person(db_session, "ada@council.example").active


def refused(data, *, expect_rows):
    plan = staff_import.plan_import(data)
    assert sorted(plan.problems) == expect_rows, plan.problems
    with pytest.raises(InvalidInput):
        staff_import.apply_import(plan, actor=None)
    return plan


def test_bad_rows_are_listed_and_nothing_is_applied(db_session):
    data = csv_of(
        "E1,ada@council.example,Ada,Head,,Housing,,employee,,,",
        "E2,bea@council.example,Bea,Manager,,Housing,E99,employee,,,",  # manager nowhere
        "E3,cam@council.example,Cam,Officer,,Housing,,wizard,,,",  # staff type
        "E4,ada@council.example,Ada,Again,,Housing,,employee,,,",  # duplicate e-mail (and row 2)
        "E5,eve@council.example,Eve,Early,,Housing,,employee,,32/01/2020,",  # date
        "E6,fay@council.example,Fay,Formula,,=cmd|' /C calc'!A0,,employee,,,",  # formula
    )
    plan = refused(data, expect_rows=[2, 3, 4, 5, 6, 7])
    assert "the line manager e99 is neither in the file nor in Casework" in plan.problems[3]
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    assert events(db_session) == [] and db_session.scalar(select(func.count()).select_from(Department)) == 0


def test_skip_bad_rows_imports_the_rest(db_session):
    data = csv_of(
        "E1,ada@council.example,Ada,Head,,Housing,,employee,,,",
        "E2,bea@council.example,Bea,Manager,,Housing,E1,wizard,,,",
        "E3,cam@council.example,Cam,Officer,,Housing,E2,employee,,,",  # manager's row cannot be imported
        "E4,dee@council.example,Dee,Deputy,,Housing,E1,employee,,,",
    )
    plan, summary = run(data, skip_bad_rows=True)
    assert sorted(plan.problems) == [3, 4]
    assert "their line manager is on row 3, which cannot be imported" in plan.problems[4]
    assert summary["added"] == 2
    assert person(db_session, "dee@council.example").line_manager == person(db_session, "ada@council.example")
    assert events(db_session, "staff_imported")[0].data["bad_rows_skipped"] == [3, 4]


def test_a_loop_of_line_managers_is_refused(db_session, make_user):
    loop = csv_of(
        "E1,ada@council.example,Ada,Head,,,E3,employee,,,",
        "E2,bea@council.example,Bea,Manager,,,E1,employee,,,",
        "E3,cam@council.example,Cam,Officer,,,bea@council.example,employee,,,",
        "E4,dee@council.example,Dee,Deputy,,,E1,employee,,,",
        "E5,eve@council.example,Eve,Self,,,E5,employee,,,",
    )
    plan = refused(loop, expect_rows=[2, 3, 4, 5, 6])
    assert "the line managers go round in a loop (with row 3, 4)" in plan.problems[2]
    assert "their own manager" in plan.problems[6][0]
    # A loop through someone in Casework who is not in the file
    boss = make_user(email="zed@council.example", name="Zed")
    run(csv_of("E1,ada@council.example,Ada,Head,,,zed@council.example,employee,,,"))
    boss.line_manager_id = person(db_session, "ada@council.example").id
    db_session.flush()
    refused(
        csv_of(
            "E2,bea@council.example,Bea,Manager,,,zed@council.example,employee,,,",
            "E1,ada@council.example,Ada,Head,,,bea@council.example,employee,,,",
        ),
        expect_rows=[2, 3],
    )


def test_an_email_and_number_of_two_different_people_is_refused(db_session, make_user):
    run(csv_of("E1,ada@council.example,Ada,Head,,,,employee,,,", "E2,bea@council.example,Bea,M,,,,employee,,,"))
    plan = refused(csv_of("E1,bea@council.example,Ada,Head,,,,employee,,,"), expect_rows=[2])
    assert "belongs to Bea M, but employee number E1 to Ada Head" in plan.problems[2][0]
    make_user(email="kim@council.example", name="Kim")
    db_session.execute(select(User))
    kim = person(db_session, "kim@council.example")
    kim.employee_number = "K1"
    db_session.flush()
    plan = refused(csv_of("K2,kim@council.example,Kim,Lee,,,,employee,,,"), expect_rows=[2])
    assert "belongs to employee number K1" in plan.problems[2][0]


@pytest.mark.parametrize(
    "data, words",
    [
        (b"Name;Email\n" + "Zoë;z@x.example\n".encode("cp1252"), "not UTF-8"),
        (b"Employee number,First name\nE1,Ada\n", "no column for"),
        (b"\x00\x01\x02binary", "binary"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(db_session, data, words):
    with pytest.raises(InvalidInput) as error:
        staff_import.plan_import(data)
    assert words in error.value.message


def test_the_command(app, db_session, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(DIRECTORY)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["casework", "import-staff", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run, nothing changed. 4 rows: 4 to add" in result.output
    assert person(db_session, "ada@council.example") is None
    result = runner.invoke(args=["casework", "import-staff", str(path)])
    assert result.exit_code == 0 and "Imported 4 rows: 4 added" in result.output
    assert person(db_session, "ada@council.example") is not None

    path.write_bytes(
        csv_of("E9,nine@council.example,Nine,Nine,,,E77,employee,,,", "E10,ten@council.example,Ten,Ten,,,,robot,,,")
    )
    result = runner.invoke(args=["casework", "import-staff", str(path)])
    assert result.exit_code == 1
    assert "Row 2: the line manager e77 is neither in the file nor in Casework" in result.output
    assert "Row 3: “robot” is not a staff type" in result.output
    assert "Nothing was imported" in result.output and person(db_session, "ten@council.example") is None
    result = runner.invoke(args=["casework", "import-staff", str(path), "--skip-bad-rows"])
    assert result.exit_code == 0 and "2 bad rows skipped" in result.output

    path.write_bytes("Employee number,E-mail,First name,Last name\nE1,zoë@x.example,Zoë,Ö\n".encode("cp1252"))
    result = runner.invoke(args=["casework", "import-staff", str(path)])
    assert result.exit_code == 1 and "Error: The file is not UTF-8" in result.output


def test_a_column_the_file_does_not_have_leaves_that_detail_alone(db_session):
    run(DIRECTORY)
    cam = person(db_session, "cam@council.example")
    plan, summary = run(
        b"Employee number,E-mail,First name,Last name,Department\nE3,cam@council.example,Cam,Officer,Property\n"
    )
    assert [c.after for c in plan.updates] == [{"department": "Property"}]
    db_session.expire_all()
    assert (cam.job_title, cam.line_manager.email, str(cam.start_date)) == (
        "Housing officer",
        "bea@council.example",
        "2021-01-04",
    )
