"""Which evidence files are accepted (design §6): the type is told from the
content, never from the name, and the name must agree with it; the name kept
for display has no folders, control characters or quotes."""

import pytest

from casework.domain.evidence import ALLOWED_TYPES, check_file, safe_display_name, sniff

MB = 1024 * 1024
MAX = 25 * MB

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x000\x01\x00\x9d\x01\x2a"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free"
EML = (
    b"Received: from mail.example.org by mx.council.invalid; Mon, 2 Mar 2026 09:00:00 +0000\r\n"
    b"From: Someone <someone@example.org>\r\nTo: officer@council.invalid\r\n"
    b"Subject: You will regret this\r\n\r\nThe message itself.\r\n"
)
TEXT = "Transcript of the post, copied on 2 March: \u201cI know where you live\u201d \u2013 posted at 21:14.\n".encode()
HTML = b"<!DOCTYPE html><html><head><script>alert(document.cookie)</script></head><body></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
XML_SVG = b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00\x00\x00" + b"\x00" * 40 + b"PE\x00\x00"

NOT_ACCEPTED = (
    "The selected file must be a PNG, JPEG, GIF, WebP or HEIC image, a PDF, a Word document (.docx), text, "
    "an email (.eml or Outlook .msg) or an MP4 video"
)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (GIF, "image/gif"),
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (WEBP, "image/webp"),
        (PDF, "application/pdf"),
        (MP4, "video/mp4"),
        (EML, "message/rfc822"),
        (TEXT, "text/plain"),
        (HTML, None),
        (SVG, None),
        (XML_SVG, None),
        (EXE, None),
        (b"\xef\xbb\xbf  \n<html><body>hi</body></html>", None),  # a byte-order mark and blank lines first
        (b"<SCRIPT>alert(1)</SCRIPT>", None),
        (b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", None),  # UTF-16 HTML
        (b"\x7fELF\x02\x01\x01\x00\x00\x00", None),
    ],
)
def test_sniff(head, expected):
    assert sniff(head) == expected


@pytest.mark.parametrize(
    ("name", "head", "content_type"),
    [
        ("screenshot.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("photo.jpeg", JPEG, "image/jpeg"),
        ("PHOTO.JPG", JPEG, "image/jpeg"),
        ("animation.gif", GIF, "image/gif"),
        ("capture.webp", WEBP, "image/webp"),
        ("statement.pdf", PDF, "application/pdf"),
        ("recording.mp4", MP4, "video/mp4"),
        ("threat.eml", EML, "message/rfc822"),
        ("transcript.txt", TEXT, "text/plain"),
        ("export.csv", b"date,platform,handle\n2026-03-02,x,@someone\n", "text/plain"),
        ("C:\\Users\\officer\\Desktop\\screenshot.png", PNG, "image/png"),
    ],
)
def test_accepted_files(name, head, content_type):
    assert check_file(name, head, len(head), MAX) == (content_type, None)


@pytest.mark.parametrize(
    "head",
    [
        b"Subject: notes of the meeting with the complainant\nPresent: ...\n",
        b"To: whom it may concern\n\nI saw the post on Friday.\n",
        b"Date: 2 March 2026\nWhat happened: the post went up at 9pm.\n",
    ],
)
def test_plain_text_that_starts_like_an_email_header_is_still_accepted_as_text(head):
    """Officers' notes often begin "To:", "Subject:" or "Date:"; named .txt they are text."""
    assert check_file("notes.txt", head, len(head), MAX) == ("text/plain", None)


@pytest.mark.parametrize(
    "first_header",
    [
        b"Received: from mx.example.org",
        b"Return-Path: <someone@example.org>",
        b"Delivered-To: officer@council.invalid",
        b"DKIM-Signature: v=1; a=rsa-sha256; d=example.org",
        b"ARC-Seal: i=1; a=rsa-sha256; t=1772442000",
        b"Authentication-Results: mx.council.invalid; spf=pass",
        b"MIME-Version: 1.0",
        b"Content-Type: text/plain; charset=utf-8",
        b"X-Mailer: Outlook",
    ],
)
def test_a_saved_email_is_accepted_whatever_its_first_header(first_header):
    """Mail programs save messages starting with different headers (Gmail: Delivered-To, ARC-Seal...)."""
    head = first_header + b"\r\nFrom: someone@example.org\r\nSubject: Threat\r\n\r\nBody\r\n"
    assert check_file("message.eml", head, len(head), MAX) == ("message/rfc822", None)


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("photo.png", HTML),  # HTML disguised as an image
        ("photo.png", SVG),
        ("drawing.svg", SVG),
        ("drawing.svg", XML_SVG),
        ("page.html", HTML),
        ("page.txt", HTML),
        ("setup.exe", EXE),
        ("invoice.pdf", EXE),
        ("photo.png", EXE),
    ],
)
def test_dangerous_content_is_refused_whatever_its_name(name, head):
    assert check_file(name, head, len(head), MAX) == (None, NOT_ACCEPTED)


