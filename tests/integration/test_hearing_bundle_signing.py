"""The hearing bundle signed as a PDF (PAdES) with the council's certificate, made in the test: pyHanko's
own validator accepts it, Casework's check finds any change, and a certificate that cannot be used stops
the bundle with the reason rather than leaving it quietly unsigned. (pyHanko's blocking calls go through
`apart`: earlier tests may leave an event loop running in this thread.)"""

import asyncio
import io
import re
import shutil

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import select

from casework.cli import casework_cli
from casework.models import AccessLog
from casework.services.bundle import SEAL_PATTERN, hearing_bundle, verify_bundle
from casework.services.pdf_signing import FIELD_NAME, SigningUnavailable, apart
from tests.bundle_samples import at_hearing, certificate, council, pages_text, with_evidence, write_pem, write_pkcs12

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")

SIGNING_KEYS = ("BUNDLE_SIGNING_PKCS12", "BUNDLE_SIGNING_CERT", "BUNDLE_SIGNING_KEY", "BUNDLE_SIGNING_PASSPHRASE")


@pytest.fixture
def people(make_department, make_user):
    return council(make_department, make_user, signs_in=False)


@pytest.fixture
def heard(people, make_case):
    case = at_hearing(people, make_case)
    with_evidence(case, people["owner"])
    return case


@pytest.fixture
def settings(app, monkeypatch):
    """Set BUNDLE_SIGNING_* for the test only."""
    for key in SIGNING_KEYS:
        monkeypatch.setitem(app.config, key, None)

    def configure(**values):
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, str(value) if value is not None else None)

    return configure


@pytest.fixture
def council_certificate(tmp_path, settings):
    cert, key = certificate("Test Borough Council")
    write_pkcs12(tmp_path / "council.p12", cert, key)
    settings(BUNDLE_SIGNING_PKCS12=tmp_path / "council.p12", BUNDLE_SIGNING_PASSPHRASE="council-passphrase")
    return cert


def trusting(cert) -> ValidationContext:
    root = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return ValidationContext(trust_roots=[root], allow_fetching=False)


def sealed_part(pdf: bytes) -> bytes:
    return pdf[: int(SEAL_PATTERN.search(pdf).group(4))]


def test_the_signed_bundle_validates_with_pyhankos_validator(people, heard, council_certificate):
    made = hearing_bundle(heard, people["hr"])
    assert made.signed
    reader = PdfFileReader(io.BytesIO(made.pdf))
    [signature] = reader.embedded_signatures
    assert signature.field_name == FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    status = apart(validate_pdf_signature, signature, trusting(council_certificate))
    assert status.bottom_line and status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Test Borough Council"
    # The signature is an incremental update after the sealed bytes, which it leaves as they were
    assert len(sealed_part(made.pdf)) < len(made.pdf)
    check = verify_bundle(made.pdf)
    assert check.valid and check.signed, check.message
    assert "signed by" in check.message and "the council's configured certificate" in check.message
    first = " ".join(pages_text(made.pdf)[0].split())
    assert "This bundle is signed electronically (PAdES) with the council's certificate" in first
    assert council_certificate.fingerprint(hashes.SHA256()).hex() in first.replace(" ", "")


def test_a_pem_certificate_and_key_with_a_passphrase_sign_too(people, heard, tmp_path, settings):
    cert, key = certificate("Another Council")
    cert_path, key_path = write_pem(tmp_path, cert, key, passphrase=b"open sesame")
    settings(BUNDLE_SIGNING_CERT=cert_path, BUNDLE_SIGNING_KEY=key_path, BUNDLE_SIGNING_PASSPHRASE="open sesame")
    made = hearing_bundle(heard, people["hr"])
    [signature] = PdfFileReader(io.BytesIO(made.pdf)).embedded_signatures
    assert apart(validate_pdf_signature, signature, trusting(cert)).bottom_line
    assert verify_bundle(made.pdf).valid


def test_a_changed_byte_breaks_both_the_seal_and_the_signature(people, heard, council_certificate):
    pdf = hearing_bundle(heard, people["hr"]).pdf
    match = re.search(rb"\((.{4,}?)\) Tj", pdf)
    position = match.start(1) + 1
    altered = pdf[:position] + bytes([pdf[position] ^ 0x01]) + pdf[position + 1 :]
    assert not verify_bundle(altered).valid
    [signature] = PdfFileReader(io.BytesIO(altered)).embedded_signatures
    assert not apart(validate_pdf_signature, signature, trusting(council_certificate)).intact


