"""Text that is not valid Unicode, refused in one place (issue 14, 2).

JSON can carry a lone surrogate ("\\ud800": half of a UTF-16 pair, not a
character), and a form can carry bytes that are not UTF-8. Neither can be
stored, shown or put in a PDF, so everything that takes text in (the API's
JSON bodies, every page's form, CSV imports) asks this module and refuses it
with a message naming the field, before anything is changed.
"""

from urllib.parse import parse_qsl

API_FIELD_MESSAGE = (
    "Must be valid Unicode text: it contains a lone surrogate or other code point that is not a character"
)


def is_valid_text(value: str) -> bool:
    """Whether `value` is text that can be stored: every code point a character (no lone surrogate)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def has_invalid_text(value) -> bool:
    """Whether `value` (a string, or a list or mapping of them, keys included, as JSON gives) holds invalid text."""
    if isinstance(value, str):
        return not is_valid_text(value)
    if isinstance(value, dict):
        return any(has_invalid_text(key) or has_invalid_text(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_invalid_text(item) for item in value)
    return False


def invalid_fields(values: dict) -> list[str]:
    """The names (made printable) of the fields of `values` whose name or value is not valid text."""
    return [printable(name) for name, value in values.items() if has_invalid_text(name) or has_invalid_text(value)]


def printable(name: str) -> str:
    """A field name safe to show and send back: anything not a character written as an escape."""
    return name if is_valid_text(name) else name.encode("utf-8", "backslashreplace").decode("utf-8")


def sentences(parts) -> str:
    """Messages, each a sentence of its own: "Sam is the investigator of this case. The appeal officer should
    be more senior than the hearing officer." (not two sentences run together after a semicolon)."""
    kept = [str(part).strip().rstrip(".") for part in parts or ()]
    return " ".join(f"{part}." for part in kept if part)


def clauses(parts) -> str:
    """Messages as clauses of one sentence, joined by semicolons: an article that starts a later one is in
    lower case ("Sam is the investigator of this case; the appeal officer should be more senior ...")."""
    kept = [str(part).strip().rstrip(".") for part in parts or ()]
    kept = [part for part in kept if part]
    return "; ".join(
        part[0].lower() + part[1:] if i and part.split(" ", 1)[0] in ("The", "A", "An") else part
        for i, part in enumerate(kept)
    )


def form_message(label: str) -> str:
    """The message shown on a form field whose text is not valid."""
    return f"{label} contains a character that is not valid text. Remove it and try again"


def undecodable_form_fields(body: bytes) -> set[str]:
    """The fields of an application/x-www-form-urlencoded body whose name or value is not UTF-8.

    Werkzeug quietly turns such bytes into other text, so the form cannot see them; the raw body can."""
    try:
        pairs = parse_qsl(
            body.decode("ascii", "surrogateescape"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="surrogateescape",
        )
    except ValueError:
        return set()
    # A name that is not text names no field of any form: only the values matter
    return {name for name, value in pairs if is_valid_text(name) and not is_valid_text(value)}


# What makes a spreadsheet treat a cell as a formula: = + - @, their full-width forms (Excel and
# LibreOffice read ＝ ＋ － ＠ as the ASCII signs), and a leading tab or carriage return
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(value: str) -> bool:
    """Whether a spreadsheet could run `value` as a formula (a CSV cell written or read)."""
    return value.startswith(FORMULA_STARTS)
