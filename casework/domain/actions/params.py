"""The parameters of an action, typed: one pydantic model per action, declared with the action.

Each field says its JSON type and what it means (the API's document is generated from it), and what the
rules check before the action's own: that it is given (`need`), that a code is one of a list, that text
is not too long. A model is read in one of two ways:

- `read_json`: an API request body. The JSON types are exact: a value of the wrong type is the caller's
  mistake (`Unreadable`, a 400), and so is a field the action does not take (`Refused`, a 422).
- `read_form`: what the pages send, and what the services' own callers pass. This is the one place where
  "yes", "true", "on" and true all read as yes, a number may come as text, one e-mail address stands for
  a list of one, and a blank choice is no choice. What cannot be read is a field error in the rules' words.

A field left out, or sent as null, is not given (None). What the values mean (a known person, a date that
is a working day) is the rules' to decide, after they have checked who is acting and at which stage.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from ..intake import has_control_characters

REASON_MAX = 5_000
TEXT_MAX = 20_000
LIST_MAX = 100
# Integers beyond 32 bits name no record, and PostgreSQL cannot compare them with an INTEGER id
ID_RANGE = {"gt": -(2**31), "lt": 2**31}


# --- what a field carries besides its type ---------------------------------------------------


@dataclass(frozen=True)
class TextRule:
    """Text of at most `limit` characters, without control characters."""

    limit: int


@dataclass(frozen=True)
class Codes:
    """One of `codes` (the document lists them). With `otherwise`, the rules refuse anything else with that
    message; without it, the action's own rule decides (and says which of several values is wrong)."""

    codes: tuple
    otherwise: str | None = None


@dataclass(frozen=True)
class Names:
    """The value names people by e-mail address: the services look them up before the rules run."""


@dataclass(frozen=True)
class Reading:
    """How the field reads: `wrong_type` for a JSON value of another type (the API's 400), and `unreadable`
    for a value from a form that cannot be read as the field's type."""

    wrong_type: str
    unreadable: str


NAMES = Names()


def _form_only(convert):
    """A conversion applied to what the pages send, never to a JSON body."""

    def validator(value, info: ValidationInfo):
        return convert(value) if (info.context or {}).get("form") else value

    return BeforeValidator(validator)


def _blank_is_none(value):
    return None if isinstance(value, str) and not value.strip() else value


def _one_is_a_list(value):
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else value


def need(message: str) -> Any:
    """The default of a field the action needs, `reason: Reason() = need("Enter the reason")`: not given, it
    is refused with `message` (and the document lists it as required)."""
    return Field(None, json_schema_extra={"x-need": message})


# --- the types of fields --------------------------------------------------------------------------


def Text(description: str, limit: int = TEXT_MAX, *, unreadable: str = "Enter text") -> Any:
    """Free text of at most `limit` characters."""
    return Annotated[
        str | None,
        Field(description=description),
        TextRule(limit),
        Reading("Must be a string", unreadable),
    ]


def Reason(description: str = "Why; recorded in the audit trail") -> Any:
    return Text(description, REASON_MAX)


def Email(description: str, *, unreadable: str = "Choose a person from the staff directory") -> Any:
    """A person, named by their e-mail address."""
    return Annotated[str | None, Field(description=description), NAMES, Reading("Must be a string", unreadable)]


def Emails(description: str, *, unreadable: str = "Choose people from the staff directory") -> Any:
    """People, named by their e-mail addresses (on a form, one address is a list of one)."""
    return Annotated[
        list[str] | None,
        Field(description=description, max_length=LIST_MAX),
        _form_only(_one_is_a_list),
        NAMES,
        Reading("Must be a list of strings", unreadable),
    ]


def Code(description: str, codes, *, otherwise: str | None = None) -> Any:
    """One code from `codes`."""
    listed = tuple(str(code) for code in codes)
    return Annotated[
        Annotated[str, WithJsonSchema({"type": "string", "enum": list(listed)})] | None,
        Field(description=description),
        Codes(listed, otherwise),
        Reading("Must be a string", otherwise or "Choose from the list"),
    ]


def Strings(description: str, *, unreadable: str = "Choose from the list") -> Any:
    """A list of text values, such as category codes."""
    return Annotated[
        list[str] | None,
        Field(description=description, max_length=LIST_MAX),
        _form_only(_one_is_a_list),
        Reading("Must be a list of strings", unreadable),
    ]


def YesNo(description: str, *, unreadable: str = "Say yes or no") -> Any:
    """Yes or no: true or false in JSON; "yes", "true", "on" (and their opposites) from a form."""
    return Annotated[
        bool | None,
        Field(description=description),
        _form_only(_blank_is_none),
        Reading("Must be true or false", unreadable),
    ]


def RecordId(description: str, *, unreadable: str) -> Any:
    """The id of a record; from a form, its digits."""
    return Annotated[
        int | None,
        Field(description=description, **ID_RANGE),
        _form_only(_blank_is_none),
        Reading("Must be an integer", unreadable),
    ]


