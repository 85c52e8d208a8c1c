"""Capture a web page from a case: queue it, run it in the background, keep its files as evidence.

The screenshot, PDF, HTML and WARC are stored like any evidence (by their
SHA-256, never overwritten) and recorded on the case with the time, the
final address, the HTTP status and each file's SHA-256 in the audit trail:
the chain of custody. A capture that fails keeps no file and records why.
"""

import hashlib
import os
import tempfile
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..capture_engine import CaptureFailed, CaptureResult, CaptureSettings, capture
from ..domain import workflow
from ..domain.capture import url_problem
from ..domain.policy import Stage
from ..extensions import db
from ..models import Case, Evidence, User, utcnow
from ..models_research import WebCapture
from .errors import Conflict, InvalidInput, NotAllowed, NotFound
from .events import record_event
from .evidence import EVIDENCE_CAPACITIES, _description_problem, path_for, storage_root

ID_MAX = 2**31 - 1
STATUSES = {"queued": "Waiting to start", "running": "Capturing", "done": "Captured", "failed": "Failed"}
FILES = (
    ("screenshot", "image/png", "png", "Screenshot of the whole page"),
    ("pdf", "application/pdf", "pdf", "The page as a PDF"),
    ("html", "text/html", "html", "The page's HTML"),
    ("warc", "application/warc", "warc.gz", "Web archive (WARC) of every request and response"),
)


def may_capture(actor: User, case: Case, *, held: set | None = None) -> bool:
    """`held`: workflow.capacities(actor, case), when the caller has them already."""
    held = workflow.capacities(actor, case) if held is None else held
    return case.stage != Stage.CLOSED and bool(held & EVIDENCE_CAPACITIES)


def settings() -> CaptureSettings:
    config = current_app.config
    return CaptureSettings(
        timeout_seconds=float(config["CAPTURE_TIMEOUT_SECONDS"]),
        max_bytes=int(config["CAPTURE_MAX_BYTES"]),
        max_redirects=int(config["CAPTURE_MAX_REDIRECTS"]),
        allowed_networks=tuple(config["CAPTURE_ALLOWED_NETWORKS"]),
        chromium_path=config["CHROMIUM_PATH"],
        chromium_args=tuple(config["CHROMIUM_ARGS"]),
        user_agent=f"{config['SERVICE_NAME']} evidence capture ({config['COUNCIL_NAME']})",
    )


def request_capture(case: Case, actor: User, url: str, description: str = "") -> WebCapture:
    """Queue a capture of `url` for this case. An address that can never be captured (not http or https, this
    server, a private network) is refused at once and nothing is stored."""
    if not may_capture(actor, case):
        if case.stage == Stage.CLOSED:
            raise Conflict("The case is closed: evidence cannot be added")
        raise NotAllowed("Only the case owner, the investigator or HR can add evidence")
    url = (url or "").strip()
    problems = {}
    problem = url_problem(url, current_app.config["CAPTURE_ALLOWED_NETWORKS"])
    if problem:
        problems["url"] = problem
    description_problem = _description_problem(description)
    if description_problem:
        problems["description"] = description_problem
    if problems:
        raise InvalidInput("The page cannot be captured", problems)
    item = WebCapture(
        case_id=case.id,
        url=url,
        description=(description or "").strip() or None,
        status="queued",
        progress=STATUSES["queued"],
        requested_by_id=actor.id,
        requested_at=utcnow(),
    )
    db.session.add(item)
    db.session.flush()
    record_event(
        case,
        actor,
        "web_capture_requested",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"capture_id": item.id, "url": url},
    )
    return item


def start(item: WebCapture) -> None:
    """Queue the job, after the request's transaction has committed (the worker must see the row)."""
    from ..tasks import enqueue

    capture_id = item.id
    try:
        enqueue("capture_web_page", capture_id)
    except Exception:  # the queue (Redis, or the SQLite file) is not available: say so rather than wait forever
        current_app.logger.exception("Web capture %s could not be queued", capture_id)
        db.session.rollback()
        _fail(capture_id, "Casework's job queue is not available, so the page was not captured. Try again later.")


def _set_progress(capture_id: int, step: str) -> None:
    item = db.session.get(WebCapture, capture_id)
    if item is not None and item.status == "running":
        item.progress = step
        db.session.commit()


