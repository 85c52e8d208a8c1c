"""Property-based tests of the workflow's transition function, `casework.domain.workflow.check`
(issue 6, "Bad input"): random sequences of actions, by random people, with parameters that are
sometimes right and sometimes nonsense, never lead a case into a state the design forbids.

A small model applies each allowed action the way casework.services.workflow does (only the
state `check` reads), and after every step the invariants are checked:

- the stage is one the case's kind passes through (a breach never reaches `support`, an abuse
  case never `outcome`), and `to_stage` always is;
- a closed case has no active suspension and no open referral;
- `rights_suspended` means at least one active suspension; `outcome` means an outcome recorded;
- a referred case knows where it came from (a stage it may go back to);
- a person the case is about never holds a capacity on it, nor does an admin;
- a refusal is always a `Refusal` with a code, a message and field messages, never another
  exception, whatever the parameters;
- whatever `check` allows is among the `available_actions` (the buttons a page shows), and
  every action it lists is refused, if at all, only for its parameters.
"""

import os
from dataclasses import dataclass, field
from itertools import count
from types import SimpleNamespace

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from casework.domain.policy import (
    AGENCIES,
    FINDINGS,
    NOTE_KINDS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SANCTIONS,
    Kind,
    Role,
    StaffType,
    Stage,
)
from casework.domain.workflow import (
    ACTIONS,
    Allowed,
    Refusal,
    RefusalCode,
    active_suspensions,
    available_actions,
    capacities,
    check,
    open_referrals,
)

S = Stage
STAGES_BY_KIND = {
    Kind.BREACH: {S.REPORTED, S.ASSESSMENT, S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED, S.CLOSED},
    Kind.ABUSE: {S.REPORTED, S.ASSESSMENT, S.SUPPORT, S.REFERRED, S.CLOSED},
}
HOUSING, FINANCE, PARKS = 1, 2, 3
# Random walks per run; HYPOTHESIS_EXAMPLES=2500 searches ten times deeper (about four minutes)
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "250"))
# CI runs the same examples every time (a red CI must be reproducible); elsewhere each run explores anew
REPRODUCIBLE = os.environ.get("CI") == "true"


# --- the people ---------------------------------------------------------------------------


def person(pid, role, department_id, *, line_manager_id=None, staff_type=StaffType.EMPLOYEE, head_of_service_id=None):
    return SimpleNamespace(
        id=pid,
        email=f"p{pid}@council.test",
        role=role,
        department_id=department_id,
        line_manager_id=line_manager_id,
        staff_type=staff_type,
        department=SimpleNamespace(id=department_id, head_of_service_id=head_of_service_id),
        active=True,
    )


def cast(subject_is_contractor: bool) -> dict:
    """Everyone who might try something: the case's people, managers, HR, an admin, strangers."""
    people = {
        "line_manager": person(1, Role.MANAGER, FINANCE),
        "department_manager": person(2, Role.MANAGER, HOUSING),
        "other_manager": person(3, Role.MANAGER, PARKS),
        "hr": person(4, Role.HR, None),
        "head_of_service": person(5, Role.HEAD_OF_SERVICE, HOUSING),
        "admin": person(6, Role.ADMIN, HOUSING),
        "reporter": person(7, Role.EMPLOYEE, HOUSING),
        "stranger": person(8, Role.EMPLOYEE, PARKS),
        "hr_2": person(9, Role.HR, None),
        "subject_manager": person(10, Role.MANAGER, HOUSING, line_manager_id=2),  # a manager may be a subject too
    }
    people["subject"] = person(
        11,
        Role.EMPLOYEE,
        HOUSING,
        line_manager_id=1,
        staff_type=StaffType.CONTRACTOR if subject_is_contractor else StaffType.EMPLOYEE,
        head_of_service_id=5,
    )
    return people


# --- the case and how an allowed action changes it (as casework.services.workflow does) --------