def test_pages_changed_and_signed_again_by_someone_else_are_found(people, heard, council_certificate):
    """The sealed bytes kept, a page's content replaced in an update, and the field signed with another
    certificate: the signature is sound and covers the file, but the seal's document was changed."""
    sealed = sealed_part(hearing_bundle(heard, people["hr"]).pdf)
    cert, key = certificate("Someone Else")
    other = signers.SimpleSigner.load_pkcs12_data(
        pkcs12.serialize_key_and_certificates(b"x", key, cert, None, serialization.NoEncryption()), []
    )
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES)

    writer = IncrementalPdfFileWriter(io.BytesIO(sealed))
    page = writer.root["/Pages"]["/Kids"][1]
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 500 Td (FORGED) Tj ET"))
    writer.update_container(page)
    forged = apart(signers.sign_pdf, writer, meta, signer=other, existing_fields_only=True).getvalue()
    check = verify_bundle(forged)
    assert not check.valid and "the signing changed the sealed document" in check.message

    # Signed again, unchanged, by another certificate: the seal holds, and the check says whose it is
    resigned = apart(
        signers.sign_pdf, IncrementalPdfFileWriter(io.BytesIO(sealed)), meta, signer=other, existing_fields_only=True
    ).getvalue()
    check = verify_bundle(resigned)
    assert check.valid and "a certificate this install does not know" in check.message


@pytest.mark.parametrize(
    "problem, expected",
    [
        ("wrong passphrase", "could not be opened (a wrong passphrase"),
        ("missing file", "which cannot be read"),
        ("expired", "its certificate expired on"),
        ("not yet valid", "is not valid until"),
        ("certificate without key", "BUNDLE_SIGNING_CERT and BUNDLE_SIGNING_KEY are set together"),
        ("key of another certificate", "the key is not the key of the certificate"),
        ("both kinds", "not both"),
    ],
)
def test_a_certificate_that_cannot_be_used_stops_the_bundle_saying_why(
    people, heard, tmp_path, settings, db_session, problem, expected
):
    cert, key = certificate(days=2, starts_in_days={"expired": -5, "not yet valid": 3}.get(problem, -1))
    write_pkcs12(tmp_path / "council.p12", cert, key)
    cert_path, key_path = write_pem(tmp_path, cert, key)
    p12 = tmp_path / "council.p12"
    passphrase = "council-passphrase"
    if problem == "wrong passphrase":
        settings(BUNDLE_SIGNING_PKCS12=p12, BUNDLE_SIGNING_PASSPHRASE="guess")
    elif problem == "missing file":
        settings(BUNDLE_SIGNING_PKCS12=tmp_path / "nowhere.p12", BUNDLE_SIGNING_PASSPHRASE=passphrase)
    elif problem == "certificate without key":
        settings(BUNDLE_SIGNING_CERT=cert_path)
    elif problem == "key of another certificate":
        other_cert, _ = certificate("Other")
        (tmp_path / "other").mkdir()
        other_path, _ = write_pem(tmp_path / "other", other_cert, key)
        settings(BUNDLE_SIGNING_CERT=other_path, BUNDLE_SIGNING_KEY=key_path)
    elif problem == "both kinds":
        settings(BUNDLE_SIGNING_PKCS12=p12, BUNDLE_SIGNING_CERT=cert_path, BUNDLE_SIGNING_KEY=key_path)
    else:
        settings(BUNDLE_SIGNING_PKCS12=p12, BUNDLE_SIGNING_PASSPHRASE=passphrase)
    with pytest.raises(SigningUnavailable) as refused:
        hearing_bundle(heard, people["hr"])
    assert expected in refused.value.message and refused.value.status == 503
    assert (
        db_session.scalar(select(AccessLog).where(AccessLog.case_id == heard.id, AccessLog.action == "export")) is None
    )


def test_the_command_line_names_the_certificate_and_checks_a_signed_bundle(
    app, people, heard, council_certificate, tmp_path
):
    runner = app.test_cli_runner()
    result = runner.invoke(casework_cli, ["bundle-certificate"])
    assert result.exit_code == 0 and "signed by" in result.output and "Test Borough Council" in result.output
    path = tmp_path / "bundle.pdf"
    path.write_bytes(hearing_bundle(heard, people["hr"]).pdf)
    result = runner.invoke(casework_cli, ["verify-report", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Unaltered hearing bundle of case {heard.reference}" in result.output
    path.write_bytes(path.read_bytes().replace(b"Hana Hearing", b"Hana Hearinx", 1))
    result = runner.invoke(casework_cli, ["verify-report", str(path)])
    assert result.exit_code == 1 and "ALTERED" in result.output


def test_without_a_certificate_the_command_line_says_bundles_are_unsigned(app, settings, db_session):
    result = app.test_cli_runner().invoke(casework_cli, ["bundle-certificate"])
    assert result.exit_code == 0 and "sealed but not signed" in result.output


@pytest.fixture
def running_event_loop():
    """An event loop running in this thread, as a browser driver or an async server leaves one."""
    loop = asyncio.new_event_loop()
    asyncio.events._set_running_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    loop.close()


def test_a_bundle_is_signed_and_checked_where_an_event_loop_is_running(
    people, heard, council_certificate, running_event_loop
):
    made = hearing_bundle(heard, people["hr"])
    assert made.signed and verify_bundle(made.pdf).valid
