def test_sign_in_page(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_report_and_see(client, make_user, make_department, login_as):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing)
    subject = make_user(department=housing, line_manager=manager, password=None)
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
