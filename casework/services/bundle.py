"""The hearing bundle (issue 13, 4): one PDF for a hearing or an appeal, sealed like the case report and
signed as a PDF with the council's certificate when one is configured.

The seal is a keyed digest (HMAC, keyed by the install's secret) of every byte of the sealed document,
written in it with the number of bytes it covers. Signing appends the signature after those bytes as an
incremental update, so `verify_bundle` checks the seal over the bytes it covers, then that what follows
them is the council's signature and nothing else. Each download is logged with the SHA-256 of the file.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass

from flask import current_app

from ..domain import bundle as rules
from ..domain.evidence import TYPE_LABELS
from ..domain.policy import KIND_LABELS, NOTE_LABELS, sanction_label
from ..models import Case, Evidence, User, utcnow
from ..reports import bundle as document
from ..reports.bundle_evidence import EvidenceItem, prepare
from ..reports.common import Imprint, london
from . import exports, pdf_signing, report_process
from .cases import record_access
from .errors import Conflict, NotAllowed, NotFound
from .evidence import path_for

SEAL = "casework-bundle-seal reference={reference} version={version} chain={head} length={length} digest={digest}"
SEAL_PATTERN = re.compile(
    rb"casework-bundle-seal reference=([A-Za-z0-9-]{1,40}) version=(\d{1,12}) chain=([0-9a-f]{64}|none) "
    rb"length=(\d{10}) digest=([0-9a-f]{64})"
)
UNFILLED_LENGTH = "0" * 10
UNSEALED = "0" * 64
OTHER_TYPES = {"text/html": "Web page (HTML)", "application/warc": "Web archive (WARC)"}
READ_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    sha256: str
    signed: bool
    filename: str


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    return hashlib.sha256(b"casework-bundle-seal:" + str(secret).encode()).digest()


def seal(pdf: bytes) -> bytes:
    """Fill in the seal: the length of the document, then an HMAC of every byte with the digest as zeros.

    Both have a fixed width, so writing them moves nothing else in the file.
    """
    matches = [m for m in SEAL_PATTERN.finditer(pdf) if m.group(4) == UNFILLED_LENGTH.encode()]
    if len(matches) != 1 or matches[0].group(5) != UNSEALED.encode():
        raise ValueError("the bundle does not carry exactly one unfilled seal")
    start, end = matches[0].span(4)
    pdf = pdf[:start] + f"{len(pdf):010d}".encode() + pdf[end:]
    digest = hmac.new(_key(), pdf, hashlib.sha256).hexdigest().encode()
    start, end = matches[0].span(5)
    return pdf[:start] + digest + pdf[end:]


# --- what goes in ----------------------------------------------------------------


def _file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_item(number: int, evidence: Evidence) -> EvidenceItem:
    """One evidence item of the bundle: its file checked against its SHA-256, then opened to show if it can be.

    A file missing from the store, or no longer matching the SHA-256 recorded when it was added, is listed
    saying so and not shown.
    """
    kind = TYPE_LABELS.get(evidence.content_type, OTHER_TYPES.get(evidence.content_type, evidence.content_type or ""))
    item = EvidenceItem(
        label=f"E{number}",
        name=evidence.original_name or evidence.source_url or "Unnamed file",
        description=evidence.description or "",
        kind=kind or "Web address",
        size=f"{evidence.size / 1024:,.1f} KB" if evidence.size else "",
        sha256=evidence.sha256 or "",
        added=f"{evidence.uploaded_by.name}, {london(evidence.uploaded_at)}",
        source_url=evidence.source_url or "",
        placement="link",
    )
    if evidence.storage_key is None:
        return item
    try:
        path = path_for(evidence.storage_key)
        actual = _file_sha256(path) if path.is_file() else None
    except (NotFound, OSError):
        actual = None
    if actual is None:
        item.placement = "missing"
        item.note = (
            "The file is missing from the evidence store: it is listed with the SHA-256 recorded when it was added."
        )
        return item
    if actual != evidence.sha256:
        item.placement = "altered"
        item.note = (
            f"The stored file no longer matches the SHA-256 recorded when it was added (it is now {actual}): "
            "it is not shown."
        )
        return item
    item.placement, item.path = rules.placement(evidence.content_type), path
    if item.placement == "listed":
        item.note = "Listed only: this kind of file is not shown as pages."
    return prepare(item)


def _purpose(case: Case) -> list[tuple[str, str]]:
    rows = []
    names = {s.id: s.name for s in case.subjects}
    for number, hearing in enumerate(case.hearings, start=1):
        invited = ", ".join(names.get(i, "someone no longer on the case") for i in hearing.subject_ids or ())
        text = (
            f"{london(hearing.hearing_at, '%d %B %Y at %H:%M')}, heard by {hearing.hearing_officer.name}; "
            f"for {invited or 'no one'}"
        )
        if hearing.postponed:
            text += f" (postponed from {london(hearing.first_hearing_at, '%d %B %Y at %H:%M')})"
        rows.append((f"Hearing {number}" if len(case.hearings) > 1 else "Hearing", text))
    for appeal in case.appeals:
        against = sanction_label(appeal.outcome.sanction).lower() if appeal.outcome else "their outcome"
        text = (
            f"{appeal.subject.name}'s appeal against {against}, heard by {appeal.appeal_officer.name}; "
            f"lodged {london(appeal.lodged_at, '%d %B %Y')}"
        )
        rows.append(("Appeal", text + ("" if appeal.is_open else " (decided)")))
    rows.append(("About", "; ".join(s.name for s in case.subjects) or "None named"))
    return rows


def _notes(case: Case) -> list[tuple[str, str]]:
    """Each note as the chronology names it ("its text is under Notes"): what, with whom, by whom, when."""
    notes = []
    for note in case.notes:
        label = NOTE_LABELS.get(note.kind, "Note")
        if note.interviewee_name:
            role = f", {note.interviewee_role}" if note.interviewee_role else ""
            label += f" with {note.interviewee_name}{role}"
        notes.append((f"{label} – {note.author.name}, {london(note.created_at)}", note.text))
    return notes


def bundle_data(case: Case, signing) -> document.BundleData:
    """Everything the bundle shows, as plain data (its evidence files checked and opened)."""
    hearing = [s for s in (report_process.hearings(case), report_process.appeals(case)) if s]
    return document.BundleData(
        reference=case.reference,
        title=rules.title(case),
        kind=KIND_LABELS[case.kind],
        version=case.version,
        chain_head=exports.chain_head(case),
        purpose=_purpose(case),
        allegations=report_process.allegations(case),
        investigation=report_process.investigation_report(case),
        hearing=hearing,
        outcome=report_process.outcome_rows(case),
        notes=_notes(case),
        chronology=[
            document.ChronologyRow(line.at, line.actor, line.label, line.details) for line in exports.chronology(case)
        ],
        evidence=[evidence_item(number, e) for number, e in enumerate(case.evidence, start=1)],
        signing=pdf_signing.description(signing),
    )


# --- making it ---------------------------------------------------------------------


def hearing_bundle(case: Case, actor: User) -> Bundle:
    """The sealed (and, with a certificate configured, signed) bundle of a case with a hearing or an appeal,
    for the people who take part in it. The download is logged with the file's SHA-256; the caller commits."""
    refusal = rules.refusal(actor, case)
    if refusal:
        raise NotAllowed(refusal)
    problem = rules.problem(case)
    if problem:
        raise Conflict(problem)
    config = current_app.config
    signing = pdf_signing.load(config)
    data = bundle_data(case, signing)
    placeholder = SEAL.format(
        reference=case.reference,
        version=case.version,
        head=data.chain_head or "none",
        length=UNFILLED_LENGTH,
        digest=UNSEALED,
    )
    imprint = Imprint(config["COUNCIL_NAME"], actor.name, utcnow())
    field = pdf_signing.FIELD_NAME if signing else ""
    pdf = seal(document.build(data, imprint, placeholder, signature_field=field))
    if signing is not None:
        pdf = pdf_signing.sign(
            pdf, signing, reason=f"{data.title} of case {case.reference}", location=config["COUNCIL_NAME"]
        )
    sha256 = hashlib.sha256(pdf).hexdigest()
    record_access(case, actor, "export", f"{data.title.lower()} PDF sha256 {sha256}")
    slug = data.title.lower().replace(" ", "-")
    return Bundle(pdf, sha256, signing is not None, f"{case.reference}-{slug}.pdf")


