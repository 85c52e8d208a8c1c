"""Property-based tests of the workflow as it really runs (issue 6 "Bad input", issue 9 item 1):
random sequences of actions, by random people, with parameters that are sometimes right and
sometimes nonsense, sent to `casework.services.workflow.perform` against the real database,
never lead a case into a state the design forbids and never end in anything but a clear refusal.

Each example reports a case (and sometimes a second case suspending the same person) inside a
savepoint that is rolled back afterwards; every step runs in a savepoint of its own, as a request
does in its transaction. After every step:

- the stage is one the case's kind passes through (a breach never reaches `support`, an abuse
  case never `outcome`);
- a closed case has no active suspension and no open referral;
- `rights_suspended` means at least one active suspension; `outcome` means an outcome stands;
- a referred case knows where it came from;
- every outcome recorded stays recorded, and at most one stands (the others superseded, with who,
  when and why);
- a publishing right is suspended exactly while an active suspension (of any case) covers it;
- a person the case is about never holds a capacity on it, nor does an admin;
- a refusal is InvalidInput, NotAllowed or Conflict with a message (never another exception),
  whatever the parameters, and changes nothing;
- whatever is done is among the actions the page offers; every action offered is refused, if at
  all, only for its parameters;
- the case's audit chain verifies.

HYPOTHESIS_EXAMPLES=500 searches deeper; in CI the same examples run every time (derandomize).
"""

import os
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from casework.domain.actions import ACTIONS
from casework.domain.audit import first_break
from casework.domain.case_state import active_suspensions, open_referrals, right_stays_suspended
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
from casework.domain.workflow import available_actions, capacities
from casework.domain.working_days import add_working_days
from casework.extensions import db
from casework.models import CaseEvent, Outcome, PublishingRight, SocialAccount, Suspension
from casework.services.audit import EVENT_COLUMNS
from casework.services.deadlines import bank_holidays, london_today
from casework.services.errors import Conflict, InvalidInput, NotAllowed
from casework.services.workflow import perform

S = Stage
STAGES_BY_KIND = {
    Kind.BREACH: {S.REPORTED, S.ASSESSMENT, S.RIGHTS_SUSPENDED, S.INVESTIGATION, S.OUTCOME, S.REFERRED, S.CLOSED},
    Kind.ABUSE: {S.REPORTED, S.ASSESSMENT, S.SUPPORT, S.REFERRED, S.CLOSED},
}
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "25"))
# CI runs the same examples every time (a red CI must be reproducible); elsewhere each run explores anew
REPRODUCIBLE = os.environ.get("CI") == "true"
REFUSALS = (InvalidInput, NotAllowed, Conflict)


# --- the people and the council's accounts, made once for the test ------------------------


@pytest.fixture
def council(make_department, make_user, db_session):
    housing = make_department("Housing")
    parks = make_department("Parks")
    head = make_user("head_of_service", department=housing, password=None)
    housing.head_of_service = head
    line_manager = make_user("manager", department=parks, password=None)
    people = {
        "line_manager": line_manager,
        "department_manager": make_user("manager", department=housing, password=None),
        "other_manager": make_user("manager", department=parks, password=None),
        "hr": make_user("hr", password=None),
        "hr_2": make_user("hr", password=None),
        "head_of_service": head,
        "admin": make_user("admin", department=housing, password=None),
        "reporter": make_user(department=housing, password=None),
        "stranger": make_user(department=parks, password=None),
        "subject": make_user(department=housing, line_manager=line_manager, password=None),
        "contractor": make_user(department=housing, staff_type=StaffType.CONTRACTOR, password=None),
    }
    people["subject_manager"] = make_user(
        "manager", department=housing, line_manager=people["department_manager"], password=None
    )
    accounts = [
        SocialAccount(platform="facebook", handle=f"Housing{n}", department_id=housing.id, status="active")
        for n in (1, 2)
    ]
    db_session.add_all(accounts)
    db_session.flush()
    for who in ("subject", "subject_manager", "contractor"):
        for account in accounts:
            db_session.add(PublishingRight(user_id=people[who].id, account_id=account.id, trained_on=date(2025, 1, 6)))
    db_session.flush()
    return people, accounts


# --- what people send ------------------------------------------------------------------------

# Drawn from small alphabets: generating arbitrary Unicode is slow, and the domain's unit tests cover it
CONTROL_TEXT = st.sampled_from(["\x00", "a\x1bb", "\u202eevil", "line\u2028break", "\x7f"])
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="ab1 -/é", max_size=20),
    CONTROL_TEXT,
    st.just("x" * 30_000),
    st.just("   "),
    st.lists(
        st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.text(alphabet="ab1", max_size=5)), max_size=3
    ),
    st.dictionaries(st.text(alphabet="ab", max_size=3), st.integers(), max_size=2),
)
TEXT = st.one_of(
    st.sampled_from(["Posted a resident's address", "Threats by direct message", "Zoë O'Brien — 12 posts"]),
    st.text(alphabet="aZ é—😀'<>&", min_size=1, max_size=20),
)


