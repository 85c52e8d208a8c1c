"""The base of every form on the pages: text that is not valid Unicode is refused here (issue 14, 2).

Every form class derives from CaseworkForm (tests/unit/test_text.py checks),
so no page can store a lone surrogate or bytes that are not UTF-8: the field
gets a message and the view's usual "not valid" path changes nothing.
"""

from flask import g, request
from flask_wtf import FlaskForm

from ..domain import text

SKIPPED_TYPES = {"CSRFTokenField", "SubmitField", "FileField", "MultipleFileField"}


def note_undecodable_form_fields() -> None:
    """Before a page's form is read: which fields of a urlencoded body are not UTF-8 (Werkzeug would
    turn their bytes into other text). The body is kept, so the form is parsed from it as usual."""
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype == "application/x-www-form-urlencoded":
        g.undecodable_form_fields = text.undecodable_form_fields(request.get_data(cache=True))


class CaseworkForm(FlaskForm):
    """A Flask-WTF form that refuses, field by field, text that is not valid Unicode."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        undecodable = g.get("undecodable_form_fields", set())
        for field in self:
            if field.type in SKIPPED_TYPES:
                continue
            values = [field.data, *(field.raw_data or [])]
            if field.name in undecodable or any(text.has_invalid_text(value) for value in values):
                field.errors = [text.form_message(field.label.text)]
                valid = False
        return valid