# --- checking it ---------------------------------------------------------------------


@dataclass(frozen=True)
class BundleCheck:
    valid: bool
    message: str
    reference: str | None = None
    version: str | None = None
    signed: bool = False


def is_bundle(pdf: bytes) -> bool:
    return SEAL_PATTERN.search(pdf) is not None


def _sealed_length(pdf: bytes) -> tuple[re.Match, int] | None:
    """The seal that verifies, and the number of bytes it covers; None when no seal in the file does."""
    for match in SEAL_PATTERN.finditer(pdf):
        length = int(match.group(4))
        if not match.end() <= length <= len(pdf):
            continue
        start, end = match.span(5)
        expected = hmac.new(_key(), pdf[:start] + UNSEALED.encode() + pdf[end:length], hashlib.sha256).hexdigest()
        if hmac.compare_digest(expected, match.group(5).decode()):
            return match, length
    return None


def verify_bundle(pdf: bytes) -> BundleCheck:
    """Is this an unaltered hearing bundle made by this install? Says which case, and whether it is signed."""
    if not pdf.startswith(b"%PDF-"):
        return BundleCheck(False, "Not a PDF file")
    found = _sealed_length(pdf)
    if found is None:
        first = SEAL_PATTERN.search(pdf)
        reference, version = (first.group(1).decode(), first.group(2).decode()) if first else (None, None)
        return BundleCheck(
            False, "ALTERED: the bundle does not match its seal, or it was not made by this install", reference, version
        )
    match, length = found
    reference, version, head = (match.group(i).decode() for i in (1, 2, 3))
    if not exports.chain_head_known(reference, head):
        return BundleCheck(
            False,
            "The seal is valid but this install's audit trail for the case does not contain its chain head",
            reference,
            version,
        )
    made = f"hearing bundle of case {reference} at version {version} (audit-chain head {head[:16]}…)"
    if length == len(pdf):
        return BundleCheck(True, f"Unaltered {made}; not signed", reference, version)
    try:
        signing = pdf_signing.load(current_app.config)
    except pdf_signing.SigningUnavailable:
        signing = None
    roots = pdf_signing.trust_roots(signing) if signing else []
    signature = pdf_signing.check(pdf, length, roots)
    if not signature.valid:
        return BundleCheck(False, f"ALTERED: the seal is intact but {signature.message}", reference, version)
    whose = "the council's configured certificate" if signature.trusted else "a certificate this install does not know"
    return BundleCheck(
        True, f"Unaltered {made}; signed by {signature.signer} ({whose})", reference, version, signed=True
    )
