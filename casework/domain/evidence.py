"""What evidence files are accepted: types told from content, never from the name."""

import re
import unicodedata

ALLOWED_TYPES = {
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "application/pdf": ("pdf",),
    "text/plain": ("txt", "text", "log", "csv"),
    "message/rfc822": ("eml",),
    "video/mp4": ("mp4", "m4v"),
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
}

# A saved message starts with a header field (RFC 5322 2.2: a name of printable
# characters other than the colon, then a colon), whichever header its mail
# program writes first (Received, Delivered-To, DKIM-Signature, ARC-Seal...)
_HEADER_FIELD = re.compile(rb"[!-9;-~]+:")
_HTML_MARKERS = (b"<!doctype", b"<html", b"<script", b"<head", b"<body", b"<svg", b"<?xml", b"<iframe")


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None when it is not an accepted type."""
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
        return "video/mp4"
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


def check_file(filename: str, head: bytes, size: int, max_bytes: int) -> tuple[str | None, str | None]:
    """(content type, None) when the file is accepted, else (None, the reason)."""
    if size == 0:
        return None, "The selected file is empty"
    if size > max_bytes:
        return None, f"The selected file must be smaller than {max_bytes // (1024 * 1024)} MB"
    content_type = sniff(head)
    if content_type is None:
        return None, "The selected file must be a PNG, JPEG, GIF, WebP, PDF, text, email (.eml) or MP4 file"
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