def LocalDateTime(description: str, *, unreadable: str = "Enter a date and time") -> Any:
    """A date and time in London, as ISO text: 2026-12-10T10:00."""
    return Annotated[
        Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})] | None,
        Field(description=description),
        Reading("Must be a string", unreadable),
    ]


def LocalDate(description: str, *, unreadable: str = "Enter a date") -> Any:
    """A date (and perhaps a time) in London, as ISO text."""
    return Annotated[str | None, Field(description=description), Reading("Must be a string", unreadable)]


def Items(model: type["Item"], description: str, *, unreadable: str) -> Any:
    """A list of objects, each read as `model`."""
    return Annotated[
        list[model] | None,
        Field(description=description, max_length=LIST_MAX),
        Reading("Must be a list of objects", unreadable),
    ]


def _account_ids(value, info: ValidationInfo):
    if (info.context or {}).get("form"):
        if value in ("", [], ["all"]):
            value = "all"
        elif isinstance(value, list) and all(isinstance(i, str) and i.strip().isdigit() for i in value):
            value = [int(i) for i in value]
    if value is None or value == "all":
        return value
    if not isinstance(value, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in value):
        raise PydanticCustomError("accounts_type", 'Must be "all" or a list of council account ids')
    if len(value) > LIST_MAX:
        raise PydanticCustomError("too_long", "Too many values")
    if any(not ID_RANGE["gt"] < i < ID_RANGE["lt"] for i in value):
        raise PydanticCustomError("less_than", "No such record")
    return value


def AccountIds(description: str) -> Any:
    """Council accounts: "all", or a list of their ids."""
    return Annotated[
        str | list[int] | None,
        Field(description=description),
        PlainValidator(_account_ids),
        WithJsonSchema(
            {
                "oneOf": [
                    {"type": "string", "enum": ["all"]},
                    {"type": "array", "items": {"type": "integer"}},
                    {"type": "null"},
                ]
            }
        ),
        Reading('Must be "all" or a list of council account ids', "Choose council accounts from the register"),
    ]


# --- the models ---------------------------------------------------------------------------------------


def _needed_are_required(schema: dict, cls) -> None:
    """In the document, the fields an action needs are required (null still means "not given")."""
    needed = [name for name, field in cls.model_fields.items() if _need(field)]
    if needed:
        schema["required"] = [*schema.get("required", []), *(n for n in needed if n not in schema.get("required", []))]
    for prop in schema.get("properties", {}).values():
        prop.pop("x-need", None)


def _named_emails(params: BaseModel) -> list:
    found = []
    for name, field in type(params).model_fields.items():
        value = getattr(params, name)
        if NAMES in field.metadata:
            found += value if isinstance(value, list) else [value]
        elif isinstance(value, list):
            found += [email for item in value if isinstance(item, Item) for email in _named_emails(item)]
    return found


class Item(BaseModel):
    """One object of a list parameter (an outcome, a finding, an allegation)."""

    model_config = ConfigDict(extra="forbid")


class ActionParams(BaseModel):
    """The parameters of one action. Subclasses declare the fields, each with its type from above."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_needed_are_required)

    @classmethod
    def needed(cls) -> dict[str, str]:
        """The fields the action needs, each with the message shown when it is missing."""
        return {name: _need(field) for name, field in cls.model_fields.items() if _need(field)}

    def given(self) -> dict:
        """The values given, as plain data (nothing for a field not given)."""
        return self.model_dump(exclude_none=True)

    def emails(self) -> list[str]:
        """Every e-mail address the parameters name, so that the people can be looked up at once."""
        return [email for email in _named_emails(self) if isinstance(email, str)]

    @classmethod
    def named_in(cls, values) -> list[str]:
        """Every e-mail address the fields that name people hold in `values` (not yet read: what cannot be an
        address is left out), so that the people can be looked up before the rules run."""
        if isinstance(values, ActionParams):
            return values.emails()
        if not isinstance(values, dict):
            return []
        found = []
        for name, field in cls.model_fields.items():
            value = values.get(name)
            inner = _item_model(field)
            if NAMES in field.metadata:
                found += value if isinstance(value, list) else [value]
            elif inner is not None and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):
                        found += [item.get(key) for key, f in inner.model_fields.items() if NAMES in f.metadata]
        return [email for email in found if isinstance(email, str)]


class NoParams(ActionParams):
    """An action that takes nothing but the case's version."""


def _need(field) -> str | None:
    extra = field.json_schema_extra
    return extra.get("x-need") if isinstance(extra, dict) else None


def _reading(model: type[BaseModel], name: str) -> Reading | None:
    field = model.model_fields.get(name)
    return next((m for m in field.metadata if isinstance(m, Reading)), None) if field else None


# --- reading -----------------------------------------------------------------------------------------


