"""Letters of the fair process, read back from the PDF: the hearing invitation with the person's allegations,
the evidence and the right to be accompanied; the hearing postponed; the outcome per person with its appeal
window running from the letter; the appeal hearing and the appeal's outcome."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from casework.domain import letters as rules
from casework.models import Evidence, clock_at
from casework.services import letters
from casework.services.audit import verify_all
from casework.services.errors import Conflict
from casework.services.workflow import perform

# A Monday with no bank holiday near it
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHA = "ab" * 32


def at(days: float):
    return clock_at(MONDAY + timedelta(days=days))


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def whole(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def people(make_department, make_user):
    housing = make_department("Housing")
    environment = make_department("Environment")
    manager = make_user("manager", department=housing, name="Mona Manager")
    investigator = make_user("manager", department=environment, name="Ivan Investigator")
    hos = make_user("head_of_service", department=environment, name="Hugo Head")
    hr = make_user("hr", name="Rita HR")
    hr2 = make_user("hr", name="Rob HR")
    subject = make_user(department=housing, line_manager=manager, name="Sam Subject", password=None)
    second = make_user(department=housing, name="Pat Second", password=None)
    contractor = make_user(
        department=environment, staff_type="contractor", name="Cora Contractor", password=None, contractor_org="Green"
    )
    environment.head_of_service = hos
    reporter = make_user(department=housing, name="Remy Reporter")
    return {k: v for k, v in locals().items() if k not in ("make_department", "make_user")}


def heard(p, make_case, db_session):
    """A case about two employees and a contractor, investigated, with evidence and a hearing on Monday 9 March
    2026 at 10:00 for the two employees."""
    with at(0):
        case = make_case(
            p["reporter"],
            subjects=[p["subject"], p["second"], p["contractor"]],
            categories=["confidential_information"],
            description="Posted a resident's address.",
        )
        db_session.add(
            Evidence(
                case=case,
                original_name="screenshot.png",
                content_type="image/png",
                size=2048,
                sha256=SHA,
                storage_key=SHA,
                uploaded_by_id=p["manager"].id,
            )
        )
        db_session.flush()
        act(case, p["manager"], "take_ownership")
        act(case, p["manager"], "start_investigation", investigator=p["investigator"].email, no_suspension_reason="x")
        act(
            case,
            p["investigator"],
            "record_investigation_report",
            findings=[
                {"subject": a.subject.email, "category": a.category, "finding": "substantiated"}
                for a in case.allegations
            ],
            summary="The post was made from the subject's account.",
            recommendation="disciplinary_hearing",
        )
        act(
            case,
            p["manager"],
            "arrange_hearing",
            hearing_officer=p["hr"].email,
            hearing_at="2026-03-09T10:00",
            subjects=[p["subject"].email, p["second"].email],
        )
    return case


def decided(p, case):
    """Postponed to Wednesday 11 March at 14:00 for the companion, then decided that evening: a final written
    warning for Sam, nothing for Pat, the contractor referred to the contractor."""
    with at(1):
        act(case, p["manager"], "postpone_hearing", hearing_at="2026-03-11T14:00", reason="The companion is on leave")
    with at(9.5):
        act(case, p["hr2"], "record_hr_advice", text="A final written warning is consistent.")
        act(
            case,
            p["hr"],
            "record_outcome",
            outcomes=[
                {"subject": p["subject"].email, "finding": "substantiated", "sanction": "final_written_warning"},
                {"subject": p["second"].email, "finding": "not_substantiated", "sanction": "no_action"},
                {"subject": p["contractor"].email, "finding": "substantiated", "sanction": "referred_to_contractor"},
            ],
            summary="Posted a resident's address.",
        )


def test_the_hearing_invitation_states_the_allegations_evidence_and_right_to_be_accompanied(
    people, make_case, db_session
):
    p = people
    case = heard(p, make_case, db_session)
    with at(0):
        assert rules.refusal("disciplinary_hearing", case, p["contractor"])  # Social Networking Policy 11.4
        assert "disciplinary_hearing" in [s.kind for s in rules.available_letters(case, p["subject"])]
        produced = letters.produce_letter(
            case, p["manager"], "disciplinary_hearing", p["subject"].email, letters.Meeting(None, "", "Room 1")
        )
    text = whole(produced.pdf)
    assert "Date: Monday 9 March 2026" in text and "Time: 10:00" in text and "Place: Room 1" in text
    assert "Confidential or personal information disclosed: Posted a resident's address." in text
    assert "(the investigation found this substantiated)" in text
    assert f"1. screenshot.png – SHA-256 {SHA}" in text
    assert "trade union representative or a colleague" in text
    assert "Employment Relations Act 1999, section 10" in text
    assert "Chaired by: Rita HR, hearing officer" in text
    assert produced.letter.meeting_date == date(2026, 3, 9) and produced.letter.meeting_time == "10:00"


def test_a_drafted_invitation_to_a_hearing_since_moved_is_not_issued(people, make_case, db_session):
    p = people
    case = heard(p, make_case, db_session)
    with at(0):
        draft = letters.draft_letter(
            case, p["manager"], "disciplinary_hearing", p["subject"].email, letters.Meeting(None, "", "Room 1")
        )
    with at(1):
        act(case, p["manager"], "postpone_hearing", hearing_at="2026-03-11T14:00", reason="The companion is on leave")
        with pytest.raises(Conflict, match="moved since"):
            letters.issue_letter(draft, p["manager"])
    assert draft.status == "draft"


def test_hearing_postponed_gives_the_new_date_and_the_reason(people, make_case, db_session):
    p = people
    case = heard(p, make_case, db_session)
    assert rules.refusal("hearing_postponed", case, p["subject"])
    with at(1):
        act(case, p["manager"], "postpone_hearing", hearing_at="2026-03-11T14:00", reason="The companion is on leave")
        assert rules.refusal("hearing_postponed", case, p["contractor"])
        text = whole(letters.produce_letter(case, p["manager"], "hearing_postponed", p["subject"].email).pdf)
    assert "Disciplinary hearing postponed" in text
    assert "invited to on Monday 9 March 2026 at 10:00 has been postponed" in text
    assert "Wednesday 11 March 2026 at 14:00" in text
    assert "The companion is on leave" in text


def test_each_person_gets_their_own_outcome_and_the_appeal_window_runs_from_the_letter(people, make_case, db_session):
    p = people
    case = heard(p, make_case, db_session)
    decided(p, case)
    outcome = case.outcome_for(p["subject"].id)
    assert outcome.appeal_due_on == date(2026, 3, 18)  # from the decision, until a letter is issued
    assert rules.refusal("outcome", case, p["contractor"])
    with at(9.5):  # drafted on Wednesday 11 March
        draft = letters.draft_letter(case, p["hr"], "outcome", p["subject"].email)
        assert "by 18 March 2026" in draft.body
        second = whole(letters.produce_letter(case, p["hr"], "outcome", p["second"].email).pdf)
    assert "not substantiated" in second and "The outcome is: no action." in second
    assert "final written warning" not in second and "right to appeal" not in second
    with at(14):  # issued on Monday 16 March: 5 working days from then is Monday 23 March
        produced = letters.issue_letter(draft, p["hr"])
    text = whole(produced.pdf)
    assert "You are given a final written warning" in text
    assert "by 23 March 2026 (5 working days from the date of this letter)" in text
    assert "18 March 2026" not in text
    assert outcome.appeal_due_on == date(2026, 3, 23)
    event = case.events[-1]
    assert event.action == "letter_issued"
    assert event.data["appeal_due_on"] == "2026-03-23" and event.data["appeal_due_on_before"] == "2026-03-18"
    assert verify_all().intact


def test_appeal_hearing_and_appeal_outcome_letters(people, make_case, db_session):
    p = people
    case = heard(p, make_case, db_session)
    decided(p, case)
    assert rules.refusal("appeal_hearing", case, p["subject"])
    assert rules.refusal("appeal_outcome", case, p["subject"])
    with at(10):
        act(
            case,
            p["manager"],
            "lodge_appeal",
            subject=p["subject"].email,
            grounds="The warning is too severe for a first mistake.",
            appeal_officer=p["hos"].email,
        )
        assert rules.refusal("appeal_hearing", case, p["second"])  # Pat has not appealed
        invitation = whole(
            letters.produce_letter(
                case,
                p["hr"],
                "appeal_hearing",
                p["subject"].email,
                letters.Meeting(date(2026, 3, 23), "14:00", "Committee Room"),
            ).pdf
        )
    assert "Invitation to an appeal hearing" in invitation
    assert "Heard by: Hugo Head" in invitation and "Committee Room" in invitation
    assert "The warning is too severe for a first mistake." in invitation
    assert "against the outcome of the disciplinary process (final written warning)" in invitation
    assert "trade union representative or a colleague" in invitation
    with at(16):
        act(
            case,
            p["hos"],
            "decide_appeal",
            subject=p["subject"].email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach, admitted at once.",
        )
        assert rules.refusal("appeal_hearing", case, p["subject"])
        produced = letters.produce_letter(case, p["hr"], "appeal_outcome", p["subject"].email)
        # The outcome letter now gives the outcome that stands
        again = whole(letters.produce_letter(case, p["hr"], "outcome", p["subject"].email).pdf)
    text = whole(produced.pdf)
    assert "Outcome of the appeal" in text
    assert "the final written warning is replaced by a first written warning" in text
    assert "A first breach, admitted at once." in text
    assert "This decision is final" in text
    assert "You are given a first written warning" in again
    assert verify_all().intact


def test_an_upheld_appeal_reads_as_upheld(people, make_case, db_session):
    p = people
    case = heard(p, make_case, db_session)
    decided(p, case)
    with at(10):
        act(case, p["manager"], "lodge_appeal", subject=p["subject"].email, grounds="g", appeal_officer=p["hos"].email)
        act(case, p["hos"], "decide_appeal", subject=p["subject"].email, result="upheld", reason="The sanction fits.")
        text = whole(letters.produce_letter(case, p["hr"], "appeal_outcome", p["subject"].email).pdf)
    assert "The original decision is upheld: the final written warning stands." in text
    assert "The sanction fits." in text