def test_an_empty_file_is_refused():
    assert check_file("screenshot.png", b"", 0, MAX) == (None, "The selected file is empty")


@pytest.mark.parametrize("size", [MAX + 1, 10 * MAX])
def test_an_oversize_file_is_refused(size):
    assert check_file("recording.mp4", MP4, size, MAX) == (None, "The selected file must be smaller than 25 MB")


def test_a_file_of_exactly_the_limit_is_accepted():
    assert check_file("recording.mp4", MP4, MAX, MAX) == ("video/mp4", None)


@pytest.mark.parametrize(
    ("name", "head", "described_as"),
    [
        ("statement.pdf", TEXT, "a text file"),
        ("screenshot.png", JPEG, "a JPEG image"),
        ("photo.jpg", PNG, "a PNG image"),
        ("screenshot.png", PDF, "a PDF document"),
        ("recording.mp4", GIF, "a GIF image"),
        ("threat.eml", PNG, "a PNG image"),
        ("video.mov", MP4, "an MP4 video"),
        ("transcript", TEXT, "a text file"),  # no extension at all
        ("screenshot.png.", PNG, "a PNG image"),
    ],
)
def test_a_name_that_does_not_match_the_content_is_refused(name, head, described_as):
    content_type, problem = check_file(name, head, len(head), MAX)
    assert content_type is None
    assert problem.startswith(f"The selected file's content is {described_as}, which does not match its name")
    assert "Rename it or choose the right file" in problem


def test_every_accepted_type_has_a_label_and_a_name_for_its_message():
    for content_type, extensions in ALLOWED_TYPES.items():
        assert extensions, content_type


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("C:\\x\\y.png", "y.png"),
        ("/var/www/uploads/photo.jpg", "photo.jpg"),
        ("screenshot 2026-03-02.png", "screenshot 2026-03-02.png"),
        ('say "cheese".png', "say cheese.png"),
        ("new\r\nline.png", "newline.png"),
        ("tab\there.pdf", "tabhere.pdf"),
        ("nul\x00byte.png", "nulbyte.png"),
        ("bell\x07\x1b[31mred.txt", "bell[31mred.txt"),
        ("c1\x85\x9bcontrol.png", "c1control.png"),  # C1 control characters
        ("invoice\u202egnp.exe", "invoicegnp.exe"),  # right-to-left override that hides the real extension
        ("zero\u200bwidth.png", "zerowidth.png"),
        ("<script>x</script>.png", "script.png"),  # the slash of </script> starts a new name
        ("a|b*c?d:e.png", "abcde.png"),
        ("O'Brien statement.pdf", "O'Brien statement.pdf"),
        ("Déclaration – témoin.pdf", "Déclaration – témoin.pdf"),
        ("  spaced.png  ", "spaced.png"),
        ("...", "evidence"),
        ("", "evidence"),
        (None, "evidence"),
        ("../", "evidence"),
        ("\x00\x01", "evidence"),
    ],
)
def test_safe_display_name(given, shown):
    assert safe_display_name(given) == shown


def test_a_safe_display_name_is_bounded():
    assert len(safe_display_name("a" * 1000 + ".png")) <= 200


def test_safe_display_names_contain_nothing_a_header_or_path_could_trip_on():
    nasty = "".join(chr(c) for c in range(0, 0x250)) + "\u202e\u2066\u200f\ufeff/..\\..\\name.png"
    shown = safe_display_name(nasty)
    assert not set(shown) & set('/\\"<>|*?:')
    assert all(c.isprintable() for c in shown)