def good_values(case, people: dict, accounts) -> dict:
    """A strategy of plausible values for each parameter name (mostly right, sometimes a wrong person)."""
    emails = [p.email for p in people.values()] + ["nobody@council.test"]
    subjects = [s.email for s in case.subjects] or emails
    managers = [p.email for p in people.values() if p.role in (Role.MANAGER, Role.HR)]
    referral_ids = [r.id for r in case.referrals] or [1]
    contractor = any(s.staff_type == StaffType.CONTRACTOR for s in case.subjects)
    ids = [a.id for a in accounts]
    hearing_day = add_working_days(london_today(), 7, bank_holidays())
    return {
        "reason": TEXT,
        "text": TEXT,
        "summary": TEXT,
        "result": TEXT,
        "no_suspension_reason": TEXT,
        "agency_reference": st.text(alphabet="ab1 -/é", max_size=20),
        "ico_reference": st.text(alphabet="ab1 -/é", max_size=20),
        "interviewee_name": TEXT,
        "subject": st.one_of(st.sampled_from(subjects), st.sampled_from(subjects), st.sampled_from(emails)),
        "investigator": st.one_of(st.sampled_from(managers), st.sampled_from(managers), st.sampled_from(emails)),
        "accounts": st.sampled_from(["all", [ids[0]], [ids[1]], ids, [str(ids[0])], [999_999]]),
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
        "refer": st.booleans(),
        # the fair process
        "severity": st.sampled_from(["low", "medium", "high"]),
        "categories": st.sampled_from([["confidential_information"], ["disrepute", "political"], []]),
        "personal_data_involved": st.booleans(),
        "aware_at": st.sampled_from([london_today().isoformat(), "2026-01-05T09:30", "yesterday"]),
        "content_removal": st.sampled_from(["removed", "requested", "not_required"]),
        "content_removal_reason": TEXT,
        "findings": st.just(
            [{"subject": a.subject.email, "category": a.category, "finding": "substantiated"} for a in case.allegations]
        ),
        "recommendation": st.sampled_from(["no_case_to_answer", "informal_action", "disciplinary_hearing"]),
        "hearing_officer": st.one_of(st.sampled_from(managers), st.sampled_from(emails)),
        "hearing_at": st.sampled_from([f"{hearing_day.isoformat()}T10:00", "2026-01-03T10:00", "soon"]),
        "subjects": st.one_of(st.just(subjects), st.lists(st.sampled_from(emails), max_size=2)),
        "override_reason": st.one_of(st.just(""), TEXT),
        "grounds": TEXT,
        "appeal_officer": st.one_of(st.sampled_from(managers), st.sampled_from(emails)),
        "late_reason": TEXT,
        "appeal_result": st.sampled_from(["upheld", "varied", "overturned"]),
        "conflict": st.booleans(),
        "role": st.sampled_from(["owner", "investigator", "hearing_officer", "appeal_officer"]),
        "person": st.one_of(st.sampled_from(managers), st.sampled_from(emails)),
        "attended": TEXT,
        "handoff_reference": st.text(alphabet="ab1 -/é", max_size=20),
    }


# The parameters of each action the walk sends (each a field of the action's declared parameters)
PARAMETERS = {
    "take_ownership": (),
    "close_no_further_action": ("reason",),
    "suspend_rights": ("subject", "accounts", "reason"),
    "lift_suspension": ("subject", "reason"),
    "review_suspension": ("subject", "reason"),
    "start_investigation": ("investigator", "no_suspension_reason"),
    "add_note": ("kind", "interviewee_name", "interviewee_role", "text"),
    "record_outcome": (
        "finding",
        "sanction",
        "rights_decision",
        "summary",
        "content_removed",
        "override_separation",
        "attended",
    ),
    "update_case": (
        "reason",
        "severity",
        "categories",
        "personal_data_involved",
        "aware_at",
        "content_removal",
        "content_removal_reason",
    ),
    "record_investigation_report": ("findings", "summary", "recommendation"),
    "record_hr_advice": ("text",),
    "arrange_hearing": ("hearing_officer", "hearing_at", "subjects", "override_reason"),
    "postpone_hearing": ("hearing_at", "reason"),
    "lodge_appeal": ("subject", "grounds", "appeal_officer", "late_reason", "override_reason"),
    "decide_appeal": ("subject", "appeal_result", "sanction", "reason"),
    "waive_appeal": ("subject", "reason"),
    "declare_conflict": ("conflict", "text"),
    "reassign": ("role", "person", "reason", "override_reason"),
    "record_contractor_action": ("text",),
    "acknowledge_contractor_case": (),
    "record_ico_decision": ("report", "reason", "ico_reference"),
    "record_police_decision": ("refer", "reason"),
    "refer": ("agency", "reason", "agency_reference"),
    "update_referral": ("referral_id", "status", "result", "agency_reference"),
    "resume": (),
    "record_support": ("text",),
    "close": ("reason",),
    "reopen": ("reason",),
    "record_handoff": ("text", "handoff_reference"),
    "close_routed": ("reason",),
    "reroute": ("reason", "subjects"),
}
ALL_PARAMETERS = sorted({name for names in PARAMETERS.values() for name in names})
ACTION_NAMES = [*ACTIONS, "delete_everything", "", "CLOSE"]