class Unreadable(Exception):
    """Values of the wrong JSON type: {field: what it must be}."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("Some fields have the wrong type")
        self.fields = fields


class Refused(Exception):
    """A body the action cannot take: unknown fields, too many values, a number out of range."""

    def __init__(self, message: str, fields: dict[str, str]):
        super().__init__(message)
        self.message = message
        self.fields = fields


def read_json(model: type[ActionParams], body: dict) -> ActionParams:
    """`body` (the request's fields but `action` and `version`) as `model`, its JSON types exact."""
    try:
        return model.model_validate(body, strict=True)
    except ValidationError as error:
        problems = error.errors()
    wrong, unknown, too_many, out_of_range = {}, [], {}, {}
    for problem in problems:
        name = str(problem["loc"][0])
        if problem["type"] == "extra_forbidden" and len(problem["loc"]) == 1:
            unknown.append(name)
        elif problem["type"] == "too_long":
            too_many[name] = f"Give at most {LIST_MAX} values"
        elif problem["type"] in ("less_than", "greater_than"):
            out_of_range[name] = "No such record"
        elif name not in wrong:
            wrong[name] = _wrong_type(model, problem)
    if wrong:
        raise Unreadable(wrong)
    if too_many:
        raise Refused("Too many values", too_many)
    if out_of_range:
        raise Refused("A number is out of range", out_of_range)
    raise Refused("Unknown fields: " + ", ".join(sorted(unknown)), {n: "This field is not recognised" for n in unknown})


def _wrong_type(model, problem) -> str:
    """What a field must be, for a value of the wrong type (inside a list of objects, which field of it)."""
    name, loc = str(problem["loc"][0]), problem["loc"]
    inner = _item_model(model.model_fields[name])
    if inner is not None and len(loc) == 3 and isinstance(loc[1], int):
        key = str(loc[2])
        if problem["type"] == "extra_forbidden":
            return f"Unknown field in an item: {key}"
        item_reading = _reading(inner, key)
        return f"{key}: {item_reading.wrong_type if item_reading else 'Must be a string'}"
    reading = _reading(model, name)
    return reading.wrong_type if reading else "Has the wrong type"


def _item_model(field) -> type[Item] | None:
    """The model of each object of a list-of-objects field, or None."""
    annotation = field.annotation
    for arg in getattr(annotation, "__args__", ()):
        for inner in getattr(arg, "__args__", ()):
            if isinstance(inner, type) and issubclass(inner, Item):
                return inner
    return None


def read_form(model: type[ActionParams], values: dict) -> tuple[ActionParams, dict[str, str]]:
    """`values` as `model`, read as a form's are; fields it does not take are ignored. Returns the
    parameters (a field that could not be read is not given) and {field: message} for those."""
    known = {name: value for name, value in values.items() if name in model.model_fields}
    try:
        return model.model_validate(known, context={"form": True}), {}
    except ValidationError as error:
        problems = error.errors()
    errors = {}
    for problem in problems:
        name = str(problem["loc"][0])
        if name not in errors:
            reading = _reading(model, name)
            errors[name] = reading.unreadable if reading else "Check this field"
    readable = {name: value for name, value in known.items() if name not in errors}
    return model.model_validate(readable, context={"form": True}), errors


# --- the checks every action's fields get -------------------------------------------------------------


def field_errors(params: ActionParams) -> dict[str, str]:
    """What is wrong with the fields whatever the action's own rule says: a needed field missing, text too
    long or with control characters, a code not in its list."""
    errors = {}
    for name, field in type(params).model_fields.items():
        value = getattr(params, name)
        needed = _need(field)
        if needed and (value is None or (isinstance(value, str) and not value.strip())):
            errors[name] = needed
            continue
        for rule in field.metadata:
            if isinstance(rule, TextRule) and isinstance(value, str):
                if len(value) > rule.limit:
                    errors[name] = f"Must be {rule.limit:,} characters or fewer"
                elif has_control_characters(value):
                    errors[name] = "Must not contain control characters"
            elif isinstance(rule, Codes) and rule.otherwise and value not in (None, ""):
                if value not in rule.codes:
                    errors[name] = rule.otherwise
    return errors


# --- reading the values: e-mail addresses as people, ISO text as moments ------------------------------


def person(people: dict, email):
    """The person named by `email` among `people` (looked up by the services, by lower-case address), or None."""
    return people.get(email.strip().lower()) if isinstance(email, str) and email.strip() else None


def local_moment(value) -> datetime | None:
    """An ISO date and time ("2026-12-10T10:00"), as given (London time when it has no offset), or None."""
    if not isinstance(value, str) or "T" not in value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment


def local_day_or_moment(value) -> datetime | None:
    """An ISO date and time, or a date alone (its midnight), as given; or None."""
    moment = local_moment(value)
    if moment is None and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip() + "T00:00")
        except ValueError:
            return None
    return moment
