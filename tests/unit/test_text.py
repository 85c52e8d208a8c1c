"""Text that is not valid Unicode is recognised in one place (casework.domain.text; issue 14, 2)."""

import importlib
import inspect
import pkgutil

import pytest

from casework.domain import text

LONE = "\ud800"


@pytest.mark.parametrize("value", [LONE, "abc\udfff", f"a{LONE}b", "\udc80"])
def test_a_lone_surrogate_is_not_valid_text(value):
    assert not text.is_valid_text(value)
    assert text.has_invalid_text(value)


@pytest.mark.parametrize("value", ["", "plain", "Zoë’s post 🙂", "\U0001f600", "\ufffd", "line\nbreak\ttab"])
def test_characters_from_any_plane_are_valid(value):
    assert text.is_valid_text(value)
    assert not text.has_invalid_text(value)


def test_json_values_are_searched_all_the_way_down_keys_included():
    assert text.has_invalid_text(["ok", ["deeper", LONE]])
    assert text.has_invalid_text({"outer": {"inner": LONE}})
    assert text.has_invalid_text({LONE: "value"})
    assert not text.has_invalid_text({"n": 1, "flag": True, "nothing": None, "list": ["a", 2]})
    assert text.invalid_fields({"description": LONE, "kind": "breach", f"bad{LONE}": 1}) == [
        "description",
        "bad\\ud800",
    ]


def test_form_bodies_that_are_not_utf8_name_their_fields():
    body = b"csrf_token=abc&description=%ED%A0%80&name=Zo%C3%AB&other=%FF%FE&%ED%A0%80=x"
    assert text.undecodable_form_fields(body) == {"description", "other"}
    assert text.undecodable_form_fields(b"email=a%40b.example&password=x") == set()


def test_the_messages_name_the_field():
    assert text.form_message("Description").startswith("Description contains a character that is not valid text")
    assert "lone surrogate" in text.API_FIELD_MESSAGE


def test_every_form_on_the_pages_is_a_casework_form():
    """So every form refuses invalid text (casework.web.base_form): a new form cannot forget it."""
    from flask_wtf import FlaskForm

    import casework.web
    from casework.web.base_form import CaseworkForm

    forms = set()
    for module_info in pkgutil.walk_packages(casework.web.__path__, "casework.web."):
        module = importlib.import_module(module_info.name)
        forms |= {
            cls
            for _, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__
        }
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, CaseworkForm)] == []


def test_messages_joined_as_sentences_or_clauses():
    from casework.domain.text import clauses, sentences

    rules = ["Sam is the investigator of this case", "The appeal officer should be more senior."]
    assert sentences(rules) == ("Sam is the investigator of this case. The appeal officer should be more senior.")
    assert clauses(rules) == "Sam is the investigator of this case; the appeal officer should be more senior"
    assert clauses(["The first", "Sam second"]) == "The first; Sam second"
    assert sentences([]) == "" and clauses(None) == ""
