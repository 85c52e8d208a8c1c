"""The workflow (design §3) and who may act (§4), as a matrix: every action ×
every stage × every way a person stands to the case.

The expected rules are written out below from the design, not read from
`casework.domain.workflow.ACTIONS`, so that changing a rule in the code fails
here until the table is changed too. Each cell builds a case that meets the
action's own preconditions (a suspension to lift, a referral to update, an
outcome before closing) and sends valid parameters, so only the stage and
the person decide.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from casework.domain.actions import ACTIONS, Settings
from casework.domain.policy import Kind, Stage
from casework.domain.workflow import Allowed, Refusal, RefusalCode, available_actions, check

S = Stage
BREACH, ABUSE = Kind.BREACH, Kind.ABUSE
BOTH = frozenset({BREACH, ABUSE})
BREACH_ONLY = frozenset({BREACH})
ABUSE_ONLY = frozenset({ABUSE})
OPEN = frozenset(Stage) - {S.CLOSED}

# The stages each kind of case passes through (§3): a breach never reaches
# `support`, an abuse case never reaches suspension, investigation or outcome.
STAGES_BY_KIND = {
    BREACH: (
        S.REPORTED,
        S.ASSESSMENT,
        S.RIGHTS_SUSPENDED,
        S.INVESTIGATION,
        S.HEARING,
        S.OUTCOME,
        S.APPEAL,
        S.REFERRED,
        S.ROUTED,
        S.CLOSED,
    ),
    ABUSE: (S.REPORTED, S.ASSESSMENT, S.SUPPORT, S.REFERRED, S.CLOSED),
}
# Where a referred case came from, and so where `resume` returns it
BEFORE_REFERRAL = {BREACH: S.INVESTIGATION, ABUSE: S.SUPPORT}

# --- how the person acting stands to the case -------------------------------------------

OWNER = "owner manager"
HR = "hr"
INVESTIGATOR = "investigator (manager)"
DEPARTMENT_MANAGER = "manager in the subject's department, not owner"
LINE_MANAGER = "line manager of the subject, another department"
HEAD_OF_SERVICE = "head of service of a contractor subject"
REPORTER = "reporter"
SUBJECT = "subject"
ADMIN = "admin in the subject's department"
EMPLOYEE = "unrelated employee"
OTHER_MANAGER = "manager of another department, no relationship"
HEARING_OFFICER = "hearing officer (manager)"
APPEAL_OFFICER = "appeal officer of an open appeal (manager)"

ACTORS = (
    OWNER,
    HR,
    INVESTIGATOR,
    DEPARTMENT_MANAGER,
    LINE_MANAGER,
    HEAD_OF_SERVICE,
    REPORTER,
    SUBJECT,
    ADMIN,
    EMPLOYEE,
    OTHER_MANAGER,
    HEARING_OFFICER,
    APPEAL_OFFICER,
)

# §3/§4: managers and HR who may see the whole case may take it on; the owner
# and HR run it; the investigator adds notes; a contractor's head of service
# acknowledges the case, records what the contractor did and updates the
# contractor referral. A reporter, a subject, an admin and anyone unrelated
# may do nothing.
# (the appeal officer sees a case only while there is an appeal for them: see decide_appeal)
CASE_MANAGERS = frozenset({OWNER, HR, INVESTIGATOR, DEPARTMENT_MANAGER, LINE_MANAGER, HEARING_OFFICER})
# Anyone holding a role on the case (the appeal officer of an open appeal holds one only where there is one)
ASSIGNED = frozenset({OWNER, INVESTIGATOR, HEARING_OFFICER})
OWNER_OR_HR = frozenset({OWNER, HR})


def stays(stage, case):
    return stage


def previous(stage, case):
    return case.stage_before_referral


@dataclass(frozen=True)
class Rule:
    stages: frozenset
    to: object  # a stage, or a function (stage, case) -> stage
    who: object  # a set of actors, or a function (stage) -> set
    kinds: frozenset = BOTH

    def people(self, stage):
        return self.who(stage) if callable(self.who) else self.who

    def to_stage(self, stage, case):
        return self.to(stage, case) if callable(self.to) else self.to


RULES = {
    # reported → assessment: a manager or HR takes ownership
    "take_ownership": Rule(frozenset({S.REPORTED}), S.ASSESSMENT, CASE_MANAGERS),
    # assessment → closed: no further action or informal advice, with a reason
    "close_no_further_action": Rule(frozenset({S.ASSESSMENT}), S.CLOSED, OWNER_OR_HR),
    # 000 11.2: suspension while the matter is investigated; suspending during
    # the investigation leaves the investigation running
    "suspend_rights": Rule(
        frozenset({S.ASSESSMENT, S.RIGHTS_SUSPENDED, S.INVESTIGATION}),
        lambda stage, case: S.INVESTIGATION if stage == S.INVESTIGATION else S.RIGHTS_SUSPENDED,
        OWNER_OR_HR,
        BREACH_ONLY,
    ),
    # rights_suspended means at least one active suspension: lifting the last
    # one there returns the case to assessment
    "lift_suspension": Rule(
        frozenset({S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED}),
        lambda stage, case: S.ASSESSMENT if stage == S.RIGHTS_SUSPENDED else stage,
        OWNER_OR_HR,
        BREACH_ONLY,
    ),
    # §5: suspensions reviewed every 10 working days
    "review_suspension": Rule(
        frozenset({S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED}), stays, OWNER_OR_HR, BREACH_ONLY
    ),
    # assessment or rights_suspended → investigation (skipping suspension needs a reason)
    "start_investigation": Rule(
        frozenset({S.ASSESSMENT, S.RIGHTS_SUSPENDED}), S.INVESTIGATION, OWNER_OR_HR, BREACH_ONLY
    ),
    "add_note": Rule(OPEN - {S.REPORTED}, stays, OWNER_OR_HR | {INVESTIGATOR}),
    # correcting the report at any open stage
    "update_case": Rule(OPEN - {S.ROUTED}, stays, OWNER_OR_HR),
    "record_investigation_report": Rule(frozenset({S.INVESTIGATION}), stays, frozenset({INVESTIGATOR}), BREACH_ONLY),
    # Acceptable Use of Social Media Policy 10: HR advises
    "record_hr_advice": Rule(
        frozenset({S.INVESTIGATION, S.HEARING, S.OUTCOME, S.APPEAL}), stays, frozenset({HR}), BREACH_ONLY
    ),
    "arrange_hearing": Rule(frozenset({S.INVESTIGATION}), S.HEARING, OWNER_OR_HR, BREACH_ONLY),
    "postpone_hearing": Rule(frozenset({S.HEARING}), stays, OWNER_OR_HR, BREACH_ONLY),
    # investigation → outcome (informal, by the owner or HR); hearing → outcome (by its hearing officer)
    "record_outcome": Rule(
        frozenset({S.INVESTIGATION, S.HEARING}),
        S.OUTCOME,
        lambda stage: frozenset({HEARING_OFFICER}) if stage == S.HEARING else OWNER_OR_HR,
        BREACH_ONLY,
    ),
    "lodge_appeal": Rule(frozenset({S.OUTCOME, S.APPEAL}), S.APPEAL, OWNER_OR_HR, BREACH_ONLY),
    # the only open appeal decided: back to outcome
    "decide_appeal": Rule(frozenset({S.APPEAL}), S.OUTCOME, frozenset({APPEAL_OFFICER}), BREACH_ONLY),
    # an outcome referred on to the police may still be appealed, or the appeal waived
    "waive_appeal": Rule(frozenset({S.OUTCOME, S.APPEAL, S.REFERRED}), stays, OWNER_OR_HR, BREACH_ONLY),
    "declare_conflict": Rule(OPEN - {S.REPORTED, S.ROUTED}, stays, ASSIGNED),
    "reassign": Rule(OPEN - {S.REPORTED, S.ROUTED}, stays, frozenset({HR})),
    # 000 11.4: the head of service records what the contractor did
    "record_contractor_action": Rule(
        frozenset({S.OUTCOME, S.REFERRED}), stays, frozenset({HEAD_OF_SERVICE, HR}), BREACH_ONLY
    ),
    # 000 11.4: the head of service is told at once of any contractor case, and says so
    "acknowledge_contractor_case": Rule(OPEN - {S.ROUTED}, stays, frozenset({HEAD_OF_SERVICE})),
    "record_ico_decision": Rule(OPEN - {S.REPORTED}, stays, OWNER_OR_HR),
    # a threat or a possible crime against staff: any manager or HR who sees it decides on the police, fast
    # Social Networking Policy 11.5: any case that may be a crime, too
    "record_police_decision": Rule(OPEN - {S.ROUTED}, stays, CASE_MANAGERS),
    # any open stage → referred (an urgent police referral), and back
    "refer": Rule(OPEN - {S.ROUTED}, S.REFERRED, OWNER_OR_HR),
    "update_referral": Rule(OPEN, stays, OWNER_OR_HR | {HEAD_OF_SERVICE}),
    "resume": Rule(frozenset({S.REFERRED}), previous, OWNER_OR_HR),
    # abuse: assessment → support
    "record_support": Rule(frozenset({S.ASSESSMENT, S.SUPPORT}), S.SUPPORT, OWNER_OR_HR, ABUSE_ONLY),
    "close": Rule(frozenset({S.OUTCOME, S.SUPPORT, S.REFERRED}), S.CLOSED, OWNER_OR_HR),
    # closed is read-only, except that HR may reopen with a reason
    "reopen": Rule(frozenset({S.CLOSED}), S.ASSESSMENT, frozenset({HR})),
    # Acceptable Use of Social Media Policy 2 and 3: a report routed at intake to the Monitoring Officer, a
    # school or the whistleblowing procedure never enters the disciplinary workflow; HR or its owner
    # records the hand-off and closes it, or returns it to the disciplinary process as a new report.
    # Notes, the LADO referral's updates and the ICO decision still apply to it (OPEN includes routed).
    "record_handoff": Rule(frozenset({S.ROUTED}), stays, OWNER_OR_HR, BREACH_ONLY),
    "close_routed": Rule(frozenset({S.ROUTED}), S.CLOSED, OWNER_OR_HR, BREACH_ONLY),
    "reroute": Rule(frozenset({S.ROUTED}), S.REPORTED, OWNER_OR_HR, BREACH_ONLY),
}
# A routed report is seen in full by HR and its owner only, so only they may act on it
ROUTED_VIEWERS = frozenset({OWNER, HR})


def expected(action: str, kind: str, stage: str, actor: str, case):
    """The stage the action leads to, or the RefusalCode the design says it gets."""
    rule = RULES[action]
    if action == "decide_appeal" and actor == APPEAL_OFFICER and stage not in rule.stages | {S.ROUTED}:
        return RefusalCode.WRONG_STAGE  # the appeal officer of a case not at the appeal stage
    if actor not in rule.people(stage) or (stage == S.ROUTED and actor not in ROUTED_VIEWERS):
        return RefusalCode.NOT_ALLOWED
    if kind not in rule.kinds or stage not in rule.stages:
        return RefusalCode.WRONG_STAGE
    return rule.to_stage(stage, case)


# --- plain objects standing in for the models ---------------------------------------------

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
HOUSING = SimpleNamespace(id=1, name="Housing", head_of_service_id=6)  # the subject's department
PLANNING = SimpleNamespace(id=2, name="Planning", head_of_service_id=None)
LIBRARIES = SimpleNamespace(id=3, name="Libraries", head_of_service_id=None)  # the reporter's


def person(id, role="employee", department=None, *, line_manager_id=None, staff_type="employee", active=True):
    return SimpleNamespace(
        id=id,
        email=f"person{id}@council.invalid",
        name=f"Person {id}",
        role=role,
        department=department,
        department_id=department.id if department else None,
        line_manager_id=line_manager_id,
        staff_type=staff_type,
        active=active,
    )


PEOPLE = {
    OWNER: person(1, "manager", PLANNING),
    HR: person(2, "hr"),
    INVESTIGATOR: person(3, "manager", PLANNING),
    DEPARTMENT_MANAGER: person(4, "manager", HOUSING),
    LINE_MANAGER: person(5, "manager", PLANNING),
    HEAD_OF_SERVICE: person(6, "head_of_service", HOUSING),
    REPORTER: person(7, "employee", LIBRARIES),
    ADMIN: person(9, "admin", HOUSING),
    EMPLOYEE: person(10, "employee", PLANNING),
    OTHER_MANAGER: person(11, "manager", PLANNING),
    HEARING_OFFICER: person(13, "manager", PLANNING),
    APPEAL_OFFICER: person(14, "manager", PLANNING),
}
CANDIDATE_INVESTIGATOR = person(12, "manager", PLANNING)
SUBJECT_ID = 8

# Actions that only make sense when the subject is a contractor
CONTRACTOR_ACTIONS = {"acknowledge_contractor_case", "record_contractor_action"}


def make_subject(*, id=SUBJECT_ID, role="employee", contractor=False, **fields):
    values = {
        "department": HOUSING,
        "line_manager_id": PEOPLE[LINE_MANAGER].id,
        "staff_type": "contractor" if contractor else "employee",
        **fields,
    }
    return person(id, role, **values)


def suspension(subject, *, lifted=False, account_id=None):
    return SimpleNamespace(subject_id=subject.id, account_id=account_id, lifted_at=NOW if lifted else None)


def referral(id=1, agency="police", status="pending"):
    return SimpleNamespace(id=id, agency=agency, status=status)


TODAY = date(2026, 3, 2)
SETTINGS = Settings(today=TODAY)


def outcome(sanction="first_written_warning", *, waived=True, id=1):
    """An outcome for the subject; by default its appeal was waived, so nothing stops a close."""
    return SimpleNamespace(
        id=id,
        finding="substantiated",
        sanction=sanction,
        subject_id=SUBJECT_ID,
        subject=None,
        appeal_waived_at=NOW if waived else None,
        appeal_due_on=date(2026, 3, 9),
    )


def hearing(subject_ids=(SUBJECT_ID,), *, at=NOW):
    return SimpleNamespace(hearing_at=at, subject_ids=list(subject_ids), postponed=False, postponed_at=None, held=False)


def appeal(officer=APPEAL_OFFICER, subject_id=SUBJECT_ID):
    return SimpleNamespace(
        subject_id=subject_id,
        appeal_officer_id=PEOPLE[officer].id,
        result=None,
        outcome=outcome(waived=False),
        outcome_id=1,
        new_outcome_id=None,
    )


class FakeCase(SimpleNamespace):
    """A case as plain attributes, with the model's few derived properties."""

    @property
    def current_outcomes(self):
        return [self.outcome] if self.outcome is not None else []

    def outcome_for(self, subject_id):
        return self.outcome

    @property
    def hearing(self):
        return self.hearings[-1] if self.hearings else None

    @property
    def investigation_report(self):
        return self.investigation_reports[-1] if self.investigation_reports else None

    @property
    def allegations(self):
        return self.allegation_rows