@dataclass
class Model:
    kind: str
    reporter: SimpleNamespace
    subjects: list
    stage: str = S.REPORTED
    owner_id: int | None = None
    investigator_id: int | None = None
    stage_before_referral: str | None = None
    hos_acknowledged_at: object = None
    outcome: object = None
    suspensions: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    _ids: object = field(default_factory=lambda: count(1))

    @property
    def reporter_id(self):
        return self.reporter.id

    def apply(self, action: str, actor, params: dict, allowed: Allowed, people_by_email: dict) -> None:
        from_stage = self.stage
        if action == "take_ownership":
            self.owner_id = actor.id
        elif action == "suspend_rights":
            subject = people_by_email[str(params["subject"]).strip().lower()]
            self.suspensions.append(SimpleNamespace(subject_id=subject.id, lifted_at=None))
        elif action == "lift_suspension":
            subject = people_by_email[str(params["subject"]).strip().lower()]
            for suspension in active_suspensions(self, subject.id):
                suspension.lifted_at = "now"
        elif action == "start_investigation":
            self.investigator_id = people_by_email[str(params["investigator"]).strip().lower()].id
        elif action == "record_outcome":
            self.outcome = SimpleNamespace(finding=params["finding"], sanction=params["sanction"])
            if params.get("rights_decision"):
                for suspension in active_suspensions(self):
                    suspension.lifted_at = "now"
        elif action == "acknowledge_contractor_case":
            self.hos_acknowledged_at = "now"
        elif action == "refer":
            self.referrals.append(SimpleNamespace(id=next(self._ids), agency=params["agency"], status="pending"))
        elif action == "update_referral":
            referral = next(r for r in self.referrals if str(r.id) == str(params["referral_id"]))
            referral.status = params["status"]
        if allowed.to_stage == S.REFERRED and from_stage != S.REFERRED:
            self.stage_before_referral = from_stage
        if action == "resume":
            self.stage_before_referral = None
        self.stage = allowed.to_stage


def check_invariants(case: Model, people: dict) -> None:
    assert case.stage in STAGES_BY_KIND[case.kind], f"a {case.kind} case at {case.stage}"
    if case.stage == S.CLOSED:
        assert not active_suspensions(case), "closed with a suspension still active"
        assert not open_referrals(case), "closed with a referral still open"
    if case.stage == S.RIGHTS_SUSPENDED:
        assert active_suspensions(case), "rights_suspended without an active suspension"
    if case.stage == S.OUTCOME:
        assert case.outcome is not None, "at outcome with no outcome recorded"
    if case.stage == S.REFERRED:
        assert case.stage_before_referral in STAGES_BY_KIND[case.kind] - {S.REFERRED, S.CLOSED}
    if case.kind == Kind.ABUSE:
        assert not case.suspensions, "publishing rights suspended on an abuse case"
    subject_ids = {s.id for s in case.subjects}
    assert case.investigator_id not in subject_ids | {case.reporter_id}
    for someone in people.values():
        if someone.id in subject_ids or someone.role == Role.ADMIN:
            assert capacities(someone, case) == set(), f"{someone.role} {someone.id} holds a capacity"


# --- what people send ------------------------------------------------------------------------

CONTROL_TEXT = st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1)
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    CONTROL_TEXT,
    st.just("x" * 30_000),
    st.just("   "),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)


