"""'Capture this web page' from a case, on the pages and by the API, with the job run at once (HUEY_IMMEDIATE)
against a page this test serves on loopback; its progress and failures shown on the case page."""

import pytest
from sqlalchemy import func, select

from casework.extensions import db
from casework.models_research import WebCapture
from tests.pages_server import PageServer

from .test_api_fixtures import api_fixture, council_fixture  # noqa: F401


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "CAPTURE_ALLOWED_NETWORKS", ("127.0.0.0/8",))
    monkeypatch.setitem(app.config, "CAPTURE_TIMEOUT_SECONDS", 45)
    monkeypatch.setitem(app.config, "HUEY_IMMEDIATE", True)
    with PageServer() as server:
        yield server


@pytest.fixture
def case(council, make_case):
    return make_case(council["reporter"], subjects=[council["subject"]], owner=council["manager"])


def test_a_page_is_captured_from_the_case_page(council, case, site, login_as):
    client = login_as(council["manager"])
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Capture this web page" in page
    form = client.get(f"/cases/{case.reference}/captures/new")
    assert "https://www.facebook.com/post/1" in form.get_data(as_text=True)  # the case's own web address, offered
    response = client.post(f"/cases/{case.reference}/captures/new", data={"url": site.base + "/page"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Captured" in page and "HTTP 200" in page and 'http-equiv="refresh"' not in page
    for extension in ("png", "pdf", "html", "warc.gz"):
        assert f".{extension}</a>" in page
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Capture 1" in page or "Capture " in page
    assert "Web capture requested" in page and "Web page captured" in page


def test_a_failed_capture_is_shown_with_its_reason(council, case, site, login_as):
    client = login_as(council["manager"])
    client.get(f"/cases/{case.reference}/captures/new")
    response = client.post(f"/cases/{case.reference}/captures/new", data={"url": site.base + "/loop-a"})
    page = client.get(response.location).get_data(as_text=True)
    assert "Failed" in page and "The page redirects in a loop" in page and "nothing was kept" in page
    assert "The page redirects in a loop" in client.get(f"/cases/{case.reference}").get_data(as_text=True)


def test_a_queued_capture_shows_its_progress(council, case, app, login_as, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "TASK_QUEUE_URL", f"sqlite:///{tmp_path / 'tasks.db'}")
    client = login_as(council["manager"])
    client.get(f"/cases/{case.reference}/captures/new")
    response = client.post(f"/cases/{case.reference}/captures/new", data={"url": "https://www.example.com/post/1"})
    page = client.get(response.location).get_data(as_text=True)
    assert "Waiting to start" in page and 'http-equiv="refresh"' in page
    assert "Waiting to start" in client.get(f"/cases/{case.reference}").get_data(as_text=True)


@pytest.mark.parametrize(
    "url, words",
    [("file:///etc/passwd", "not file addresses"), ("http://127.0.0.1:5432", "loopback")],
)
def test_an_address_that_can_never_be_captured_is_refused_on_the_page(council, case, login_as, url, words):
    client = login_as(council["manager"])
    client.get(f"/cases/{case.reference}/captures/new")
    response = client.post(f"/cases/{case.reference}/captures/new", data={"url": url})
    assert response.status_code == 422 and words in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WebCapture)) == 0


def test_the_api_captures_a_page_and_reports_its_files(council, case, site, api):
    response = api.post(council["manager"], f"/cases/{case.reference}/captures", json={"url": site.base + "/page"})
    assert response.status_code == 202
    item = api.get(council["manager"], response.headers["Location"].removeprefix("/api/v1")).get_json()
    assert item["status"] == "done" and item["http_status"] == 200 and item["final_url"] == site.base + "/page"
    kinds = {file["kind"]: file for file in item["files"]}
    assert set(kinds) == {"screenshot", "pdf", "html", "warc"}
    download = api.get(council["manager"], kinds["pdf"]["download_url"].removeprefix("/api/v1"))
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    "who, status", [("manager", 422), ("hr", 422), ("reporter", 403), ("outsider", 404), ("admin", 404)]
)
def test_who_may_capture_by_the_api(council, case, api, who, status):
    response = api.post(council[who], f"/cases/{case.reference}/captures", json={"url": "file:///etc/passwd"})
    assert response.status_code == status
    assert db.session.scalar(select(func.count()).select_from(WebCapture)) == 0