def _store(data: bytes) -> str:
    """Write bytes to the evidence store by their SHA-256 (an existing identical file is kept as it is)."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if target.exists():
        return digest
    root = storage_root()
    root.mkdir(parents=True, exist_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=root, delete=False, prefix=".capture-") as temp:
        try:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        except BaseException:
            temp.close()
            os.unlink(temp.name)
            raise
    os.chmod(temp.name, 0o440)
    os.replace(temp.name, target)
    return digest


def _file_name(result: CaptureResult, extension: str) -> str:
    host = (urlsplit(result.final_url).hostname or "page").replace(":", "-")
    return f"capture-{host}-{result.finished_at:%Y%m%dT%H%M%SZ}.{extension}"


def _keep(item: WebCapture, result: CaptureResult) -> None:
    case = db.session.get(Case, item.case_id)
    files = {}
    for key, content_type, extension, label in FILES:
        data = getattr(result, key)
        sha256 = _store(data)
        evidence = Evidence(
            case_id=case.id,
            description=f"{label}: {result.final_url}" + (f". {item.description}" if item.description else ""),
            original_name=_file_name(result, extension),
            content_type=content_type,
            size=len(data),
            sha256=sha256,
            storage_key=sha256,
            source_url=result.final_url,
            captured_at=result.finished_at,
            uploaded_by_id=item.requested_by_id,
        )
        db.session.add(evidence)
        db.session.flush()
        setattr(item, f"{key}_id", evidence.id)
        files[key] = {"evidence_id": evidence.id, "sha256": sha256, "size": len(data), "name": evidence.original_name}
    item.status = "done"
    item.progress = STATUSES["done"]
    item.final_url = result.final_url
    item.http_status = result.http_status
    item.finished_at = result.finished_at
    case.updated_at = utcnow()
    record_event(
        case,
        item.requested_by,
        "web_page_captured",
        from_stage=case.stage,
        to_stage=case.stage,
        data={
            "capture_id": item.id,
            "url": item.url,
            "final_url": result.final_url,
            "http_status": result.http_status,
            "started_at": result.started_at.isoformat(),
            "captured_at": result.finished_at.isoformat(),
            "files": files,
        },
    )


def _fail(capture_id: int, reason: str) -> None:
    item = db.session.get(WebCapture, capture_id)
    item.status = "failed"
    item.progress = STATUSES["failed"]
    item.failure = reason
    item.finished_at = utcnow()
    case = db.session.get(Case, item.case_id)
    record_event(
        case,
        item.requested_by,
        "web_capture_failed",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"capture_id": item.id, "url": item.url, "reason": reason},
    )
    db.session.commit()


def run_capture(capture_id: int) -> str:
    """The job: load the page, keep its files and the chain of custody, or record why it failed.

    Commits as it goes, so the case page shows the progress; the files and
    their records are written together at the end, or not at all.
    """
    item = db.session.get(WebCapture, capture_id)
    if item is None or item.status != "queued":
        return "skipped"
    item.status = "running"
    item.started_at = utcnow()
    item.progress = "Starting"
    db.session.commit()
    try:
        result = capture(item.url, settings(), lambda step: _set_progress(capture_id, step))
    except CaptureFailed as failure:
        db.session.rollback()
        _fail(capture_id, failure.reason)
        return "failed"
    except Exception:  # the reason is logged; the caseworker is told it failed, never left waiting
        current_app.logger.exception("Web capture %s failed unexpectedly", capture_id)
        db.session.rollback()
        _fail(capture_id, "Something went wrong while capturing the page. Try again later.")
        return "failed"
    try:
        _set_progress(capture_id, "Storing the files")
        _keep(db.session.get(WebCapture, capture_id), result)
        db.session.commit()
    except Exception:
        current_app.logger.exception("Web capture %s could not be stored", capture_id)
        db.session.rollback()
        _fail(capture_id, "The page was captured but could not be stored. Try again later.")
        return "failed"
    return "done"


def captures_of(case: Case) -> list[WebCapture]:
    return list(
        db.session.scalars(select(WebCapture).where(WebCapture.case_id == case.id).order_by(WebCapture.id.desc()))
    )


def get_capture(case: Case, capture_id) -> WebCapture:
    try:
        number = int(capture_id)
    except (TypeError, ValueError):
        raise NotFound("Capture not found") from None
    if not 0 < number <= ID_MAX:
        raise NotFound("Capture not found")
    item = db.session.get(WebCapture, number)
    if item is None or item.case_id != case.id:
        raise NotFound("Capture not found")
    return item