def test_the_walk_knows_every_action():
    assert set(PARAMETERS) == set(ACTIONS)
    for action, names in PARAMETERS.items():
        fields = {"result" if name == "appeal_result" else name for name in names}
        assert fields <= set(ACTIONS[action].params.model_fields), f"{action} takes no {fields}"


def draw_params(data, action: str, case, people: dict, accounts) -> dict:
    """The action's parameters, mostly plausible, now and then left out or junk; sometimes junk throughout."""
    if data.draw(st.integers(0, 14), label="junk throughout") == 0:
        names = data.draw(st.lists(st.sampled_from(ALL_PARAMETERS), max_size=6, unique=True), label="names")
        return {name: data.draw(JUNK, label=name) for name in names}
    values = good_values(case, people, accounts)
    params = {}
    for name in PARAMETERS.get(action, ()):
        key = "result" if name == "appeal_result" else name  # decide_appeal's result is a code
        roll = data.draw(st.integers(0, 24), label=f"{name}?")
        if roll == 0:
            params[key] = data.draw(JUNK, label=name)
        elif roll != 1:  # 1: left out
            params[key] = data.draw(values[name], label=name)
    return params


# --- the invariants, read back from the database ------------------------------------------------


def check_invariants(case, people: dict, outcomes_seen: int) -> int:
    assert case.stage in STAGES_BY_KIND[case.kind], f"a {case.kind} case at {case.stage}"
    if case.stage == S.CLOSED:
        assert not active_suspensions(case), "closed with a suspension still active"
        assert not open_referrals(case), "closed with a referral still open"
    if case.stage == S.RIGHTS_SUSPENDED:
        assert active_suspensions(case), "rights_suspended without an active suspension"
    if case.stage == S.OUTCOME:
        assert case.outcome is not None, "at outcome with no outcome standing"
    if case.stage == S.REFERRED:
        assert case.stage_before_referral in STAGES_BY_KIND[case.kind] - {S.REFERRED, S.CLOSED}
    if case.kind == Kind.ABUSE:
        assert not case.suspensions, "publishing rights suspended on an abuse case"

    outcomes = db.session.scalars(select(Outcome).where(Outcome.case_id == case.id)).all()
    assert len(outcomes) >= outcomes_seen, "an outcome was deleted"
    standing = [o for o in outcomes if o.superseded_at is None]
    assert len(standing) <= 1, "two outcomes stand at once"
    for earlier in outcomes:
        if earlier.superseded_at is not None:
            assert earlier.superseded_by_id is not None and earlier.superseded_reason

    for subject in case.subjects:
        active = db.session.scalars(
            select(Suspension).where(Suspension.subject_id == subject.id, Suspension.lifted_at.is_(None))
        ).all()
        for right in db.session.scalars(select(PublishingRight).where(PublishingRight.user_id == subject.id)):
            if right.status != "revoked":
                covered = right_stays_suspended(right.account_id, active)
                assert (right.status == "suspended") == covered, (
                    f"right on account {right.account_id} is {right.status}, covered by a suspension: {covered}"
                )

    subject_ids = {s.id for s in case.subjects}
    assert case.investigator_id not in subject_ids | {case.reporter_id}
    for someone in people.values():
        if someone.id in subject_ids or someone.role == Role.ADMIN:
            assert capacities(someone, case) == set(), f"{someone.role} {someone.id} holds a capacity"

    events = db.session.execute(
        select(*EVENT_COLUMNS).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq)
    ).all()
    assert first_break(events) is None, "the audit chain is broken"
    return len(outcomes)