def good_values(case: Model, people: dict) -> dict:
    """A strategy of plausible values for each parameter name (mostly right, sometimes a wrong person)."""
    emails = [p.email for p in people.values()] + ["nobody@council.test"]
    subjects = [s.email for s in case.subjects] or emails
    managers = [p.email for p in people.values() if p.role in (Role.MANAGER, Role.HR)]
    referral_ids = [r.id for r in case.referrals] or [1]
    contractor = any(s.staff_type == StaffType.CONTRACTOR for s in case.subjects)
    return {
        "reason": TEXT,
        "text": TEXT,
        "summary": TEXT,
        "result": TEXT,
        "no_suspension_reason": TEXT,
        "agency_reference": st.text(max_size=20),
        "subject": st.one_of(st.sampled_from(subjects), st.sampled_from(subjects), st.sampled_from(emails)),
        "investigator": st.one_of(st.sampled_from(managers), st.sampled_from(managers), st.sampled_from(emails)),
        "accounts": st.just("all"),
        "kind": st.sampled_from(list(NOTE_KINDS)),
        "interviewee_role": st.sampled_from(["complainant", "subject", "witness"]),
        "finding": st.sampled_from(list(FINDINGS)),
        # A contractor is never sanctioned by the council, only referred to the contractor
        "sanction": st.one_of(
            st.just("referred_to_contractor" if contractor else "training"), st.sampled_from(list(SANCTIONS))
        ),
        "rights_decision": st.sampled_from(list(RIGHTS_DECISIONS)),
        "content_removed": st.booleans(),
        "override_separation": st.booleans(),
        "agency": st.sampled_from(list(AGENCIES)),
        "referral_id": st.sampled_from(referral_ids),
        "status": st.sampled_from(list(REFERRAL_STATUSES)),
        "report": st.booleans(),
    }


# The parameters each action reads (as the API's table has them)
PARAMETERS = {
    "take_ownership": (),
    "close_no_further_action": ("reason",),
    "suspend_rights": ("subject", "accounts", "reason"),
    "lift_suspension": ("subject", "reason"),
    "review_suspension": ("subject", "reason"),
    "start_investigation": ("investigator", "no_suspension_reason"),
    "add_note": ("kind", "interviewee_role", "text"),
    "record_outcome": ("finding", "sanction", "rights_decision", "summary", "content_removed", "override_separation"),
    "record_contractor_action": ("text",),
    "acknowledge_contractor_case": (),
    "record_ico_decision": ("report", "reason"),
    "refer": ("agency", "reason", "agency_reference"),
    "update_referral": ("referral_id", "status", "result", "agency_reference"),
    "resume": (),
    "record_support": ("text",),
    "close": ("reason",),
    "reopen": ("reason",),
}
ALL_PARAMETERS = sorted({name for names in PARAMETERS.values() for name in names})


def draw_params(data, action: str, case: Model, people: dict) -> dict:
    """The action's parameters, mostly plausible, now and then left out or junk; sometimes junk throughout."""
    if data.draw(st.integers(0, 14), label="junk throughout") == 0:
        names = data.draw(st.lists(st.sampled_from(ALL_PARAMETERS), max_size=6, unique=True), label="names")
        return {name: data.draw(JUNK, label=name) for name in names}
    values = good_values(case, people)
    params = {}
    for name in PARAMETERS.get(action, ()):
        roll = data.draw(st.integers(0, 24), label=f"{name}?")
        if roll == 0:
            params[name] = data.draw(JUNK, label=name)
        elif roll != 1:  # 1: left out
            params[name] = data.draw(values[name], label=name)
    return params


def refusal_is_well_formed(refusal: Refusal) -> None:
    assert isinstance(refusal.code, RefusalCode)
    assert isinstance(refusal.message, str) and refusal.message.strip()
    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in refusal.fields.items())


