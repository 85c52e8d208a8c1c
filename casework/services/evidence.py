"""Evidence: files stored by their SHA-256 (never overwritten), and links."""

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..domain import permissions, workflow
from ..domain.actions import Capacity
from ..domain.evidence import check_file, safe_display_name
from ..domain.intake import has_control_characters
from ..domain.policy import Stage
from ..extensions import db
from ..models import Case, Evidence, User, utcnow
from .errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceError
from .events import record_event

EVIDENCE_CAPACITIES = {Capacity.OWNER, Capacity.HR, Capacity.INVESTIGATOR}
CHUNK = 1024 * 1024


class TooLarge(ServiceError):
    code = "too_large"
    status = 413


def _may_add(case: Case, actor: User, *, reporter_may: bool = False) -> None:
    handling = bool(workflow.capacities(actor, case) & EVIDENCE_CAPACITIES)
    reporting = reporter_may and permissions.can_add_own_evidence(actor, case)
    if not handling and not reporting:
        raise NotAllowed("Only the case owner, the investigator or HR can add evidence")
    if case.stage == Stage.CLOSED:
        raise Conflict("The case is closed: evidence cannot be added")


def storage_root() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def path_for(storage_key: str) -> Path:
    """The file behind a storage key: a SHA-256 in hex, never a name given by a user."""
    if len(storage_key) != 64 or any(c not in "0123456789abcdef" for c in storage_key):
        raise NotFound("Evidence not found")
    return storage_root() / storage_key[:2] / storage_key


DESCRIPTION_MAX = 2000


def _description_problem(description: str | None) -> str | None:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        return "Description must be 2,000 characters or fewer"
    if has_control_characters(description):
        return "Description must not contain control characters"
    return None


def add_file(case: Case, actor: User, stream, filename: str, description: str = "") -> Evidence:
    """Store an uploaded file content-addressed and record it on the case, with its SHA-256 in the audit trail.

    The case's reporter may add files too (not links): they see only their own."""
    _may_add(case, actor, reporter_may=True)
    max_bytes = current_app.config["EVIDENCE_MAX_BYTES"]
    root = storage_root()
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    head = b""
    with tempfile.NamedTemporaryFile(dir=root, delete=False, prefix=".upload-") as temp:
        try:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(
                        f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB",
                        {"file": f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB"},
                    )
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                temp.write(chunk)
            temp.flush()
            os.fsync(temp.fileno())
        except BaseException:
            temp.close()
            os.unlink(temp.name)
            raise
    with open(temp.name, "rb") as whole:
        content_type, problem = check_file(filename, head, size, max_bytes, whole)
    if problem:
        os.unlink(temp.name)
        raise InvalidInput(problem, {"file": problem})
    description_problem = _description_problem(description)
    if description_problem:
        os.unlink(temp.name)
        raise InvalidInput(description_problem, {"description": description_problem})
    sha256 = digest.hexdigest()
    target = path_for(sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        os.unlink(temp.name)  # the same content is already stored; files are never overwritten
    else:
        os.chmod(temp.name, 0o440)
        os.replace(temp.name, target)
    description = (description or "").strip()
    evidence = Evidence(
        case=case,
        description=description or None,
        original_name=safe_display_name(filename),
        content_type=content_type,
        size=size,
        sha256=sha256,
        storage_key=sha256,
        uploaded_by_id=actor.id,
        captured_at=utcnow(),
    )
    db.session.add(evidence)
    db.session.flush()
    case.updated_at = utcnow()
    record_event(
        case,
        actor,
        "evidence_added",
        from_stage=case.stage,
        to_stage=case.stage,
        data={
            "evidence_id": evidence.id,
            "name": evidence.original_name,
            "sha256": sha256,
            "size": size,
            "content_type": content_type,
        },
    )
    return evidence


def add_link(case: Case, actor: User, url: str, captured_at: datetime | None, description: str = "") -> Evidence:
    """Record a link to online content, with when it was captured."""
    _may_add(case, actor)
    url = (url or "").strip()
    parts = urlsplit(url)
    errors = {}
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(url) > 2000
        or any(ch.isspace() for ch in url)
        or has_control_characters(url)
    ):
        errors["url"] = "Enter a web address starting with http:// or https://"
    if captured_at is not None and captured_at > utcnow():
        errors["captured_at"] = "The time of capture must be in the past"
    if _description_problem(description):
        errors["description"] = _description_problem(description)
    if errors:
        raise InvalidInput("Check the link", errors)
    evidence = Evidence(
        case=case,
        description=(description or "").strip() or None,
        source_url=url,
        captured_at=captured_at or utcnow(),
        uploaded_by_id=actor.id,
    )
    db.session.add(evidence)
    db.session.flush()
    record_event(
        case,
        actor,
        "evidence_link_added",
        from_stage=case.stage,
        to_stage=case.stage,
        data={"evidence_id": evidence.id, "url": url, "captured_at": evidence.captured_at.isoformat()},
    )
    return evidence


def get_evidence(case: Case, evidence_id) -> Evidence:
    """An evidence item of this case (another case's id answers NotFound)."""
    try:
        evidence_id = int(evidence_id)
    except (TypeError, ValueError):
        raise NotFound("Evidence not found") from None
    if not 0 < evidence_id < 2**31:  # beyond any id, and beyond what an INTEGER column can compare
        raise NotFound("Evidence not found")
    evidence = db.session.scalar(select(Evidence).where(Evidence.id == evidence_id, Evidence.case_id == case.id))
    if evidence is None or evidence.storage_key is None:
        raise NotFound("Evidence not found")
    return evidence


def get_evidence_for(case: Case, user: User, evidence_id) -> Evidence:
    """An evidence file of this case that `user` may see (a reporter: only their own); NotFound otherwise."""
    evidence = get_evidence(case, evidence_id)
    if not permissions.can_see_evidence(user, evidence, case):
        raise NotFound("Evidence not found")
    return evidence


def own_files(case: Case, user: User) -> list[Evidence]:
    """The files `user` gave for this case, oldest first."""
    return [e for e in case.evidence if e.uploaded_by_id == user.id and e.storage_key is not None]
