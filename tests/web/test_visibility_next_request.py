"""The visibility filter's SQL is built once per person, role and department and kept in the process; what it
finds is never kept: a change of role or department shows on the very next request (issue 11, Rules)."""

from casework.extensions import db


def test_a_move_of_department_or_role_changes_the_list_on_the_next_request(
    client, login_as, make_department, make_user, make_case
):
    housing, parks = make_department("Housing"), make_department("Parks")
    manager = make_user("manager", department=housing, name="Mina Manager")
    reporter = make_user(department=parks)
    housing_case = make_case(reporter, subjects=[make_user(department=housing)])
    parks_case = make_case(reporter, subjects=[make_user(department=parks)])
    login_as(manager)

    def listed():
        db.session.expire_all()
        page = client.get("/cases").get_data(as_text=True)
        return {ref for ref in (housing_case.reference, parks_case.reference) if ref in page}

    assert listed() == {housing_case.reference}
    manager.department_id = parks.id
    db.session.flush()
    assert listed() == {parks_case.reference}
    assert client.get(f"/cases/{housing_case.reference}").status_code == 404
    manager.role = "employee"
    db.session.flush()
    assert listed() == set()
    manager.role = "hr"
    db.session.flush()
    assert listed() == {housing_case.reference, parks_case.reference}