def make_case(kind=BREACH, stage=S.ASSESSMENT, *, subjects=None, **fields):
    """A case with an owner, an investigator, a reporter and one subject; nothing suspended or referred."""
    subjects = [make_subject()] if subjects is None else subjects
    values = {
        "id": 1,
        "reference": "SMC-2026-00001",
        "kind": kind,
        "stage": stage,
        "reporter": PEOPLE[REPORTER],
        "reporter_id": PEOPLE[REPORTER].id,
        "owner_id": PEOPLE[OWNER].id,
        "investigator_id": PEOPLE[INVESTIGATOR].id,
        "subjects": subjects,
        "suspensions": [],
        "referrals": [],
        "notes": [],
        "outcome": None,
        "stage_before_referral": BEFORE_REFERRAL[kind] if stage == S.REFERRED else None,
        "hos_acknowledged_at": None,
        "categories": ["confidential_information"] if kind == BREACH else ["abuse"],
        "criminal_offence": False,
        "police_decision": None,
        "severity": "low",
        "complainant_name": None,
        "hearing_officer_id": PEOPLE[HEARING_OFFICER].id,
        "hearing_officer": PEOPLE[HEARING_OFFICER],
        "hearings": [],
        "appeals": [],
        "conflicts": [],
        "hr_advice": [],
        "allegation_rows": [],
        "investigation_reports": [],
        "route": "monitoring_officer" if stage == S.ROUTED else None,
        "handed_off_at": None,
    }
    values.update(fields)
    return FakeCase(**values)


