"""A case at its hearing (or its appeal) with evidence of every kind, files for it, a council signing
certificate made in the test, and the bundle read back page by page with poppler's pdftotext."""

import io
import subprocess
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from casework.models import clock_at
from casework.services import evidence as evidence_service
from casework.services.workflow import perform
from tests.evidence_samples import docx_bytes

# A Monday with no bank holiday near it: the hearing is the next Monday
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(days: float):
    return clock_at(MONDAY + timedelta(days=days))


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


# --- files ---------------------------------------------------------------------------


def png_bytes(size=(600, 400), text="Screenshot of the post", colour=(220, 235, 250)) -> bytes:
    image = Image.new("RGB", size, colour)
    ImageDraw.Draw(image).text((20, 20), text, fill=(0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def pdf_bytes(pages=("Letter from the resident, page 1", "Letter from the resident, page 2"), *, wide=()) -> bytes:
    """A PDF whose pages say `pages`; the page numbers (from 1) in `wide` are landscape."""
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pagesize=A4)
    for number, words in enumerate(pages, start=1):
        size = landscape(A4) if number in wide else A4
        document.setPageSize(size)
        document.setFont("Helvetica", 14)
        document.drawString(72, size[1] - 100, words)
        document.showPage()
    document.save()
    return buffer.getvalue()


def add_file(case, actor, data: bytes, name: str, description: str = ""):
    return evidence_service.add_file(case, actor, io.BytesIO(data), name, description)


# --- the case --------------------------------------------------------------------------


def council(make_department, make_user, *, signs_in: bool = True) -> dict:
    """The people of a case at its hearing; with `signs_in` False, none has a password (faster to make)."""
    if not signs_in:
        make_user = _without_password(make_user)
    housing = make_department("Housing")
    environment = make_department("Environment")
    line_manager = make_user("manager", department=housing, name="Lena Line")
    owner = make_user("manager", department=housing, name="Owen Owner")
    colleague = make_user("manager", department=housing, name="Dana Department")
    investigator = make_user("manager", department=environment, name="Ivan Investigator")
    officer = make_user("manager", department=environment, name="Hana Hearing")
    appeal_officer = make_user("head_of_service", department=environment, name="Hugo Head")
    hr = make_user("hr", name="Rita HR")
    admin = make_user("admin", name="Ada Admin")
    subject = make_user(department=housing, line_manager=line_manager, name="Sam Subject")
    reporter = make_user(department=housing, name="Remy Reporter")
    stranger = make_user(department=environment, name="Stan Stranger")
    return {
        k: v
        for k, v in locals().items()
        if k not in ("make_department", "make_user", "housing", "environment", "signs_in")
    }


def _without_password(make_user):
    def make(role="employee", **fields):
        return make_user(role, password=None, **fields)

    return make


def investigated(people, make_case):
    """A breach case owned and investigated, with the investigator's report: no hearing yet."""
    p = people
    with at(0):
        case = make_case(p["reporter"], subjects=[p["subject"]], description="Posted a resident's address on Facebook.")
        act(case, p["owner"], "take_ownership")
        act(case, p["owner"], "start_investigation", investigator=p["investigator"].email, no_suspension_reason="x")
        act(
            case,
            p["investigator"],
            "add_note",
            kind="interview",
            interviewee_name="Sam Subject",
            interviewee_role="subject",
            text="Sam accepted posting the address and removed the post within the hour.",
        )
        findings = [
            {"subject": a.subject.email, "category": a.category, "finding": "substantiated"} for a in case.allegations
        ]
        act(
            case,
            p["investigator"],
            "record_investigation_report",
            findings=findings,
            summary="The post was made from the subject's own account at 21:14 and deleted at 22:00.",
            recommendation="disciplinary_hearing",
        )
    return case


def at_hearing(people, make_case):
    """The case with its hearing arranged for Monday 9 March 2026 at 10:00, heard by Hana Hearing."""
    case = investigated(people, make_case)
    with at(0):
        act(
            case,
            people["owner"],
            "arrange_hearing",
            hearing_officer=people["officer"].email,
            hearing_at="2026-03-09T10:00",
            subjects=[people["subject"].email],
        )
    return case


def at_appeal(people, make_case):
    """The case after its hearing (a final written warning) with Sam Subject's appeal lodged, heard by Hugo Head."""
    p = people
    case = at_hearing(p, make_case)
    with at(7):
        act(case, p["hr"], "record_hr_advice", text="A final written warning is consistent with past cases.")
        act(
            case,
            p["officer"],
            "record_outcome",
            finding="substantiated",
            sanction="final_written_warning",
            summary="Posted a resident's address.",
            attended="Sam Subject, Hana Hearing",
            companion="A trade union representative",
        )
    with at(8):
        act(
            case,
            p["owner"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="Too severe for a first mistake.",
            appeal_officer=p["appeal_officer"].email,
        )
    return case


def with_evidence(case, actor) -> dict:
    """An image, a photo, a PDF (one page landscape), a Word document and a link."""
    with at(0.5):
        items = {
            "png": add_file(case, actor, png_bytes(), "post-screenshot.png", "The post as the reporter saw it"),
            "jpeg": add_file(case, actor, jpeg_bytes(), "photo.jpg", "A photo of the screen"),
            "pdf": add_file(
                case,
                actor,
                pdf_bytes(("Letter from the resident, page 1", "Letter, page 2", "Table, page 3"), wide=(3,)),
                "resident-letter.pdf",
                "The resident's complaint",
            ),
            "docx": add_file(case, actor, docx_bytes(), "witness-statement.docx", "Statement of a colleague"),
        }
        items["link"] = evidence_service.add_link(case, actor, "https://www.facebook.com/post/1", None, "The post")
    return items


# --- reading it back -------------------------------------------------------------------


def pages_text(pdf: bytes, *, layout: bool = True) -> list[str]:
    """The text of each page as poppler reads it: laid out as on the page (a table row on one line), or
    in the order it is drawn (a table cell's lines together)."""
    result = subprocess.run(
        ["pdftotext", "-layout" if layout else "-raw", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
        timeout=120,
    )
    pages = result.stdout.decode().split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def words(pdf: bytes) -> str:
    """The whole text in the order it is drawn, with every run of spaces and line breaks as one space."""
    return " ".join(" ".join(pages_text(pdf, layout=False)).split())


# --- a council certificate ----------------------------------------------------------------


def certificate(common_name="Test Borough Council", *, days=30, starts_in_days=-1):
    """A self-signed certificate and its key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, common_name),
        ]
    )
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=starts_in_days))
        .not_valid_after(now + timedelta(days=starts_in_days + days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return cert, key


def write_pkcs12(path, cert, key, passphrase: bytes = b"council-passphrase") -> None:
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"council", key, cert, None, serialization.BestAvailableEncryption(passphrase)
        )
    )


def write_pem(directory, cert, key, passphrase: bytes | None = None) -> tuple:
    cert_path, key_path = directory / "council.crt", directory / "council.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    encryption = serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption()
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))
    return cert_path, key_path
