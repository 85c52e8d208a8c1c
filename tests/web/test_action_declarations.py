"""Each workflow action is declared once (`casework.domain.actions`), and everything else hangs off that
one declaration: exactly one handler in the services, exactly one form on the pages whose values are the
action's parameters, a request schema in the API's document, a message once it is done."""

import pytest

import casework.services.workflow  # noqa: F401  (registers every handler)
from casework.api.openapi import openapi_document
from casework.domain.actions import ACTIONS, CLOSE
from casework.domain.actions.params import read_form
from casework.services import workflow as workflow_service
from casework.services.handlers import HANDLERS, handles
from casework.web.action_forms import FORMS, form_for

DECLARED = list(ACTIONS.values())


def test_every_declared_action_has_exactly_one_handler():
    assert set(HANDLERS) == set(DECLARED)
    with pytest.raises(ValueError, match="close already has a handler"):
        handles(CLOSE)(lambda case, actor, params, people, allowed: {})
    assert HANDLERS[CLOSE].__name__ == "_close"


def test_every_declared_action_has_exactly_one_form():
    assert set(FORMS) == set(DECLARED)
    with pytest.raises(ValueError, match="close already has a form"):
        form_for(CLOSE)(type("AnotherForm", (), {}))


def test_every_declared_action_is_in_the_document():
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["ActionName"]["enum"] == list(ACTIONS)
    assert set(schemas["ActionRequest"]["discriminator"]["mapping"]) == set(ACTIONS)
    for action in DECLARED:
        schema = schemas[f"Action_{action.name}"]
        assert set(schema["properties"]) == {"action", "version", *action.params.model_fields}
        assert set(schema["required"]) == {"action", "version", *action.params.needed()}


@pytest.mark.parametrize("action", DECLARED, ids=lambda action: action.name)
def test_every_declared_action_says_what_it_is_and_what_was_done(action):
    assert action.label and action.label[0].isupper() and not action.label.endswith(".")
    assert action.done.endswith(".") and action.done[0].isupper()
    assert action.from_stages and action.capacities and action.kinds
    for name, message in action.params.needed().items():
        assert name in action.params.model_fields and message[0].isupper(), (action.name, name)


@pytest.fixture
def people(make_department, make_user):
    housing = make_department("Housing")
    manager = make_user("manager", department=housing, name="Morgan Manager")
    return {
        "manager": manager,
        "hr": make_user("hr", name="Harper HR"),
        "subject": make_user(department=housing, line_manager=manager, password=None),
        "reporter": make_user(department=housing, name="Rita Reporter"),
    }


@pytest.fixture
def case(make_case, people, db_session):
    case = make_case(people["reporter"], subjects=[people["subject"]])
    workflow_service.perform(case, people["manager"], "take_ownership", {}, version=case.version)
    db_session.flush()
    return case


@pytest.mark.parametrize("action", DECLARED, ids=lambda action: action.name)
def test_each_form_sends_the_parameters_its_action_declares(app, case, people, action):
    """The form is checked against the action's parameter model: it sends only the model's fields, every
    field the action needs, and values the model can read."""
    with app.test_request_context():
        form = FORMS[action].for_case(case)(meta={"csrf": False}, formdata=None)
        form.setup(
            case,
            {
                "accounts": [],
                "investigators": [people["manager"]],
                "officers": [people["manager"]],
                "actor_is_investigator": False,
                "actor_id": people["hr"].id,
            },
        )
        sent = form.params()
    assert set(sent) <= set(action.params.model_fields), f"{action.name}: {set(sent) - set(action.params.model_fields)}"
    assert set(action.params.needed()) <= set(sent), f"{action.name} needs what its form never sends"
    _, unreadable = read_form(action.params, sent)
    assert unreadable == {}, f"{action.name}: {unreadable}"
