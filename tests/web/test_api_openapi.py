"""The OpenAPI document at /api/v1/openapi.json: valid, complete, and generated from the rules it describes."""

import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from casework.api import schemas, schemas_more
from casework.domain import policy, workflow
from casework.services.deadlines import london_today
from tests.account_samples import BRIEF

from .test_api_fixtures import api_fixture, council_fixture  # noqa: F401  (fixtures)


def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi(client):
    doc = document(client)
    assert doc["openapi"].startswith("3.")
    validate(doc)  # openapi-spec-validator: raises on any error


def test_every_route_of_the_api_is_documented(app, client):
    doc = document(client)
    documented = {(path, method) for path, item in doc["paths"].items() for method in item if method != "parameters"}
    routed = set()
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api_v1.") or rule.endpoint == "api_v1.not_found":
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        routed |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
    for path, item in doc["paths"].items():
        for name in re.findall(r"\{([^}]+)\}", path):
            parameters = item.get("parameters", [])
            resolved = [
                doc["components"]["parameters"][p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p for p in parameters
            ]
            assert any(p["name"] == name and p["in"] == "path" for p in resolved), (path, name)


def test_bearer_tokens_are_the_security_scheme(client):
    doc = document(client)
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []


# The codes of DESIGN §10, written out here rather than read from the code, so that a code
# renamed, dropped or added in the policy module fails this test until the contract says so.
DESIGN_CODES = {
    "Stage": [
        "reported",
        "assessment",
        "rights_suspended",
        "investigation",
        "hearing",
        "outcome",
        "appeal",
        "referred",
        "support",
        "routed",  # issue 13: dealt with under another procedure (Acceptable Use of Social Media Policy 2, 3)
        "closed",
    ],
    "Kind": ["breach", "abuse"],
    "Source": ["employee_report", "public_complaint", "colleague", "council_monitoring", "platform"],
    "BreachCategory": [
        "confidential_information",
        "defamation",
        "harassment",
        "discrimination",
        "disrepute",
        "political",
        "personal_views_as_council",
        "inappropriate_content",
        "consent_or_copyright",
        "service_user_contact",
        "unauthorised_account",
        "council_identity_misuse",
        "personal_use_at_work",
        "wikipedia_at_work",
        "other",
    ],
    "AbuseCategory": ["abuse", "threats", "harassment", "impersonation", "doxxing", "other"],
    "Platform": [
        "facebook",
        "x",
        "instagram",
        "linkedin",
        "youtube",
        "flickr",
        "snapchat",
        "tiktok",
        "whatsapp",
        "blog",
        "forum",
        "wikipedia",
        "other",
    ],
    "Finding": ["not_substantiated", "partly_substantiated", "substantiated"],
    "Sanction": [
        "no_action",
        "management_advice",
        "training",
        "first_written_warning",
        "final_written_warning",
        "dismissal_with_notice",
        "summary_dismissal",
        "referred_to_contractor",
    ],
    "RightsDecision": ["restored", "revoked"],
    "Agency": ["police", "ico", "lado", "contractor", "other"],
    "ReferralStatus": ["pending", "acknowledged", "concluded", "no_further_action"],
    "NoteKind": ["note", "interview", "meeting"],
}
NOT_YET_BUILT: dict = {}


def test_the_code_lists_are_the_codes_of_the_design(client):
    schemas = document(client)["components"]["schemas"]
    for name, codes in DESIGN_CODES.items():
        expected = [code for code in codes if code not in NOT_YET_BUILT.get(name, set())]
        assert schemas[name]["enum"] == expected, name
    assert set(schemas["Category"]["enum"]) == set(DESIGN_CODES["BreachCategory"]) | set(DESIGN_CODES["AbuseCategory"])
    assert schemas["ReporterStatus"]["enum"] == ["Received", "Being looked into", "Passed on", "Concluded"]
    assert schemas["Route"]["enum"] == ["monitoring_officer", "school", "whistleblowing"]
    assert schemas["Scope"]["enum"] == ["council_staff", "councillor", "school_staff"]
    assert schemas["ActionName"]["enum"] == list(workflow.ACTIONS)
    assert schemas["Flag"]["enum"] == list(policy.FLAGS)


def test_each_action_is_described_from_the_workflow_table(client):
    schemas = document(client)["components"]["schemas"]
    request = schemas["ActionRequest"]
    assert request["discriminator"]["propertyName"] == "action"
    assert set(request["discriminator"]["mapping"]) == set(workflow.ACTIONS)
    for name, spec in workflow.ACTIONS.items():
        schema = schemas[f"Action_{name}"]
        assert schema["properties"]["action"]["const"] == name
        assert {"action", "version", *spec.required} == set(schema["required"])
        assert set(schema["properties"]) == {"action", "version", *spec.params.model_fields}
        assert schema["additionalProperties"] is False
        assert spec.label in schema["description"]
    outcome = schemas["Action_record_outcome"]["properties"]
    assert {"$ref": "#/components/schemas/Finding"} in outcome["finding"]["anyOf"]
    assert {"$ref": "#/components/schemas/RightsDecision"} in outcome["rights_decision"]["anyOf"]
    item = schemas["OutcomeItem"]["properties"]
    assert {"$ref": "#/components/schemas/Sanction"} in item["sanction"]["anyOf"]


def test_the_case_schema_carries_the_contract_fields(client):
    schemas = document(client)["components"]["schemas"]
    contract = {
        "reference",
        "kind",
        "stage",
        "version",
        "subjects",
        "categories",
        "platform",
        "owner",
        "investigator",
        "suspensions",
        "referrals",
        "outcome",
        "next_deadline",
    }
    for name in ("Case", "CaseSummary"):
        assert contract <= set(schemas[name]["required"]), name
    assert {"id", "agency", "status"} <= set(schemas["Referral"]["required"])
    assert {"seq", "at", "actor", "action", "from_stage", "to_stage", "hash"} <= set(schemas["Event"]["required"])
    assert schemas["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert {"code", "message", "fields"} == set(schemas["ErrorDetail"]["required"])
    assert "stage" not in schemas["ReporterCase"]["required"]
    assert "owner" not in schemas["ReporterCase"]["properties"]


def test_answers_that_do_not_match_the_document_are_caught(app):
    """The API tests check every JSON answer against the document; the check is not a formality."""
    import pytest

    from .test_api_fixtures import check_against_document

    class Answer:
        def __init__(self, status, body):
            self.status_code, self.mimetype, self.body = status, "application/json", body

        def get_json(self):
            return self.body

    with app.test_request_context():
        check_against_document("/cases", "GET", Answer(200, {"items": [], "next_cursor": None}))
        with pytest.raises(AssertionError):
            check_against_document("/cases", "GET", Answer(200, {"items": []}))
        with pytest.raises(AssertionError):
            check_against_document("/cases/SMC-2026-00001", "GET", Answer(200, {"reference": "SMC-2026-00001"}))
        with pytest.raises(AssertionError):
            check_against_document("/cases/SMC-2026-00001/actions", "POST", Answer(409, {"error": "conflict"}))


ANSWER_MODELS = [schemas.Case, schemas.CaseSummary, schemas.ReporterCase, schemas.Event, schemas.Outcome]
ANSWER_MODELS += [schemas.SubjectOutcome, schemas.Allegation, schemas.Appeal, schemas.Suspension, schemas.Evidence]
# errors, the HR summary, online research, web captures and council accounts
ANSWER_MODELS += [getattr(schemas_more, name) for name in schemas_more.__all__]


@pytest.mark.parametrize("model", ANSWER_MODELS, ids=lambda model: model.__name__)
def test_the_answer_schemas_are_the_models_the_api_answers_with(client, model):
    """The document's response schemas are generated from the models `serialise` builds: same fields, same
    required ones, no copy by hand to drift."""
    schema = document(client)["components"]["schemas"][model.__name__]
    names = {name: field.serialization_alias or name for name, field in model.model_fields.items()}  # from_: from
    assert set(schema["properties"]) == set(names.values())
    assert set(schema["required"]) == {names[name] for name, field in model.model_fields.items() if field.is_required()}
    assert schema["additionalProperties"] is False


def test_a_real_case_and_its_events_validate_against_the_document(api, council):
    """A case taken through an investigation to an outcome, as the API answers it, is valid against the
    document's Case and EventList schemas (every answer in the API tests is checked the same way)."""
    p = council
    reference = api.report(p["reporter"], subjects=[p["subject"].email])["reference"]
    api.act(p["manager"], reference, "take_ownership")
    api.act(p["manager"], reference, "suspend_rights", subject=p["subject"].email, reason="Posted an address.")
    api.act(p["manager"], reference, "start_investigation", investigator=p["investigator"].email)
    api.act(p["investigator"], reference, "add_note", kind="note", text="Spoke to the team.")
    api.act(
        p["manager"],
        reference,
        "record_outcome",
        finding="substantiated",
        sanction="training",
        rights_decision="restored",
        summary="Training on the policy.",
    )
    components = {"components": document(api.client)["components"]}
    for path, name in ((f"/cases/{reference}", "Case"), (f"/cases/{reference}/events", "EventList")):
        answer = api.get(p["hr"], path).get_json()
        validator = OAS31Validator({"$ref": f"#/components/schemas/{name}", **components})
        assert not list(validator.iter_errors(answer)), path
        assert list(validator.iter_errors({**answer, "unexpected": 1})), "a field the document does not name"
    case = api.case(p["hr"], reference)
    assert case["outcomes"][0]["sanction"] == "training" and case["suspensions"][0]["active"] is False


def valid_against_document(client, name: str, answer) -> None:
    """`answer` is valid against the document's schema `name`, and would not be with a field it does not name."""
    validator = OAS31Validator({"$ref": f"#/components/schemas/{name}", "components": document(client)["components"]})
    assert not list(validator.iter_errors(answer)), (name, next(iter(validator.iter_errors(answer))).message)
    assert list(validator.iter_errors({**answer, "unexpected": 1})), f"{name}: a field the document does not name"


def test_real_reports_research_captures_accounts_and_errors_validate_against_the_document(
    api, council, make_case, app, monkeypatch, tmp_path
):
    """An answer of each converted answer schema, as the API sends it, is valid against the document's schema
    generated from its model: the HR summary, an error, online research and an authorisation, a capture, and
    the council accounts register and training."""
    p = council
    case = make_case(p["reporter"], subjects=[p["subject"]], owner=p["manager"], investigator=p["investigator"])
    case.stage = "investigation"
    reference = case.reference
    research = {
        "platform": "facebook",
        "profile": "Sam Subject, facebook.com/sam.subject",
        "purpose": "To see whether the post is still up",
        "looked_at": "Public timeline; took no copies",
    }
    application = {
        "platform": "facebook",
        "profile": "@sam.subject",
        "application": "Check the public timeline twice a week for six weeks",
        "necessity": "The posts are deleted within days",
        "proportionality": "Only posts about residents are kept",
    }
    answers = {
        "Summary": api.get(p["hr"], "/reports/summary.json"),
        "Error": api.get(p["hr"], "/cases/SMC-2026-99999"),
        "LoggedResearch": api.post(p["manager"], f"/cases/{reference}/research", json=research),
        "Authorisation": api.post(p["investigator"], f"/cases/{reference}/authorisations", json=application),
        "CaseResearch": api.get(p["manager"], f"/cases/{reference}/research"),
        "ResearchReport": api.get(p["hr"], "/reports/online-research.json"),
        "CouncilAccount": api.post(
            p["manager"],
            "/accounts",
            json={"platform": "tiktok", "handle": "@housing_youth", "department": "Housing", **BRIEF},
        ),
        "CouncilAccounts": api.get(p["hr"], "/accounts"),
        "Training": api.post(
            p["hr"], "/training", json={"person": p["reporter"].email, "trained_on": london_today().isoformat()}
        ),
        "TrainingList": api.get(p["hr"], "/training"),
    }
    monkeypatch.setitem(app.config, "TASK_QUEUE_URL", f"sqlite:///{tmp_path / 'tasks.db'}")  # queued, not run
    answers["WebCapture"] = api.post(
        p["manager"], f"/cases/{reference}/captures", json={"url": "https://www.example.com/post/1"}
    )
    created = {"LoggedResearch": 201, "Authorisation": 201, "CouncilAccount": 201, "Training": 201, "WebCapture": 202}
    for name, response in answers.items():
        assert response.status_code == {"Error": 404, **created}.get(name, 200), (name, response.get_json())
        valid_against_document(api.client, name, response.get_json())
    assert answers["Error"].get_json()["error"]["code"] == "not_found"
    assert answers["Summary"].get_json()["period"]["from"] < answers["Summary"].get_json()["period"]["to"]
    assert "from" in answers["ResearchReport"].get_json() and answers["WebCapture"].get_json()["status"] == "queued"
    assert answers["TrainingList"].get_json()["items"][0]["latest"]["trained_on"] == london_today().isoformat()