def people_for(case) -> dict:
    """What the service would look up: every e-mail that may be named in params."""
    return {p.email: p for p in [*case.subjects, CANDIDATE_INVESTIGATOR, *PEOPLE.values()]}


def cell_case(action: str, kind: str, stage: str, actor: str):
    """A case meeting `action`'s preconditions other than stage and person."""
    contractor = action in CONTRACTOR_ACTIONS or actor == HEAD_OF_SERVICE
    subject = make_subject(contractor=contractor)
    case = make_case(kind, stage, subjects=[subject])
    if action in ("lift_suspension", "review_suspension"):
        case.suspensions = [suspension(subject)]
    if action == "update_referral":
        case.referrals = [referral(agency="contractor" if contractor else "police")]
    if action in ("resume", "close"):
        case.referrals = [referral(status="concluded")]
    if action == "record_police_decision":
        case.categories = ["threats"]
        case.criminal_offence = True
    if action == "close_routed":
        case.handed_off_at = NOW
    if action in ("close", "record_contractor_action"):
        case.outcome = outcome("referred_to_contractor" if contractor else "first_written_warning")
    if action == "record_investigation_report":
        case.allegation_rows = [SimpleNamespace(subject_id=subject.id, category="confidential_information")]
    if action == "arrange_hearing":
        case.investigation_reports = [SimpleNamespace(recommendation="disciplinary_hearing")]
    if action in ("postpone_hearing", "record_outcome"):
        case.hearings = [hearing(at=datetime(2026, 3, 9, 10, 0, tzinfo=UTC) if action == "postpone_hearing" else NOW)]
        case.hr_advice = [SimpleNamespace(text="Advice")]
    if action in ("lodge_appeal", "waive_appeal"):
        case.outcome = outcome(waived=False)
    if action == "decide_appeal":
        case.outcome = outcome(waived=False)
        case.appeals = [appeal()]
    return case