def snapshot(case) -> tuple:
    return (
        case.version,
        case.stage,
        db.session.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.case_id == case.id)),
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=REPRODUCIBLE,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(kind=st.sampled_from([Kind.BREACH, Kind.ABUSE]), data=st.data())
def test_random_actions_by_random_people_never_break_the_rules(council, make_case, kind, data):
    people, accounts = council
    example = db.session.begin_nested()
    try:
        walk(people, accounts, make_case, kind, data)
    finally:
        example.rollback()
        db.session.expire_all()


def walk(people, accounts, make_case, kind, data):
    who_is_subject = data.draw(st.sampled_from(["subject", "contractor"]), label="subject")
    subjects = [people[who_is_subject]]
    if kind == Kind.BREACH and data.draw(st.booleans(), label="two subjects"):
        subjects.append(people["subject_manager"])
    if kind == Kind.ABUSE and data.draw(st.booleans(), label="nobody named"):
        subjects = []
    categories = None
    if kind == Kind.ABUSE:
        categories = data.draw(st.sampled_from([["abuse"], ["threats"], ["abuse", "doxxing"]]), label="categories")
    hr = people["hr"]
    if kind == Kind.BREACH and data.draw(st.booleans(), label="another case suspends them"):
        other = make_case(people["reporter"], subjects=[subjects[0]])
        perform(other, hr, "take_ownership", {}, version=other.version)
        perform(
            other, hr, "suspend_rights", {"subject": subjects[0].email, "reason": "Other case"}, version=other.version
        )
    case = make_case(people["reporter"], kind=kind, subjects=subjects, categories=categories)
    outcomes_seen = check_invariants(case, people, 0)

    for _ in range(data.draw(st.integers(5, 20), label="steps")):
        # Mostly someone who may act, so that cases travel far along the workflow
        if data.draw(st.integers(0, 4), label="who") == 0:
            actor = data.draw(st.sampled_from(list(people.values())), label="actor")
        else:
            actor = data.draw(st.sampled_from([hr, people["department_manager"], people["hr_2"]]), label="actor")
        buttons = available_actions(actor, case)
        if buttons and data.draw(st.integers(0, 5), label="press a button") > 0:
            action = data.draw(st.sampled_from([spec.name for spec in buttons]), label="action")
        else:
            action = data.draw(st.sampled_from(ACTION_NAMES), label="action")
        params = draw_params(data, action, case, people, accounts)
        before = snapshot(case)
        step = db.session.begin_nested()
        try:
            perform(case, actor, action, params, version=case.version)
        except REFUSALS as refusal:
            step.rollback()
            db.session.expire_all()
            assert isinstance(refusal.message, str) and refusal.message.strip()
            assert all(isinstance(v, str) and v for v in refusal.fields.values())
            if ACTIONS.get(action) in buttons:
                assert isinstance(refusal, InvalidInput), f"{action} is offered, yet refused: {refusal.message}"
            assert snapshot(case) == before, "a refusal changed the case"
            continue
        step.commit()
        assert ACTIONS[action] in buttons, f"{action} was done but is not offered"
        event(f"reached {case.stage}")
        outcomes_seen = check_invariants(case, people, outcomes_seen)


def test_a_case_decided_again_after_reopening_keeps_both_outcomes(council, make_case):
    """Found by hand (issue 9 item 1): close a case with an outcome, reopen, investigate, decide
    again. The walk above reaches this path too."""
    people, _ = council
    hr, subject = people["hr"], people["subject"]
    case = make_case(people["reporter"], subjects=[subject])
    for action, params in (
        ("take_ownership", {}),
        ("start_investigation", {"investigator": people["department_manager"].email, "no_suspension_reason": "x"}),
        ("record_outcome", {"finding": "substantiated", "sanction": "training", "summary": "First"}),
        ("waive_appeal", {"subject": subject.email, "reason": "In writing"}),
        ("close", {}),
        ("reopen", {"reason": "New evidence"}),
        ("start_investigation", {"investigator": people["department_manager"].email, "no_suspension_reason": "x"}),
        ("record_outcome", {"finding": "substantiated", "sanction": "management_advice", "summary": "Second"}),
        ("waive_appeal", {"subject": subject.email, "reason": "In writing"}),
        ("close", {}),
    ):
        perform(case, hr, action, params, version=case.version)
        check_invariants(case, people, 0)
    assert case.stage == S.CLOSED
    assert [(o.summary, o.superseded_at is not None) for o in case.outcomes] == [("First", True), ("Second", False)]
    first = case.outcomes[0]
    assert first.superseded_by_id == hr.id
    assert first.superseded_reason == "Decided again after the case was reopened: New evidence"
    assert case.outcome.summary == "Second"
