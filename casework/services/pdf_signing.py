"""The hearing bundle signed as a PDF (PAdES baseline B-B, with pyHanko) by the council's certificate, so
that anyone can check it in a PDF reader without Casework.

The certificate and its key come from settings: either BUNDLE_SIGNING_PKCS12 (a .p12 or .pfx file), or
BUNDLE_SIGNING_CERT and BUNDLE_SIGNING_KEY (PEM or DER files); BUNDLE_SIGNING_PASSPHRASE opens them and
BUNDLE_SIGNING_CHAIN names the certificates between it and the council's root (embedded in the signature).
Unset: bundles are sealed but not signed. Set but unusable (a missing file, a wrong passphrase, an expired
certificate): no bundle is made, and the reason is given, rather than one quietly left unsigned.
"""

import io
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from .errors import ServiceError

logger = logging.getLogger(__name__)

FIELD_NAME = "CouncilSignature"
SETTINGS = (
    "BUNDLE_SIGNING_PKCS12",
    "BUNDLE_SIGNING_CERT",
    "BUNDLE_SIGNING_KEY",
    "BUNDLE_SIGNING_CHAIN",
    "BUNDLE_SIGNING_PASSPHRASE",
)


class SigningUnavailable(ServiceError):
    """A signing certificate is configured but cannot be used: the bundle is not made."""

    code = "signing_unavailable"
    status = 503


@dataclass(frozen=True)
class SigningCertificate:
    """The council's certificate and key, ready to sign."""

    certificate: x509.Certificate
    key: object
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()


def _paths(value) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part for part in value.split(os.pathsep) if part.strip()]
    return [str(part) for part in value]


def _read(path: str, setting: str) -> bytes:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError as error:
        raise SigningUnavailable(
            f"The hearing bundle cannot be signed: {setting} names {path}, which cannot be read "
            f"({error.strerror or error}). Ask the administrator to correct it."
        ) from None


def _certificates(data: bytes) -> list[x509.Certificate]:
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]


def _passphrase(config) -> bytes | None:
    value = config.get("BUNDLE_SIGNING_PASSPHRASE")
    return value.encode() if isinstance(value, str) and value else (value or None)


def load(config) -> SigningCertificate | None:
    """The configured signing certificate, None when none is configured; SigningUnavailable when it cannot be used."""
    p12_path, cert_path, key_path = (config.get(k) for k in SETTINGS[:3])
    if not (p12_path or cert_path or key_path):
        return None
    unusable = "The hearing bundle cannot be signed: "
    if p12_path and (cert_path or key_path):
        raise SigningUnavailable(
            unusable + "set BUNDLE_SIGNING_PKCS12, or BUNDLE_SIGNING_CERT and BUNDLE_SIGNING_KEY, not both."
        )
    if not p12_path and not (cert_path and key_path):
        raise SigningUnavailable(unusable + "BUNDLE_SIGNING_CERT and BUNDLE_SIGNING_KEY are set together.")
    passphrase = _passphrase(config)
    try:
        if p12_path:
            key, certificate, others = pkcs12.load_key_and_certificates(
                _read(p12_path, "BUNDLE_SIGNING_PKCS12"), passphrase
            )
            chain = list(others)
        else:
            certificate = _certificates(_read(cert_path, "BUNDLE_SIGNING_CERT"))[0]
            data = _read(key_path, "BUNDLE_SIGNING_KEY")
            if b"-----BEGIN" in data:
                key = serialization.load_pem_private_key(data, passphrase)
            else:
                key = serialization.load_der_private_key(data, passphrase)
            chain = []
        for path in _paths(config.get("BUNDLE_SIGNING_CHAIN")):
            chain += _certificates(_read(path, "BUNDLE_SIGNING_CHAIN"))
    except (ValueError, TypeError) as error:
        logger.warning("The bundle signing certificate could not be opened: %s", error)
        raise SigningUnavailable(
            unusable + "the certificate or its key could not be opened (a wrong passphrase, "
            "or not a certificate and key). Ask the administrator to check the BUNDLE_SIGNING settings."
        ) from None
    if key is None or certificate is None:
        raise SigningUnavailable(unusable + "the PKCS#12 file holds no certificate and key.")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(serialization.Encoding.DER, public) != certificate.public_key().public_bytes(
        serialization.Encoding.DER, public
    ):
        raise SigningUnavailable(unusable + "the key is not the key of the certificate.")
    now = datetime.now(UTC)
    if now > certificate.not_valid_after_utc:
        raise SigningUnavailable(
            unusable + f"its certificate expired on {certificate.not_valid_after_utc:%d %B %Y}. "
            "Ask the administrator to install the council's new certificate."
        )
    if now < certificate.not_valid_before_utc:
        raise SigningUnavailable(
            unusable + f"its certificate is not valid until {certificate.not_valid_before_utc:%d %B %Y}."
        )
    return SigningCertificate(certificate, key, tuple(chain))