def valid_params(action: str, case) -> dict:
    """Parameters that satisfy `action`, so that only the stage and the person decide."""
    subject = case.subjects[0]
    contractor = subject.staff_type == "contractor"
    return {
        "take_ownership": {},
        "close_no_further_action": {"reason": "Informal advice given by the line manager."},
        "suspend_rights": {"subject": subject.email, "accounts": "all", "reason": "Posted a resident's address."},
        "lift_suspension": {"subject": subject.email, "reason": "The post was an honest mistake."},
        "review_suspension": {"subject": subject.email, "reason": "Still needed while witnesses are seen."},
        "start_investigation": {
            "investigator": CANDIDATE_INVESTIGATOR.email,
            "no_suspension_reason": "The post was on a personal account only.",
        },
        "add_note": {
            "kind": "interview",
            "interviewee_name": "Pat Witness",
            "interviewee_role": "witness",
            "text": "Saw the post on Monday.",
        },
        "record_outcome": {
            "finding": "substantiated",
            "sanction": "referred_to_contractor"
            if contractor
            else ("first_written_warning" if case.stage == S.HEARING else "training"),
            "rights_decision": "restored",
            "summary": "Breach of 4.2 (confidentiality).",
        },
        "update_case": {"reason": "The severity was misjudged at report.", "severity": "high"},
        "record_investigation_report": {
            "findings": [
                {"subject": subject.email, "category": "confidential_information", "finding": "substantiated"}
            ],
            "summary": "Found on the evidence.",
            "recommendation": "disciplinary_hearing",
        },
        "record_hr_advice": {"text": "A first written warning is consistent with past cases."},
        "arrange_hearing": {
            "hearing_officer": CANDIDATE_INVESTIGATOR.email,
            "hearing_at": "2026-03-09T10:00",
            "subjects": [subject.email],
        },
        "postpone_hearing": {"hearing_at": "2026-03-10T10:00", "reason": "The companion cannot attend."},
        "lodge_appeal": {
            "subject": subject.email,
            "grounds": "Too severe.",
            "appeal_officer": PEOPLE[APPEAL_OFFICER].email,
        },
        "decide_appeal": {"subject": subject.email, "result": "upheld", "reason": "The sanction was fair."},
        "waive_appeal": {"subject": subject.email, "reason": "Said so in writing."},
        "declare_conflict": {"conflict": "no", "text": "None."},
        "reassign": {"role": "owner", "person": CANDIDATE_INVESTIGATOR.email, "reason": "Workload."},
        "record_contractor_action": {"text": "The contractor removed the worker from the council contract."},
        "acknowledge_contractor_case": {},
        "record_ico_decision": {"report": "no", "reason": "No personal data was disclosed."},
        "record_police_decision": {"refer": "no", "reason": "Abusive but no threat of violence."},
        "refer": {"agency": "police", "reason": "Threats to kill.", "agency_reference": "CR/123/26"},
        "update_referral": {"referral_id": 1, "status": "acknowledged"},
        "resume": {},
        "record_support": {"text": "Reported the posts to the platform and arranged a welfare call."},
        "close": {},
        "reopen": {"reason": "New evidence has come to light."},
        "record_handoff": {"text": "Sent to the Monitoring Officer by secure e-mail.", "handoff_reference": "MO/1"},
        "close_routed": {},
        "reroute": {"reason": "The person is a council employee, not a councillor."},
    }[action]


def actor_for(actor: str, case):
    return case.subjects[0] if actor == SUBJECT else PEOPLE[actor]


# --- the matrix -----------------------------------------------------------------------------

# Every declared action (one the expected table above does not know fails here, as a KeyError)
CELLS = [
    pytest.param(action, kind, stage, actor, id=f"{action}-{kind}-{stage}-{actor}")
    for action in ACTIONS
    for kind in (BREACH, ABUSE)
    for stage in STAGES_BY_KIND[kind]
    for actor in ACTORS
]


def test_the_expected_table_covers_every_action():
    assert set(RULES) == set(ACTIONS)


def test_every_stage_is_in_the_matrix():
    assert {stage for stages in STAGES_BY_KIND.values() for stage in stages} == set(Stage)


def outcome_of(action, kind, stage, actor):
    case = cell_case(action, kind, stage, actor)
    who = actor_for(actor, case)
    try:
        result = check(action, who, case, valid_params(action, case), people=people_for(case), settings=SETTINGS)
    except Refusal as refusal:
        return case, who, refusal
    return case, who, result


@pytest.mark.parametrize(("action", "kind", "stage", "actor"), CELLS)
def test_transition(action, kind, stage, actor):
    case, who, result = outcome_of(action, kind, stage, actor)
    want = expected(action, kind, stage, actor, case)
    if isinstance(want, RefusalCode):
        assert isinstance(result, Refusal), f"expected {want}, but it was allowed to {result.to_stage}"
        assert result.code == want, f"{result.code}: {result.message} {result.fields}"
        assert readable(result.message), result.message
    else:
        assert isinstance(result, Allowed), f"expected {want}, refused: {result.code} {result.message} {result.fields}"
        assert result.to_stage == want
        assert result.action is ACTIONS[action]
        assert result.warnings == ()
    # The buttons on the page offer exactly what would be allowed (on the same day)
    offered = {spec.name for spec in available_actions(who, case, SETTINGS)}
    assert (action in offered) == (not isinstance(want, RefusalCode))


# --- focused rules ----------------------------------------------------------------------------


def refusal(action, actor, case, params=None, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as raised:
        check(action, actor, case, valid_params(action, case) if params is None else params, **kwargs)
    return raised.value


def allowed(action, actor, case, params=None) -> Allowed:
    return check(action, actor, case, valid_params(action, case) if params is None else params, people=people_for(case))


HR_USER = PEOPLE[HR]
OWNER_USER = PEOPLE[OWNER]


@pytest.mark.parametrize(
    ("suspensions", "referrals", "stage", "message"),
    [
        (lambda s: [suspension(s)], [], S.OUTCOME, "suspension"),
        (lambda s: [suspension(s)], [referral(status="concluded")], S.REFERRED, "suspension"),
        (lambda s: [], [referral(status="pending")], S.REFERRED, "referral"),
        (lambda s: [], [referral(status="acknowledged")], S.REFERRED, "referral"),
        (lambda s: [], [referral(status="concluded"), referral(2, "ico", "pending")], S.REFERRED, "referral"),
    ],
)
def test_close_refused_with_an_active_suspension_or_an_open_referral(suspensions, referrals, stage, message):
    subject = make_subject()
    case = make_case(stage=stage, subjects=[subject], outcome=outcome())
    case.suspensions = suspensions(subject)
    case.referrals = referrals
    refused = refusal("close", HR_USER, case)
    assert refused.code == RefusalCode.WRONG_STAGE
    assert message in refused.message.lower()
    assert "close" not in {spec.name for spec in available_actions(HR_USER, case)}


def test_close_allowed_once_suspensions_are_lifted_and_referrals_concluded():
    subject = make_subject()
    case = make_case(stage=S.REFERRED, subjects=[subject], outcome=outcome())
    case.suspensions = [suspension(subject, lifted=True)]
    case.referrals = [referral(status="concluded"), referral(2, "ico", "no_further_action")]
    assert allowed("close", HR_USER, case).to_stage == S.CLOSED


def test_close_from_outcome_needs_the_outcome():
    case = make_case(stage=S.OUTCOME)
    assert refusal("close", OWNER_USER, case).code == RefusalCode.WRONG_STAGE


@pytest.mark.parametrize("before", [S.REPORTED, S.ASSESSMENT, S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME])
def test_resume_returns_to_the_stage_before_referral(before):
    case = make_case(stage=S.REFERRED, stage_before_referral=before, referrals=[referral(status="concluded")])
    case.suspensions = [suspension(case.subjects[0])]
    assert allowed("resume", OWNER_USER, case).to_stage == before


def test_resume_after_every_suspension_was_lifted_returns_to_assessment():
    """rights_suspended means at least one active suspension (found by tests/unit/test_workflow_properties.py)."""
    case = make_case(
        stage=S.REFERRED, stage_before_referral=S.RIGHTS_SUSPENDED, referrals=[referral(status="concluded")]
    )
    case.suspensions = [suspension(case.subjects[0], lifted=True)]
    assert allowed("resume", OWNER_USER, case).to_stage == S.ASSESSMENT


def test_resume_refused_while_a_referral_is_open_or_with_nowhere_to_go():
    case = make_case(stage=S.REFERRED, referrals=[referral(status="acknowledged")])
    assert refusal("resume", OWNER_USER, case).code == RefusalCode.WRONG_STAGE
    case = make_case(stage=S.REFERRED, stage_before_referral=None, referrals=[referral(status="concluded")])
    assert refusal("resume", OWNER_USER, case).code == RefusalCode.WRONG_STAGE


def test_refer_from_a_referred_case_keeps_it_referred():
    case = make_case(stage=S.REFERRED, referrals=[referral()])
    assert allowed("refer", HR_USER, case).to_stage == S.REFERRED


OUTCOME_PARAMS = {"finding": "substantiated", "rights_decision": "restored", "summary": "Breach of 4.2."}


@pytest.mark.parametrize(
    "sanction",
    [
        "no_action",
        "management_advice",
        "training",
        "first_written_warning",
        "final_written_warning",
        "dismissal_with_notice",
        "summary_dismissal",
    ],
)
def test_a_contractor_is_not_sanctioned_by_the_council(sanction):
    case = make_case(stage=S.INVESTIGATION, subjects=[make_subject(contractor=True)])
    refused = refusal("record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": sanction})
    assert refused.code == RefusalCode.INVALID
    assert "contractor" in refused.fields["sanction"]
    assert allowed("record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": "referred_to_contractor"})