ACTION_NAMES = [*ACTIONS, "delete_everything", "", "CLOSE"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=REPRODUCIBLE,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from([Kind.BREACH, Kind.ABUSE]),
    contractor=st.booleans(),
    subject_is_named=st.booleans(),
    data=st.data(),
)
def test_random_actions_by_random_people_never_break_the_rules(kind, contractor, subject_is_named, data):
    people = cast(contractor)
    subjects = [people["subject"]] if (kind == Kind.BREACH or subject_is_named) else []
    if kind == Kind.BREACH and data.draw(st.booleans(), label="two subjects"):
        subjects.append(people["subject_manager"])
    case = Model(kind=kind, reporter=people["reporter"], subjects=subjects)
    people_by_email = {p.email: p for p in people.values()}
    check_invariants(case, people)

    for _ in range(data.draw(st.integers(5, 40), label="steps")):
        # Mostly someone who may act, so that cases travel far along the workflow
        if data.draw(st.integers(0, 2), label="who") == 0:
            actor = data.draw(st.sampled_from(list(people.values())), label="actor")
        else:
            actor = data.draw(st.sampled_from([people["hr"], people["department_manager"], people["hr_2"]]))
        buttons = available_actions(actor, case)
        if buttons and data.draw(st.integers(0, 3), label="press a button") > 0:
            action = data.draw(st.sampled_from([spec.name for spec in buttons]), label="action")
        else:
            action = data.draw(st.sampled_from(ACTION_NAMES), label="action")
        params = draw_params(data, action, case, people)
        try:
            allowed = check(action, actor, case, params, people=people_by_email)
        except Refusal as refusal:
            refusal_is_well_formed(refusal)
            if ACTIONS.get(action) in buttons:
                assert refusal.code == RefusalCode.INVALID, f"{action} is offered, yet refused: {refusal}"
            continue
        spec = ACTIONS[action]
        assert spec in buttons, f"{action} was allowed but is not offered"
        assert capacities(actor, case) & spec.capacities
        assert case.kind in spec.kinds and case.stage in spec.from_stages
        assert allowed.to_stage in STAGES_BY_KIND[case.kind], f"{action} leads a {kind} case to {allowed.to_stage}"
        case.apply(action, actor, params, allowed, people_by_email)
        event(f"reached {case.stage}")
        check_invariants(case, people)


@settings(max_examples=300, deadline=None, database=None, derandomize=REPRODUCIBLE)
@given(
    stage=st.sampled_from(list(Stage)),
    kind=st.sampled_from([Kind.BREACH, Kind.ABUSE]),
    action=st.one_of(st.sampled_from(ACTION_NAMES), JUNK),
    params=st.dictionaries(st.sampled_from(ALL_PARAMETERS), JUNK, max_size=8),
    who=st.sampled_from(["hr", "department_manager", "subject", "admin", "reporter", "head_of_service"]),
)
def test_nonsense_is_always_a_refusal(stage, kind, action, params, who):
    """Whatever the stage, the action name and the values: Allowed or Refusal, nothing else."""
    people = cast(True)
    case = Model(kind=kind, reporter=people["reporter"], subjects=[people["subject"]], stage=stage)
    if stage == S.REFERRED:
        case.stage_before_referral = S.ASSESSMENT
    case.suspensions.append(SimpleNamespace(subject_id=people["subject"].id, lifted_at=None))
    case.referrals.append(SimpleNamespace(id=1, agency="contractor", status="pending"))
    try:
        allowed = check(action, people[who], case, params, people={p.email: p for p in people.values()})
    except Refusal as refusal:
        refusal_is_well_formed(refusal)
    else:
        assert isinstance(allowed, Allowed)
        assert allowed.to_stage in set(Stage)
        assert who not in ("subject", "admin", "reporter")


def test_a_case_resumed_after_its_suspensions_were_lifted_returns_to_assessment():
    """Found by the random walk: suspended, referred, the suspension lifted while referred, the
    referral concluded, resumed: `rights_suspended` with nothing suspended. It goes to assessment."""
    people = cast(False)
    by_email = {p.email: p for p in people.values()}
    case = Model(kind=Kind.BREACH, reporter=people["reporter"], subjects=[people["subject"]])
    hr, subject = people["hr"], people["subject"].email
    for action, params in (
        ("take_ownership", {}),
        ("suspend_rights", {"subject": subject, "reason": "While we look"}),
        ("refer", {"agency": "police", "reason": "Threats"}),
        ("lift_suspension", {"subject": subject, "reason": "Police advice"}),
        ("update_referral", {"referral_id": 1, "status": "concluded", "result": "No crime"}),
        ("resume", {}),
    ):
        case.apply(action, hr, params, check(action, hr, case, params, people=by_email), by_email)
        check_invariants(case, people)
    assert case.stage == S.ASSESSMENT