def description(signing: SigningCertificate | None) -> str:
    """What the bundle says about its signature."""
    if signing is None:
        return (
            "This bundle is not signed: no signing certificate is configured in Casework. Its seal can "
            "be checked only with Casework."
        )
    return (
        f"This bundle is signed electronically (PAdES) with the council's certificate {signing.subject} "
        f"(SHA-256 fingerprint {signing.fingerprint}). Any PDF reader that checks signatures shows whether "
        "the file has changed since it was signed; no Casework is needed."
    )


def apart(function, /, *args, **kwargs):
    """Call one of pyHanko's blocking functions in a thread of its own.

    They run their coroutines with asyncio.run(), which refuses to start inside a thread whose event loop
    is running (a server or a test harness with one); a thread of its own never has one.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyhanko") as pool:
        return pool.submit(function, *args, **kwargs).result()


def _asn1_certificate(certificate: x509.Certificate):
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def trust_roots(signing: SigningCertificate) -> list:
    """The certificates a check of a bundle signed by `signing` trusts: its own and its chain."""
    return [_asn1_certificate(c) for c in (signing.certificate, *signing.chain)]


def sign(pdf: bytes, signing: SigningCertificate, *, reason: str, location: str) -> bytes:
    """Sign `pdf` in its empty signature field, as an incremental update that leaves its bytes as they were."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = asn1_keys.PrivateKeyInfo.load(
        signing.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_certificate(signing.certificate),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(c) for c in signing.chain]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return apart(signers.sign_pdf, writer, metadata, signer=signer, existing_fields_only=True).getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    message: str
    signer: str = ""
    trusted: bool = False


def check(pdf: bytes, sealed_length: int, roots: list) -> SignatureCheck:
    """Is the signature of a signed bundle sound, does it cover the whole file, and did the signing add
    nothing but the signature to the sealed document (`pdf[:sealed_length]`)?"""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    quiet = logging.getLogger("pyhanko")  # an untrusted or changed signature is the answer here, not an error
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return SignatureCheck(False, f"the file carries {len(signatures)} signatures, not the council's one")
        status = apart(
            validate_pdf_signature,
            signatures[0],
            ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"),
        )
        review = DEFAULT_DIFF_POLICY.review_file(reader, 0)
    except Exception as error:  # whatever a damaged file does, the answer is "not valid"
        logger.info("A bundle's signature could not be checked: %s", error)
        return SignatureCheck(False, "its signature could not be read")
    finally:
        quiet.setLevel(level)
    signer = status.signing_cert.subject.human_friendly
    if not (status.intact and status.valid):
        return SignatureCheck(False, "its signature does not match the file", signer)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or reader.xrefs.total_revisions != 2:
        return SignatureCheck(False, "something was added to the file after it was signed", signer)
    level = getattr(review, "modification_level", None)
    if level is None or level > ModificationLevel.FORM_FILLING:
        return SignatureCheck(False, "the signing changed the sealed document", signer)
    if sealed_length >= len(pdf):
        return SignatureCheck(False, "the signature is missing", signer)
    return SignatureCheck(True, "signed", signer, bool(status.trusted))