def test_a_contractor_among_several_subjects_still_needs_referred_to_contractor():
    case = make_case(
        stage=S.INVESTIGATION, subjects=[make_subject(), make_subject(id=13, contractor=True, line_manager_id=None)]
    )
    each = [{"subject": s.email, "finding": "substantiated", "sanction": "training"} for s in case.subjects]
    refused = refusal("record_outcome", HR_USER, case, {"outcomes": each, "summary": "s"}, people=people_for(case))
    assert set(refused.fields) == {"outcomes.1.sanction"}


def test_only_a_contractor_case_is_referred_to_the_contractor():
    case = make_case(stage=S.INVESTIGATION)
    refused = refusal("record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": "referred_to_contractor"})
    assert set(refused.fields) == {"sanction"}


def after_hearing(**fields):
    """A case at the hearing stage, the hearing held today with HR's advice on record; HR heard it."""
    fields.setdefault("hearing_officer_id", HR_USER.id)
    case = make_case(stage=S.HEARING, **fields)
    case.hearings = [hearing()]
    case.hr_advice = [SimpleNamespace(text="Advice")]
    return case


@pytest.mark.parametrize(
    "sanction", ["first_written_warning", "final_written_warning", "dismissal_with_notice", "summary_dismissal"]
)
def test_a_formal_sanction_needs_a_hearing(sanction):
    case = make_case(stage=S.INVESTIGATION)
    refused = refusal("record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": sanction})
    assert set(refused.fields) == {"sanction"} and "hearing" in refused.fields["sanction"]
    assert allowed("record_outcome", HR_USER, after_hearing(), {**OUTCOME_PARAMS, "sanction": sanction})


@pytest.mark.parametrize(
    "sanction", ["first_written_warning", "final_written_warning", "dismissal_with_notice", "summary_dismissal"]
)
def test_a_formal_sanction_needs_hr_advice(sanction):
    case = after_hearing()
    case.hr_advice = []
    refused = refusal("record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": sanction})
    assert "HR's advice" in refused.fields["sanction"]


@pytest.mark.parametrize("role", ["manager", "employee"])
def test_only_the_dismissal_authority_dismisses(role):
    officer = person(30, role, PLANNING)
    case = after_hearing(hearing_officer_id=officer.id)
    for sanction in ("dismissal_with_notice", "summary_dismissal"):
        with pytest.raises(Refusal) as raised:
            check("record_outcome", officer, case, {**OUTCOME_PARAMS, "sanction": sanction}, people=people_for(case))
        assert raised.value.code in (RefusalCode.INVALID, RefusalCode.NOT_ALLOWED)


def test_a_person_not_invited_to_the_hearing_gets_no_formal_sanction():
    other = make_subject(id=13)
    case = after_hearing(subjects=[make_subject(), other])
    each = [
        {"subject": case.subjects[0].email, "finding": "substantiated", "sanction": "first_written_warning"},
        {"subject": other.email, "finding": "substantiated", "sanction": "first_written_warning"},
    ]
    refused = refusal("record_outcome", HR_USER, case, {"outcomes": each, "summary": "s"}, people=people_for(case))
    assert set(refused.fields) == {"outcomes.1.sanction"} and "not invited" in refused.fields["outcomes.1.sanction"]


@pytest.mark.parametrize(
    "sanction", ["first_written_warning", "final_written_warning", "dismissal_with_notice", "summary_dismissal"]
)
def test_not_substantiated_cannot_carry_a_warning_or_dismissal(sanction):
    case = after_hearing()
    params = {**OUTCOME_PARAMS, "finding": "not_substantiated", "sanction": sanction}
    refused = refusal("record_outcome", HR_USER, case, params)
    assert refused.code == RefusalCode.INVALID
    assert set(refused.fields) == {"sanction"}
    assert "substantiated" in refused.fields["sanction"]


@pytest.mark.parametrize("sanction", ["no_action", "management_advice", "training"])
def test_not_substantiated_may_carry_advice_or_training(sanction):
    case = make_case(stage=S.INVESTIGATION)
    params = {**OUTCOME_PARAMS, "finding": "not_substantiated", "sanction": sanction}
    assert allowed("record_outcome", HR_USER, case, params).to_stage == S.OUTCOME


@pytest.mark.parametrize("finding", ["partly_substantiated", "substantiated"])
def test_a_substantiated_finding_may_carry_dismissal(finding):
    case = after_hearing()
    params = {**OUTCOME_PARAMS, "finding": finding, "sanction": "summary_dismissal"}
    assert allowed("record_outcome", HR_USER, case, params).to_stage == S.OUTCOME


