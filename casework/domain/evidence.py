"""What evidence files are accepted: types told from content, never from the name."""

import re
import unicodedata
import zipfile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OUTLOOK_MESSAGE = "application/vnd.ms-outlook"

ALLOWED_TYPES = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "text/plain": ("txt", "text", "log", "csv"),
    "message/rfc822": ("eml",),
    "video/mp4": ("mp4", "m4v"),
    "image/heic": ("heic", "heif"),
    DOCX: ("docx",),
    OUTLOOK_MESSAGE: ("msg",),
}

TYPE_LABELS = {
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/webp": "WebP image",
    "application/pdf": "PDF document",
    "text/plain": "Text",
    "message/rfc822": "Email message",
    "video/mp4": "MP4 video",
    "image/heic": "HEIC photo",
    DOCX: "Word document",
    OUTLOOK_MESSAGE: "Outlook message",
}

# What a mismatch message calls the content ("… is a PNG image, which does not match its name")
_CONTENT_DESCRIPTIONS = {
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/webp": "a WebP image",
    "application/pdf": "a PDF document",
    "text/plain": "a text file",
    "message/rfc822": "an email message",
    "video/mp4": "an MP4 video",
    "image/heic": "a HEIC photo",
    DOCX: "a Word document",
    OUTLOOK_MESSAGE: "an Outlook message",
}

# What the person is told the accepted files are
ACCEPTED_FILES = (
    "a PNG, JPEG, GIF, WebP or HEIC image, a PDF, a Word document (.docx), text, "
    "an email (.eml or Outlook .msg) or an MP4 video"
)

# A saved message starts with a header field (RFC 5322 2.2: a name of printable
# characters other than the colon, then a colon), whichever header its mail
# program writes first (Received, Delivered-To, DKIM-Signature, ARC-Seal...)
_HEADER_FIELD = re.compile(rb"[!-9;-~]+:")
_HTML_MARKERS = (b"<!doctype", b"<html", b"<script", b"<head", b"<body", b"<svg", b"<?xml", b"<iframe")


# ISO base media files (MP4, HEIC) name their kind by "brands" in the first box
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_MP4_BRANDS = {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP", b"dash"}
_CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Microsoft compound file (Outlook .msg, old Office)
# Every Outlook message has a property stream of this name (MS-OXMSG 2.4)
_OUTLOOK_MARK = "__properties_version1.0".encode("utf-16-le")
_ZIP_SIGNATURE = b"PK\x03\x04"
_CONTAINER_READ_LIMIT = 1024 * 1024


def _iso_media_type(head: bytes) -> str | None:
    box_size = int.from_bytes(head[0:4], "big")
    end = min(box_size, len(head)) if box_size >= 16 else 16
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if head[8:12] in _MP4_BRANDS or (head[8:12] not in (b"mif1", b"msf1", b"avif", b"avis") and brands & _MP4_BRANDS):
        return "video/mp4"
    return None  # another ISO media file (AVIF, QuickTime, 3GP...): not accepted


def _is_word_document(whole) -> bool:
    """A .docx: a ZIP holding a Word main document, with no macros (a .docm renamed is refused)."""
    try:
        whole.seek(0)
        with zipfile.ZipFile(whole) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                return False
            with archive.open("[Content_Types].xml") as types:
                content_types = types.read(_CONTAINER_READ_LIMIT).lower()
            return b"wordprocessingml.document.main+xml" in content_types and b"macroenabled" not in content_types
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, RuntimeError, NotImplementedError, EOFError):
        return False


def _is_outlook_message(whole) -> bool:
    """An Outlook .msg: a compound file holding the property stream every message has."""
    whole.seek(0)
    tail = b""
    while True:
        chunk = whole.read(_CONTAINER_READ_LIMIT)
        if not chunk:
            return False
        if _OUTLOOK_MARK in tail + chunk:
            return True
        tail = chunk[-len(_OUTLOOK_MARK) :]


def sniff(head: bytes, whole=None) -> str | None:
    """The content type of a file from its first bytes, or None when it is not an accepted type.

    Word documents and Outlook messages are containers: they are recognised only
    when the whole file (`whole`, a binary file object) is given to look inside.
    """
    if head.startswith(_ZIP_SIGNATURE):
        return DOCX if whole is not None and _is_word_document(whole) else None
    if head.startswith(_CFB_SIGNATURE):
        return OUTLOOK_MESSAGE if whole is not None and _is_outlook_message(whole) else None
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        return _iso_media_type(head)
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # a multi-byte character cut by the end of the sample is still text
        if error.start < len(head) - 4:
            return None
        text = head[: error.start].decode("utf-8")
    lowered = text.lstrip("\ufeff \t\r\n").lower().encode()
    if any(marker in lowered[:1024] for marker in _HTML_MARKERS):
        return None  # HTML, SVG and XML could run script in a browser
    first_line = lowered.split(b"\n", 1)[0]
    if _HEADER_FIELD.match(first_line):
        return "message/rfc822"
    return "text/plain"


def extension(filename: str) -> str:
    name = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_file(filename: str, head: bytes, size: int, max_bytes: int, whole=None) -> tuple[str | None, str | None]:
    """(content type, None) when the file is accepted, else (None, the reason).

    `whole` (the file, opened for binary reading) lets Word documents and
    Outlook messages be recognised by what they hold."""
    if size == 0:
        return None, "The selected file is empty"
    if size > max_bytes:
        return None, f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB"
    content_type = sniff(head, whole)
    if content_type is None:
        return None, f"The selected file must be {ACCEPTED_FILES}"
    ext = extension(filename)
    if content_type == "message/rfc822" and ext in ALLOWED_TYPES["text/plain"]:
        content_type = "text/plain"  # notes that begin "To:" or "Subject:" are still text
    if ext not in ALLOWED_TYPES[content_type]:
        return None, (
            f"The selected file's content is {_CONTENT_DESCRIPTIONS[content_type]}, which does not match its "
            "name. Rename it or choose the right file"
        )
    return content_type, None


def safe_display_name(filename: str) -> str:
    """The file's own name for display and download: no folders, no control characters."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Control and format characters (C0, C1, bidirectional overrides, zero-width) go,
    # so a name cannot break a header or disguise its extension
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>|*?:' and c.isprintable())
    return name.strip(" .")[:200] or "evidence"
