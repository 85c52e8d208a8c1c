"""Casework captures a web page itself: against pages this test serves on loopback (allowed in config for the
test), a capture keeps a full-page PNG, a PDF, the HTML and a WARC with their SHA-256 as evidence, with the chain
of custody in the audit trail; every kind of failure keeps nothing and says why."""

import gzip
import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from warcio.archiveiterator import ArchiveIterator

from casework.extensions import db
from casework.models import CaseEvent, Evidence
from casework.models_research import WebCapture
from casework.services import capture as capture_service
from casework.services.audit import verify_all
from casework.services.errors import InvalidInput, NotAllowed
from casework.services.evidence import path_for
from casework.tasks import make_huey
from tests.pages_server import PageServer


@pytest.fixture
def site():
    with PageServer() as server:
        yield server


@pytest.fixture
def capture_config(app, monkeypatch):
    monkeypatch.setitem(app.config, "CAPTURE_ALLOWED_NETWORKS", ("127.0.0.0/8",))
    monkeypatch.setitem(app.config, "CAPTURE_TIMEOUT_SECONDS", 45)
    monkeypatch.setitem(app.config, "CAPTURE_MAX_BYTES", 5 * 1024 * 1024)
    return app.config


@pytest.fixture
def case_and_owner(make_user, make_case, make_department):
    department = make_department("Housing")
    owner = make_user("manager", department=department)
    subject = make_user(department=department)
    case = make_case(make_user(department=department), subjects=[subject], owner=owner)
    return case, owner


def evidence_files(app) -> set:
    root = Path(app.config["EVIDENCE_DIR"])
    return {path for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def events(case) -> list[CaseEvent]:
    return list(db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)))


def test_a_page_is_captured_with_its_files_hashes_and_chain_of_custody(app, site, capture_config, case_and_owner):
    case, owner = case_and_owner
    item = capture_service.request_capture(case, owner, site.base + "/old-address", "The post about the resident")
    db.session.commit()
    assert capture_service.run_capture(item.id) == "done"
    item = db.session.get(WebCapture, item.id)
    assert item.status == "done" and item.failure is None
    assert item.final_url == site.base + "/page" and item.http_status == 200
    assert site.paths[:2] == ["/old-address", "/page"] and "/pixel.png" in site.paths and "/style.css" in site.paths

    files = {"screenshot": item.screenshot, "pdf": item.pdf, "html": item.html, "warc": item.warc}
    for kind, evidence in files.items():
        stored = path_for(evidence.storage_key).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == evidence.sha256 == evidence.storage_key, kind
        assert evidence.size == len(stored) and evidence.source_url == site.base + "/page"
        assert evidence.captured_at == item.finished_at and evidence.uploaded_by_id == owner.id
    assert path_for(item.screenshot.storage_key).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    pdf = PdfReader(io.BytesIO(path_for(item.pdf.storage_key).read_bytes()))
    assert "Posted by Jo Bloggs" in pdf.pages[0].extract_text()
    assert b"12 Acacia Avenue" in path_for(item.html.storage_key).read_bytes()

    warc = path_for(item.warc.storage_key).read_bytes()
    gzip.decompress(warc)  # a gzipped WARC
    responses = {}
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type == "response":
            uri = record.rec_headers.get_header("WARC-Target-URI")
            responses[uri] = (record.http_headers.get_statuscode(), record.content_stream().read())
    assert responses[site.base + "/old-address"][0] == "301"
    assert responses[site.base + "/page"][0] == "200" and b"Posted by Jo Bloggs" in responses[site.base + "/page"][1]
    assert responses[site.base + "/pixel.png"][0] == "200"
    assert not any("10.1.2.3" in uri for uri in responses)  # the private address the page named was never fetched

    trail = events(case)
    assert [event.action for event in trail][-2:] == ["web_capture_requested", "web_page_captured"]
    custody = trail[-1].data
    assert custody["final_url"] == site.base + "/page" and custody["http_status"] == 200
    assert {kind: entry["sha256"] for kind, entry in custody["files"].items()} == {
        kind: evidence.sha256 for kind, evidence in files.items()
    }
    assert trail[-1].actor_id == owner.id
    assert verify_all().broken_reference is None


@pytest.mark.parametrize(
    "path, reason",
    [
        ("/loop-a", "redirects in a loop"),
        ("/missing", "not there: the site answered HTTP 404"),
        ("/to-private", "192.168.1.1 is a private or internal address"),
        ("/huge", "larger than 5 MB"),
        ("/huge-no-length", "larger than 5 MB"),
        ("/never-ends", "did not finish loading within 2 seconds"),
    ],
)
def test_a_capture_that_fails_keeps_nothing_and_says_why(
    app, site, capture_config, case_and_owner, monkeypatch, path, reason
):
    monkeypatch.setitem(app.config, "CAPTURE_TIMEOUT_SECONDS", 2)
    case, owner = case_and_owner
    before = evidence_files(app)
    item = capture_service.request_capture(case, owner, site.base + path)
    db.session.commit()
    assert capture_service.run_capture(item.id) == "failed"
    item = db.session.get(WebCapture, item.id)
    assert item.status == "failed" and reason in item.failure
    assert item.screenshot_id is None and item.final_url is None
    assert db.session.scalar(select(func.count()).select_from(Evidence).where(Evidence.case_id == case.id)) == 0
    assert evidence_files(app) == before
    last = events(case)[-1]
    assert last.action == "web_capture_failed" and reason in last.data["reason"]


@pytest.mark.parametrize(
    "url, words",
    [
        ("file:///etc/passwd", "not file addresses"),
        ("http://127.0.0.1:5432", "loopback"),
        ("http://localhost:5432", "this server itself"),
        ("http://10.0.0.8/wiki", "private"),
    ],
)
def test_an_address_that_can_never_be_captured_is_refused_at_once(app, case_and_owner, url, words):
    assert app.config["CAPTURE_ALLOWED_NETWORKS"] == ()  # the default: no private address allowed
    case, owner = case_and_owner
    db.session.commit()
    seq = len(events(case))
    with pytest.raises(InvalidInput) as refused:
        capture_service.request_capture(case, owner, url)
    assert words in refused.value.fields["url"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(WebCapture)) == 0
    assert len(events(case)) == seq


def test_only_the_people_handling_the_case_may_capture(case_and_owner, make_user):
    case, _ = case_and_owner
    with pytest.raises(NotAllowed):
        capture_service.request_capture(case, make_user("employee"), "https://example.com/")


def test_the_job_goes_through_the_queue_and_a_worker_runs_it(app, site, capture_config, case_and_owner, tmp_path):
    """Queued in SQLite (the embedded default), taken off the queue and run as the worker does."""
    case, owner = case_and_owner
    capture_config_queue = {**app.config, "TASK_QUEUE_URL": f"sqlite:///{tmp_path / 'tasks.db'}"}
    original = app.config.copy()
    app.config.update(capture_config_queue)
    try:
        huey = make_huey(app)
        item = capture_service.request_capture(case, owner, site.base + "/missing")
        db.session.commit()
        huey.casework_tasks["capture_web_page"](item.id)
        assert db.session.get(WebCapture, item.id).status == "queued"  # waiting for the worker
        assert len(huey) == 1
        task = huey.dequeue()
        huey.execute(task)
        assert db.session.get(WebCapture, item.id).status == "failed"
        assert "HTTP 404" in db.session.get(WebCapture, item.id).failure
    finally:
        app.config.clear()
        app.config.update(original)