def test_the_outcome_must_decide_suspended_rights():
    subject = make_subject()
    case = make_case(stage=S.INVESTIGATION, subjects=[subject], suspensions=[suspension(subject)])
    params = {**OUTCOME_PARAMS, "sanction": "training", "rights_decision": ""}
    assert set(refusal("record_outcome", HR_USER, case, params).fields) == {"rights_decision"}


@pytest.mark.parametrize("decider", [HR, OWNER])
def test_the_investigator_deciding_must_override_separation_of_duties(decider):
    """ACAS Code: where practicable the investigator does not also decide; the
    system warns and records who overrode the warning."""
    who = PEOPLE[decider]
    case = make_case(stage=S.INVESTIGATION, investigator_id=who.id)
    params = {**OUTCOME_PARAMS, "sanction": "training"}
    refused = refusal("record_outcome", who, case, params, people=people_for(case))
    assert refused.code == RefusalCode.INVALID
    assert set(refused.fields) == {"override_separation"}
    result = allowed("record_outcome", who, case, {**params, "override_separation": True})
    assert result.to_stage == S.OUTCOME
    assert result.warnings == ("separation_of_duties_overridden",)


def test_someone_else_deciding_gets_no_warning():
    case = make_case(stage=S.INVESTIGATION)
    assert allowed("record_outcome", HR_USER, case).warnings == ()


def test_an_investigator_who_is_not_owner_or_hr_cannot_decide():
    case = make_case(stage=S.INVESTIGATION)
    params = {**OUTCOME_PARAMS, "sanction": "training", "override_separation": True}
    assert refusal("record_outcome", PEOPLE[INVESTIGATOR], case, params).code == RefusalCode.NOT_ALLOWED


def start(case, investigator, **extra):
    params = {"investigator": investigator.email, "no_suspension_reason": "Personal account only.", **extra}
    people = {**people_for(case), investigator.email: investigator}
    return check("start_investigation", OWNER_USER, case, params, people=people)


def start_refusal(case, investigator, **extra) -> Refusal:
    with pytest.raises(Refusal) as raised:
        start(case, investigator, **extra)
    assert raised.value.code == RefusalCode.INVALID
    return raised.value


def test_start_investigation_refuses_a_subject_as_investigator():
    subject = make_subject(role="manager")
    case = make_case(stage=S.ASSESSMENT, subjects=[subject])
    refused = start_refusal(case, subject)
    assert "about" in refused.fields["investigator"]


def test_start_investigation_refuses_the_reporter_as_investigator():
    reporter = person(20, "manager", PLANNING)
    case = make_case(stage=S.ASSESSMENT, reporter=reporter, reporter_id=reporter.id)
    refused = start_refusal(case, reporter)
    assert "reported" in refused.fields["investigator"]


@pytest.mark.parametrize("role", ["employee", "head_of_service", "admin"])
def test_start_investigation_refuses_an_investigator_who_is_not_manager_or_hr(role):
    case = make_case(stage=S.ASSESSMENT)
    refused = start_refusal(case, person(21, role, PLANNING))
    assert set(refused.fields) == {"investigator"}
    assert "manager or HR" in refused.fields["investigator"]


@pytest.mark.parametrize("role", ["manager", "hr"])
def test_start_investigation_accepts_a_manager_or_hr(role):
    case = make_case(stage=S.ASSESSMENT)
    assert start(case, person(22, role, PLANNING)).to_stage == S.INVESTIGATION


def test_start_investigation_refuses_an_inactive_or_unknown_investigator():
    case = make_case(stage=S.ASSESSMENT)
    assert set(start_refusal(case, person(23, "manager", PLANNING, active=False)).fields) == {"investigator"}
    params = {"investigator": "nobody@council.invalid", "no_suspension_reason": "Personal account only."}
    refused = refusal("start_investigation", OWNER_USER, case, params, people=people_for(case))
    assert set(refused.fields) == {"investigator"}


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_start_investigation_without_a_suspension_needs_a_reason(reason):
    case = make_case(stage=S.ASSESSMENT)
    refused = start_refusal(case, CANDIDATE_INVESTIGATOR, no_suspension_reason=reason)
    assert set(refused.fields) == {"no_suspension_reason"}


def test_start_investigation_with_a_lifted_suspension_still_needs_a_reason():
    subject = make_subject()
    case = make_case(stage=S.RIGHTS_SUSPENDED, subjects=[subject], suspensions=[suspension(subject, lifted=True)])
    refused = start_refusal(case, CANDIDATE_INVESTIGATOR, no_suspension_reason="")
    assert set(refused.fields) == {"no_suspension_reason"}


def test_start_investigation_with_an_active_suspension_needs_no_reason():
    subject = make_subject()
    case = make_case(stage=S.RIGHTS_SUSPENDED, subjects=[subject], suspensions=[suspension(subject)])
    assert start(case, CANDIDATE_INVESTIGATOR, no_suspension_reason="").to_stage == S.INVESTIGATION


def test_lifting_one_of_two_suspensions_keeps_rights_suspended():
    first, second = make_subject(), make_subject(id=14)
    case = make_case(
        stage=S.RIGHTS_SUSPENDED, subjects=[first, second], suspensions=[suspension(first), suspension(second)]
    )
    params = {"subject": first.email, "reason": "Cleared"}
    assert allowed("lift_suspension", OWNER_USER, case, params).to_stage == S.RIGHTS_SUSPENDED


def test_lifting_every_suspension_of_the_only_suspended_subject_returns_to_assessment():
    subject = make_subject()
    case = make_case(
        stage=S.RIGHTS_SUSPENDED,
        subjects=[subject],
        suspensions=[suspension(subject, account_id=1), suspension(subject, account_id=2)],
    )
    params = {"subject": subject.email, "reason": "Cleared"}
    assert allowed("lift_suspension", OWNER_USER, case, params).to_stage == S.ASSESSMENT


def test_suspending_someone_the_case_is_not_about_is_refused():
    case = make_case(stage=S.ASSESSMENT)
    params = {"subject": PEOPLE[EMPLOYEE].email, "reason": "Wrong person"}
    refused = refusal("suspend_rights", OWNER_USER, case, params, people=people_for(case))
    assert set(refused.fields) == {"subject"}


def test_a_head_of_service_updates_only_the_contractor_referral():
    case = make_case(
        stage=S.REFERRED,
        subjects=[make_subject(contractor=True)],
        referrals=[referral(1, "police"), referral(2, "contractor")],
    )
    hos = PEOPLE[HEAD_OF_SERVICE]
    refused = refusal("update_referral", hos, case, {"referral_id": 1, "status": "acknowledged"})
    assert set(refused.fields) == {"referral_id"}
    assert allowed("update_referral", hos, case, {"referral_id": 2, "status": "acknowledged"})


