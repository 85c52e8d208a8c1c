"""Admin > Import the staff directory: upload, preview, confirm (issue 12, item 1)."""

import io
import re

import pytest
from sqlalchemy import func, select

from casework.models import AdminEvent, User

HEADER = "Employee number,E-mail,First name,Last name,Department,Line manager,Staff type,Leaving date\n"
FILE = (
    HEADER
    + "E2,bea@council.example,Bea,Manager,Housing,E1,employee,\n"
    + "E1,ada@council.example,Ada,Head,Housing,,employee,\n"
).encode()


def text_of(response) -> str:
    return response.get_data(as_text=True)


def people(session) -> int:
    return session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Ada Admin")


def upload(client, data: bytes, name="staff.csv"):
    client.get("/admin/import-staff")
    return client.post(
        "/admin/import-staff", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def test_upload_preview_and_confirm(client, login_as, admin, db_session, app, tmp_path):
    app.config["STAFF_IMPORT_DIR"] = str(tmp_path)
    login_as(admin)
    before = people(db_session)
    preview = upload(client, FILE)
    assert preview.status_code == 200
    html = text_of(preview)
    assert "Check the changes from the staff directory" in html
    assert "Bea Manager (bea@council.example)" in html and "Housing" in html
    assert people(db_session) == before  # nothing yet
    done = client.post(
        "/admin/import-staff/confirm",
        data={"file_sha256": hidden(html, "file_sha256"), "digest": hidden(html, "digest")},
    )
    assert done.status_code == 302
    assert people(db_session) == before + 2
    bea = db_session.scalar(select(User).where(User.email == "bea@council.example"))
    assert bea.line_manager.email == "ada@council.example"
    imported = db_session.scalar(select(AdminEvent).where(AdminEvent.action == "staff_imported"))
    assert imported.actor_id == admin.id
    audit = text_of(client.get("/admin/audit"))
    assert "Staff directory imported: 2 added" in audit and "Person added" in audit
    # The same file again: nothing to apply
    again = text_of(upload(client, FILE))
    assert "Nothing would change" in again and "Apply these changes" not in again
    assert list(tmp_path.iterdir()) != []


def test_a_confirmation_after_someone_else_changed_people_shows_the_new_preview(
    client, login_as, admin, db_session, app, tmp_path, make_user
):
    app.config["STAFF_IMPORT_DIR"] = str(tmp_path)
    login_as(admin)
    html = text_of(upload(client, FILE))
    make_user(email="bea@council.example", name="Bea Added Meanwhile")
    db_session.commit()  # as another administrator's request would
    before = people(db_session)
    response = client.post(
        "/admin/import-staff/confirm",
        data={"file_sha256": hidden(html, "file_sha256"), "digest": hidden(html, "digest")},
    )
    assert response.status_code == 409
    assert "People changed in Casework since you checked the file" in text_of(response)
    assert people(db_session) == before
    forged = client.post("/admin/import-staff/confirm", data={"file_sha256": "../../etc/passwd", "digest": "x"})
    assert forged.status_code == 302 and people(db_session) == before


def test_bad_rows_are_listed_and_need_a_choice_to_leave_them_out(client, login_as, admin, db_session, app, tmp_path):
    app.config["STAFF_IMPORT_DIR"] = str(tmp_path)
    login_as(admin)
    data = (
        FILE + b"E3,cam@council.example,Cam,=1+2,Housing,,employee,\nE4,dee@council.example,Dee,D,Housing,E1,robot,\n"
    )
    html = text_of(upload(client, data))
    assert re.search(r"<td[^>]*>4</td><td[^>]*>the last name looks like a spreadsheet formula", html)
    assert re.search(r"<td[^>]*>5</td><td[^>]*>“robot” is not a staff type", html)
    before = people(db_session)
    fields = {"file_sha256": hidden(html, "file_sha256"), "digest": hidden(html, "digest")}
    refused = client.post("/admin/import-staff/confirm", data=fields)
    assert refused.status_code == 422 and people(db_session) == before
    assert "Correct the rows in the file" in text_of(refused)
    done = client.post("/admin/import-staff/confirm", data={**fields, "skip_bad_rows": "y"})
    assert done.status_code == 302 and people(db_session) == before + 2


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "Choose the CSV file"),
        ("Employee number,E-mail,First name,Last name\nE1,zoë@x.example,Zoë,Ö\n".encode("cp1252"), "is not UTF-8"),
        (b"Name,Email\nAda,ada@x.example\n", "has no column for"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(client, login_as, admin, db_session, data, message):
    login_as(admin)
    before = people(db_session)
    response = upload(client, data)
    assert response.status_code == 422
    assert message in text_of(response) and people(db_session) == before


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "head_of_service"])
def test_only_administrators_import(client, login_as, make_user, role, db_session):
    login_as(make_user(role))
    assert client.get("/admin/import-staff").status_code == 404
    response = client.post(
        "/admin/import-staff", data={"file": (io.BytesIO(FILE), "s.csv")}, content_type="multipart/form-data"
    )
    assert response.status_code == 404
    assert client.post("/admin/import-staff/confirm", data={"file_sha256": "0" * 64}).status_code == 404
