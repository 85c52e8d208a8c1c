"""Small but well-formed files of the kinds staff hold: a Word document, an Outlook message, a HEIC photo,
and look-alikes that must be refused (a macro-enabled document, an old Word file, an AVIF image)."""

import io
import struct
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def docx_bytes(text: str = "Statement: the post appeared at 21:14 and was deleted by 22:00.", *, macros=False) -> bytes:
    """A Word document (.docx); with `macros`, a macro-enabled one (.docm) whatever it is called."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(main=WORD_MACRO_MAIN if macros else WORD_MAIN))
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", _DOCUMENT.format(text=text))
        if macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return buffer.getvalue()


FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def _directory_entry(name: str, kind: int, child=FREE, right=FREE, start=END, size=0) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return (
        encoded.ljust(64, b"\0")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour (black)
        + struct.pack("<III", FREE, right, child)  # left sibling, right sibling, child
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # created, modified
        + struct.pack("<IQ", start, size)
    )


def compound_file(stream_names) -> bytes:
    """A Microsoft compound file (version 3, 512-byte sectors) holding empty streams of these names."""
    entries = [_directory_entry("Root Entry", 5, child=1 if stream_names else FREE)]
    for number, name in enumerate(stream_names, start=1):
        entries.append(_directory_entry(name, 2, right=number + 1 if number < len(stream_names) else FREE))
    directory = b"".join(entries)
    directory += b"\0" * (-len(directory) % 512)
    directory_sectors = len(directory) // 512
    fat = [FAT_SECTOR] + [n + 2 for n in range(1, directory_sectors)] + [END]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat).ljust(512, b"\xff")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)  # directory sectors (0 in v3), FAT sectors, first directory, signature
        + struct.pack("<IIIII", 4096, END, 0, END, 0)  # mini cutoff, mini FAT, count, DIFAT, count
        + struct.pack("<I", 0)
        + b"\xff" * (436 - 4)
    )
    assert len(header) == 512
    return header + fat_sector + directory


def msg_bytes() -> bytes:
    """An Outlook message (.msg): its property stream and a subject."""
    return compound_file(["__properties_version1.0", "__substg1.0_0037001F", "__nameid_version1.0"])


def old_word_bytes() -> bytes:
    """A Word 97 document (.doc): a compound file too, but not a message."""
    return compound_file(["WordDocument", "1Table", "\x05SummaryInformation"])


def heic_bytes() -> bytes:
    """The start of a HEIC photo from a phone: an ftyp box naming the HEIC brands, then a meta box."""
    ftyp = b"ftyp" + b"heic" + struct.pack(">I", 0) + b"mif1heicmiaf"
    meta = b"meta" + b"\0" * 4 + struct.pack(">I", 33) + b"hdlr" + b"\0" * 8 + b"pict" + b"\0" * 13
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(meta) + 4) + meta + b"\0" * 64


def avif_bytes() -> bytes:
    ftyp = b"ftyp" + b"avif" + struct.pack(">I", 0) + b"mif1avifmiaf"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + b"\0" * 64