def test_concluding_a_referral_needs_its_result():
    case = make_case(stage=S.REFERRED, referrals=[referral()])
    refused = refusal("update_referral", HR_USER, case, {"referral_id": 1, "status": "concluded"})
    assert set(refused.fields) == {"result"}
    params = {"referral_id": 1, "status": "concluded", "result": "No further action by the police."}
    assert allowed("update_referral", HR_USER, case, params).to_stage == S.REFERRED


def test_a_closed_referral_cannot_be_updated_again():
    case = make_case(stage=S.REFERRED, referrals=[referral(status="concluded")])
    refused = refusal("update_referral", HR_USER, case, {"referral_id": 1, "status": "acknowledged"})
    assert set(refused.fields) == {"status"}


def test_a_head_of_service_acknowledges_a_contractor_case_once():
    case = make_case(stage=S.REPORTED, subjects=[make_subject(contractor=True)])
    hos = PEOPLE[HEAD_OF_SERVICE]
    assert allowed("acknowledge_contractor_case", hos, case).to_stage == S.REPORTED
    case.hos_acknowledged_at = NOW
    assert refusal("acknowledge_contractor_case", hos, case).code == RefusalCode.WRONG_STAGE


def test_a_head_of_service_has_nothing_to_do_when_no_subject_is_a_contractor():
    """Without a contractor subject the head of service is not concerned at all."""
    case = make_case(stage=S.REPORTED)
    assert refusal("acknowledge_contractor_case", PEOPLE[HEAD_OF_SERVICE], case).code == RefusalCode.NOT_ALLOWED


def test_the_contractor_action_comes_after_the_outcome():
    case = make_case(stage=S.REFERRED, subjects=[make_subject(contractor=True)])
    assert refusal("record_contractor_action", PEOPLE[HEAD_OF_SERVICE], case).code == RefusalCode.WRONG_STAGE


BREACH_ONLY_ACTIONS = {name for name, rule in RULES.items() if rule.kinds == BREACH_ONLY}
ABUSE_ONLY_ACTIONS = {name for name, rule in RULES.items() if rule.kinds == ABUSE_ONLY}


def test_the_kind_specific_actions_are_the_ones_the_design_names():
    assert BREACH_ONLY_ACTIONS == {
        "suspend_rights",
        "lift_suspension",
        "review_suspension",
        "start_investigation",
        "record_investigation_report",
        "record_hr_advice",
        "arrange_hearing",
        "postpone_hearing",
        "record_outcome",
        "lodge_appeal",
        "decide_appeal",
        "waive_appeal",
        "record_contractor_action",
        # only a breach report is routed (Acceptable Use of Social Media Policy 2 and 3)
        "record_handoff",
        "close_routed",
        "reroute",
    }
    assert ABUSE_ONLY_ACTIONS == {"record_support"}


@pytest.mark.parametrize(
    ("action", "kind", "stage"),
    [(a, ABUSE, s) for a in sorted(BREACH_ONLY_ACTIONS) for s in RULES[a].stages]
    + [(a, BREACH, s) for a in sorted(ABUSE_ONLY_ACTIONS) for s in RULES[a].stages],
)
def test_kind_specific_actions_are_refused_on_the_other_kind(action, kind, stage):
    """Even at a stage where the action would be allowed, and for HR."""
    actor = {"record_investigation_report": INVESTIGATOR, "decide_appeal": APPEAL_OFFICER}.get(
        action, HEAD_OF_SERVICE if action in CONTRACTOR_ACTIONS else HR
    )
    case = cell_case(action, kind, stage, actor)
    refused = refusal(action, PEOPLE[actor], case, people=people_for(case))
    assert refused.code == RefusalCode.WRONG_STAGE
    assert "kind of case" in refused.message


@pytest.mark.parametrize("action", ["", "teleport", "TAKE_OWNERSHIP", "take_ownership ", None, 3, ["close"]])
def test_an_unknown_action_is_refused(action):
    refused = refusal(action, HR_USER, make_case(), params={})
    assert refused.code == RefusalCode.UNKNOWN_ACTION
    assert set(refused.fields) == {"action"}
    message = refused.message.replace(str(action), "that") if action else refused.message
    assert readable(message), message


# --- messages people read ---------------------------------------------------------------------

STAGE_CODES = {str(stage) for stage in Stage if "_" in stage}


def readable(message: str) -> bool:
    """A sentence for a person: starts with a capital, several words, no codes or Python leaking through."""
    return (
        isinstance(message, str)
        and message[:1].isupper()
        and len(message.split()) >= 2
        and "_" not in message
        and not re.search(r"\b(None|True|False)\b|[{}<>\[\]]", message)
        and not re.search(r"\b(ico|lado)\b", message)  # acronyms keep their capitals
        and not message.rstrip().endswith((",", ":"))
    )


def every_refusal():
    """Every refusal the matrix and the focused rules produce, with the fields' messages."""
    for action in ACTIONS:
        for kind in (BREACH, ABUSE):
            for stage in STAGES_BY_KIND[kind]:
                for actor in ACTORS:
                    _, _, result = outcome_of(action, kind, stage, actor)
                    if isinstance(result, Refusal):
                        yield result


def invalid_inputs():
    """One refusal of bad input per action with required fields, plus the conditional ones."""
    for action, spec in ACTIONS.items():
        for stage in spec.from_stages:
            for kind in spec.kinds:
                if stage not in STAGES_BY_KIND[kind]:
                    continue
                case = cell_case(action, kind, stage, HEAD_OF_SERVICE if action in CONTRACTOR_ACTIONS else HR)
                who = PEOPLE[HEAD_OF_SERVICE] if action in CONTRACTOR_ACTIONS else HR_USER
                bad = {name: "" for name in spec.required}
                bad.update({"reason": "x" * 6000, "text": "bell\x07", "summary": 3})
                try:
                    check(action, who, case, bad, people=people_for(case))
                except Refusal as refused:
                    yield refused


def test_every_refusal_message_is_a_readable_sentence():
    refusals = [*every_refusal(), *invalid_inputs()]
    assert {r.code for r in refusals} == {RefusalCode.NOT_ALLOWED, RefusalCode.WRONG_STAGE, RefusalCode.INVALID}
    for refused in refusals:
        assert readable(refused.message), refused.message
        for name, text in refused.fields.items():
            assert readable(text), f"{name}: {text}"


