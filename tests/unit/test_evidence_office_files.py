"""The files staff actually hold (issue 9, item 9): Word documents, Outlook and saved e-mails and HEIC
phone photos are accepted, told from their content, never from their name alone."""

import io

import pytest

from casework.domain.evidence import DOCX, OUTLOOK_MESSAGE, check_file, sniff
from tests.evidence_samples import (
    avif_bytes,
    docx_bytes,
    heic_bytes,
    msg_bytes,
    old_word_bytes,
    zip_bytes,
)

MAX = 25 * 1024 * 1024
EML = b"From: Someone <someone@example.org>\r\nSubject: You will regret this\r\n\r\nThe message.\r\n"
NOT_ACCEPTED = (
    "The selected file must be a PNG, JPEG, GIF, WebP or HEIC image, a PDF, a Word document (.docx), text, "
    "an email (.eml or Outlook .msg) or an MP4 video"
)


def check(name: str, content: bytes):
    return check_file(name, content[:4096], len(content), MAX, io.BytesIO(content))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("statement.docx", docx_bytes(), DOCX),
        ("Statement FINAL (2).DOCX", docx_bytes(), DOCX),
        ("threat.msg", msg_bytes(), OUTLOOK_MESSAGE),
        ("threat.eml", EML, "message/rfc822"),
        ("IMG_0412.HEIC", heic_bytes(), "image/heic"),
        ("IMG_0412.heif", heic_bytes(), "image/heic"),
    ],
)
def test_the_files_staff_hold_are_accepted(name, content, content_type):
    assert check(name, content) == (content_type, None)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("statement.docx", docx_bytes(macros=True)),  # a macro-enabled document renamed
        ("statement.docx", zip_bytes()),  # any other ZIP
        ("statement.docx", b"PK\x03\x04 broken"),
        ("threat.msg", old_word_bytes()),  # a compound file that is not a message
        ("threat.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100),
        ("IMG_0412.heic", avif_bytes()),
    ],
)
def test_look_alikes_are_refused(name, content):
    assert check(name, content) == (None, NOT_ACCEPTED)


@pytest.mark.parametrize(
    ("name", "content", "described"),
    [
        ("photo.png", docx_bytes(), "a Word document"),
        ("statement.docx", heic_bytes(), "a HEIC photo"),
        ("notes.txt", msg_bytes(), "an Outlook message"),
        ("IMG_0412.heic", msg_bytes(), "an Outlook message"),
        ("statement.docx", b"Just some text", "a text file"),
    ],
)
def test_a_name_that_does_not_match_the_content_is_refused(name, content, described):
    content_type, problem = check(name, content)
    assert content_type is None
    assert problem.startswith(f"The selected file's content is {described}, which does not match its name")


def test_containers_are_not_accepted_on_their_first_bytes_alone():
    """Without the whole file to look inside, a ZIP or a compound file is not taken on trust."""
    assert sniff(docx_bytes()[:4096]) is None
    assert sniff(msg_bytes()[:4096]) is None
    assert sniff(heic_bytes()) == "image/heic"  # a photo says what it is in its first bytes