def test_a_wrong_stage_message_names_the_stage_in_words():
    refused = refusal("take_ownership", HR_USER, make_case(stage=S.RIGHTS_SUSPENDED))
    assert "rights suspended" in refused.message.lower()


def test_a_not_allowed_message_keeps_acronyms():
    refused = refusal("record_ico_decision", PEOPLE[EMPLOYEE], make_case())
    assert "ICO" in refused.message


# --- issue 9: suspensions, rights decisions, interviews, police decisions -----------------


def test_suspending_again_on_every_account_is_refused():
    """Back and send again, or the button pressed on two pages: one suspension, not two."""
    subject = make_subject()
    case = make_case(stage=S.RIGHTS_SUSPENDED, subjects=[subject], suspensions=[suspension(subject)])
    params = {"subject": subject.email, "accounts": "all", "reason": "Again"}
    refused = refusal("suspend_rights", HR_USER, case, params, people=people_for(case))
    assert refused.fields == {
        "accounts": f"{subject.name}'s publishing rights are already suspended on every council account on this case"
    }
    refused = refusal("suspend_rights", HR_USER, case, {**params, "accounts": [7]}, people=people_for(case))
    assert set(refused.fields) == {"accounts"}


def test_suspending_again_on_an_account_already_suspended_names_it():
    subject = make_subject()
    held = suspension(subject, account_id=7)
    held.account = SimpleNamespace(id=7, handle="@HousingNews")
    case = make_case(stage=S.RIGHTS_SUSPENDED, subjects=[subject], suspensions=[held])
    params = {"subject": subject.email, "accounts": ["7", "8"], "reason": "Again"}
    refused = refusal("suspend_rights", HR_USER, case, params, people=people_for(case))
    assert refused.fields["accounts"].endswith("already suspended on this case on: @HousingNews")
    # Another account, or every account, is a new suspension
    for accounts in (["8"], "all"):
        assert allowed("suspend_rights", HR_USER, case, {**params, "accounts": accounts}).to_stage == S.RIGHTS_SUSPENDED


def test_a_lifted_suspension_is_no_obstacle_to_suspending_again():
    subject = make_subject()
    case = make_case(stage=S.ASSESSMENT, subjects=[subject], suspensions=[suspension(subject, lifted=True)])
    params = {"subject": subject.email, "accounts": "all", "reason": "New posts"}
    assert allowed("suspend_rights", HR_USER, case, params).to_stage == S.RIGHTS_SUSPENDED


def test_a_right_stays_suspended_while_any_suspension_covers_it():
    from casework.domain.case_state import right_stays_suspended

    everywhere = SimpleNamespace(account_id=None, lifted_at=None)
    on_seven = SimpleNamespace(account_id=7, lifted_at=None)
    lifted = SimpleNamespace(account_id=None, lifted_at=NOW)
    assert right_stays_suspended(7, [everywhere]) and right_stays_suspended(8, [everywhere])
    assert right_stays_suspended(7, [on_seven]) and not right_stays_suspended(8, [on_seven])
    assert not right_stays_suspended(7, [lifted]) and not right_stays_suspended(7, [])


def test_a_rights_decision_is_about_the_people_this_case_suspends_only():
    from casework.domain.case_state import rights_decision_subjects

    suspended, co_subject = make_subject(), make_subject(id=13)
    case = make_case(stage=S.INVESTIGATION, subjects=[suspended, co_subject], suspensions=[suspension(suspended)])
    assert rights_decision_subjects(case) == [suspended]
    case.suspensions = [suspension(suspended, lifted=True)]
    assert rights_decision_subjects(case) == []
    case.subjects = [co_subject]
    assert rights_decision_subjects(case) == [co_subject]


def test_two_people_each_get_their_own_outcome():
    """One outcome for everyone is refused: each person's finding, sanction and rights are decided apart."""
    other = make_subject(id=13)
    case = make_case(stage=S.INVESTIGATION, subjects=[make_subject(), other])
    refused = refusal(
        "record_outcome", HR_USER, case, {**OUTCOME_PARAMS, "sanction": "training", "rights_decision": "revoked"}
    )
    assert set(refused.fields) == {"outcomes"}
    one = {"finding": "substantiated", "sanction": "training", "rights_decision": "revoked"}
    each = [{"subject": s.email, **one} for s in case.subjects]
    refused = refusal("record_outcome", HR_USER, case, {"outcomes": each[:1], "summary": "s"}, people=people_for(case))
    assert other.name in refused.fields["outcomes"]
    result = allowed("record_outcome", HR_USER, case, {"outcomes": each, "summary": "s"})
    assert result.to_stage == S.OUTCOME


def test_an_interview_record_says_who_was_interviewed_and_in_what_role():
    case = make_case(stage=S.INVESTIGATION)
    refused = refusal("add_note", HR_USER, case, {"kind": "interview", "text": "Said it was a joke."})
    assert refused.fields == {
        "interviewee_name": "Enter the name of the person interviewed",
        "interviewee_role": "Choose whether they were interviewed as complainant, subject or witness",
    }
    # A note that is not an interview needs neither
    assert (
        allowed("add_note", HR_USER, case, {"kind": "note", "text": "Called the platform."}).to_stage == S.INVESTIGATION
    )


@pytest.mark.parametrize(
    ("categories", "criminal_offence", "offered"),
    [(["threats"], False, True), (["abuse"], True, True), (["abuse", "doxxing"], False, False)],
)
def test_a_police_decision_is_asked_for_a_threat_or_a_possible_crime(categories, criminal_offence, offered):
    case = make_case(ABUSE, S.ASSESSMENT, categories=categories, criminal_offence=criminal_offence)
    assert ("record_police_decision" in {spec.name for spec in available_actions(HR_USER, case)}) is offered
    case.police_decision = "not_refer"
    assert "record_police_decision" not in {spec.name for spec in available_actions(HR_USER, case)}


def test_the_same_note_sent_again_by_its_author_is_refused_and_another_note_is_not():
    """Back, then send: a form sent again would record the same note twice."""
    owner = PEOPLE[OWNER]
    case = make_case(stage=S.INVESTIGATION)
    case.notes = [SimpleNamespace(author_id=owner.id, kind="note", text="Spoke to the complainant.")]
    with pytest.raises(Refusal) as refused:
        check("add_note", owner, case, {"kind": "note", "text": " Spoke to the complainant. "})
    assert refused.value.fields["text"] == "This is the note you added last: it is already on the case"
    check("add_note", owner, case, {"kind": "note", "text": "Spoke to the subject."})
    check("add_note", PEOPLE[HR], case, {"kind": "note", "text": "Spoke to the complainant."})
