"""Letters to the people a case is about: filled from the case, read back, recorded in the audit trail."""

import hashlib
import io
from datetime import timedelta
from pathlib import Path

import holidays
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from casework.domain import letters as rules
from casework.domain.working_days import add_working_days
from casework.models import AccessLog, CaseEvent, PublishingRight, SocialAccount
from casework.reports import letters as builder
from casework.services import letters
from casework.services.audit import verify_all
from casework.services.deadlines import london_today
from casework.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from casework.services.workflow import perform
from tests.process_steps import decide, waive_appeals

# A working day more than HEARING_NOTICE_WORKING_DAYS (5) ahead: a hearing may be held then
NEXT_WEEK = add_working_days(london_today(), 7, holidays.country_holidays("GB", subdiv="ENG", years=range(2020, 2100)))


def act(case, actor, action, **params):
    return perform(case, actor, action, params, version=case.version)


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def whole(pdf: bytes) -> str:
    return " ".join(" ".join(pdf_pages(pdf)).split())


@pytest.fixture
def council(make_department, make_user, make_case, db_session):
    housing = make_department("Housing")
    owner = make_user("manager", department=housing, name="Morgan Owen")
    people = {
        "housing": housing,
        "owner": owner,
        "other_manager": make_user("manager", department=housing, name="Nadia Other"),
        "investigator": make_user("manager", department=housing, name="Ian Vestigator"),
        "hr": make_user("hr", name="Harriet Rahman"),
        "subject": make_user(department=housing, line_manager=owner, password=None, name="Sam <b>Jones</b> & Co"),
        "second": make_user(department=housing, password=None, name="Pat Second"),
        "reporter": make_user(department=housing, name="Rhys Reporter"),
    }
    account = SocialAccount(platform="facebook", handle="@HousingDemo", department_id=housing.id, status="active")
    db_session.add(account)
    db_session.flush()
    db_session.add(PublishingRight(user_id=people["subject"].id, account_id=account.id, trained_on=NEXT_WEEK))
    db_session.flush()
    case = make_case(
        people["reporter"],
        subjects=[people["subject"], people["second"]],
        categories=["confidential_information", "disrepute"],
        description="Posted <script>alert(1)</script> a resident's address",
    )
    act(case, owner, "take_ownership")
    people["case"] = case
    return people


def investigate(p, *, suspend=True):
    case = p["case"]
    if suspend:
        act(case, p["owner"], "suspend_rights", subject=p["subject"].email, reason="Posted <i>resident</i> data")
        act(case, p["owner"], "start_investigation", investigator=p["investigator"].email)
    else:
        act(
            case,
            p["owner"],
            "start_investigation",
            investigator=p["investigator"].email,
            no_suspension_reason="Not a council account",
        )
    return case


def meeting(place="Room 2.14, Town Hall"):
    return letters.Meeting(NEXT_WEEK, "10:30am", place)


def test_investigation_invitation_reads_back_and_is_recorded(council, db_session):
    p = council
    case = investigate(p)
    version = case.version
    produced = letters.produce_letter(case, p["owner"], "investigation_meeting", p["subject"].email, meeting())

    pages = pdf_pages(produced.pdf)
    text = whole(produced.pdf)
    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page
        assert f"Page {number} of {len(pages)}" in page
    assert case.reference in text
    assert "Dear Sam <b>Jones</b> & Co," in text  # markup in a name is shown as text
    assert "Invitation to an investigation meeting" in text
    assert "Room 2.14, Town Hall" in text and "10:30am" in text
    assert f"{NEXT_WEEK.day} {NEXT_WEEK:%B %Y}" in text
    assert "Ian Vestigator" in text
    assert "Demo Borough Council" in text
    assert "Yours sincerely, Morgan Owen Manager, Housing" in text
    assert "confidential or personal information disclosed; bringing the council into disrepute" in text
    assert "<script>" not in text  # the description is not quoted in letters

    event = db_session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.seq.desc()).limit(1)
    ).one()
    assert event.action == "letter_issued"
    assert event.data["letter"] == "investigation_meeting"
    assert event.data["recipient"] == p["subject"].email
    assert event.data["pdf_sha256"] == hashlib.sha256(produced.pdf).hexdigest()
    assert event.data["sha256"] == produced.sha256 == produced.letter.sha256
    assert produced.sha256 == hashlib.sha256(produced.letter.body.encode()).hexdigest()
    assert event.data["meeting"] == {"date": NEXT_WEEK.isoformat(), "time": "10:30am", "place": "Room 2.14, Town Hall"}
    assert event.from_stage == event.to_stage == "investigation"
    log = db_session.scalars(select(AccessLog).where(AccessLog.case_id == case.id, AccessLog.action == "export")).one()
    assert log.user_id == p["owner"].id and "investigation_meeting" in log.detail
    assert case.version == version  # a letter does not make open forms stale
    assert verify_all().intact
    assert produced.filename == f"{case.reference}-investigation-meeting-sam-b-jones-b-co.pdf"


def test_hearing_invitation_gives_the_right_to_be_accompanied(council):
    p = council
    case = investigate(p, suspend=False)
    produced = letters.produce_letter(case, p["hr"], "disciplinary_hearing", p["subject"].email, meeting())
    text = whole(produced.pdf)
    assert "Invitation to a disciplinary hearing" in text
    assert "accompanied" in text and "trade union representative or a colleague" in text
    assert "Employment Relations Act 1999, section 10" in text
    assert "ACAS Code of Practice" in text
    assert "dismissal" in text
    assert "Chaired by: Harriet Rahman, Human Resources" in text
    for page in pdf_pages(produced.pdf):
        assert "OFFICIAL-SENSITIVE" in page


def test_outcome_letter_gives_sanction_live_period_and_appeal_deadline(council, db_session):
    p = council
    case = investigate(p)
    decide(
        case,
        p["hr"],
        finding="substantiated",
        sanction="final_written_warning",
        rights_decision="restored",
        summary="You shared a <u>resident's</u> address.",
    )
    outcome = case.outcome
    produced = letters.produce_letter(case, p["hr"], "outcome", p["subject"].email)
    text = whole(produced.pdf)
    assert "You are given a final written warning" in text
    assert f"live until {outcome.live_until.day} {outcome.live_until:%B %Y}" in text
    assert "right to appeal" in text
    assert f"by {outcome.appeal_due_on.day} {outcome.appeal_due_on:%B %Y}" in text
    # The internal summary is never pasted into the letter: HR writes the reasons in the draft
    assert "You shared a <u>resident's</u> address." not in text
    assert "[Set out, in words addressed to the recipient, the reasons for the decision." in text
    assert "restored" in text
    assert case.reference in text and "Sam <b>Jones</b> & Co" in text
    assert verify_all().intact


def test_no_appeal_paragraph_when_nothing_was_found(council):
    p = council
    case = investigate(p, suspend=False)
    decide(case, p["hr"], finding="not_substantiated", sanction="no_action", summary="No evidence")
    text = whole(letters.produce_letter(case, p["hr"], "outcome", p["subject"].email).pdf)
    assert "not substantiated" in text and "The outcome is: no action." in text
    assert "right to appeal" not in text


def test_suspension_and_its_lifting(council):
    p = council
    case = p["case"]
    with pytest.raises(Conflict):
        letters.produce_letter(case, p["owner"], "suspension", p["subject"].email)
    act(case, p["owner"], "suspend_rights", subject=p["subject"].email, reason="Posted <i>resident</i> data")
    notice = whole(letters.produce_letter(case, p["owner"], "suspension", p["subject"].email).pdf)
    assert "Suspension of publishing rights" in notice and "Social Networking Policy 11.2" in notice
    assert "Posted <i>resident</i> data" in notice
    assert "Every council social media account you may publish on" in notice
    with pytest.raises(Conflict):
        letters.produce_letter(case, p["owner"], "suspension_lifted", p["subject"].email)
    with pytest.raises(Conflict):  # the second subject was never suspended
        letters.produce_letter(case, p["owner"], "suspension", p["second"].email)

    act(case, p["owner"], "lift_suspension", subject=p["subject"].email, reason="Interim review: low risk")
    lifted = whole(letters.produce_letter(case, p["owner"], "suspension_lifted", p["subject"].email).pdf)
    assert "has been lifted" in lifted and "Interim review: low risk" in lifted
    assert "You may publish again" in lifted
    assert verify_all().intact


def kinds(case, person):
    return [spec.kind for spec in rules.available_letters(case, person)]


def test_each_letter_is_offered_only_when_it_makes_sense(council, make_user, make_case):
    p = council
    case, subject = p["case"], p["subject"]
    assert kinds(case, subject) == []
    act(case, p["owner"], "suspend_rights", subject=subject.email, reason="Risk")
    assert kinds(case, subject) == ["suspension"]
    act(case, p["owner"], "start_investigation", investigator=p["investigator"].email)
    assert kinds(case, subject) == ["investigation_meeting", "disciplinary_hearing", "suspension"]
    assert kinds(case, p["second"]) == ["investigation_meeting", "disciplinary_hearing"]
    act(case, p["hr"], "refer", agency="police", reason="Possible offence")
    assert kinds(case, subject) == ["investigation_meeting", "disciplinary_hearing", "suspension"]
    act(case, p["hr"], "update_referral", referral_id=case.referrals[0].id, status="concluded", result="NFA")
    act(case, p["hr"], "resume")
    decide(
        case,
        p["hr"],
        finding="substantiated",
        sanction="training",
        rights_decision="restored",
        summary="Training",
    )
    assert kinds(case, subject) == ["disciplinary_hearing", "outcome", "suspension", "suspension_lifted"]
    waive_appeals(case, p["hr"])
    act(case, p["hr"], "close")
    assert kinds(case, subject) == ["outcome", "suspension", "suspension_lifted"]
    assert kinds(case, p["reporter"]) == []  # not a person the case is about

    contractor = make_user(department=p["housing"], staff_type="contractor", password=None)
    contractor_case = make_case(p["reporter"], subjects=[contractor])
    act(contractor_case, p["owner"], "take_ownership")
    act(contractor_case, p["owner"], "suspend_rights", subject=contractor.email, reason="Risk")
    act(contractor_case, p["owner"], "start_investigation", investigator=p["investigator"].email)
    assert kinds(contractor_case, contractor) == ["suspension"]  # 11.4: the contractor's own procedures

    abuse = make_case(p["reporter"], kind="abuse", subjects=[subject], categories=["threats"])
    act(abuse, p["owner"], "take_ownership")
    assert kinds(abuse, subject) == []


def test_only_the_owner_and_hr_produce_letters(council):
    p = council
    case = investigate(p)
    for person in (p["other_manager"], p["investigator"]):
        with pytest.raises(NotAllowed):
            letters.produce_letter(case, person, "suspension", p["subject"].email)
    with pytest.raises(NotFound):
        letters.produce_letter(case, p["hr"], "love_letter", p["subject"].email)
    with pytest.raises(NotFound):
        letters.produce_letter(case, p["hr"], "suspension", p["reporter"].email)
    with pytest.raises(NotFound):
        letters.produce_letter(case, p["hr"], "suspension", None)
    assert letters.produce_letter(case, p["hr"], "suspension", p["subject"].email.upper()).recipient == p["subject"]


def test_an_invitation_needs_the_time_and_place(council, db_session):
    p = council
    case = investigate(p)
    events = len(case.events)
    with pytest.raises(InvalidInput) as error:
        letters.produce_letter(case, p["owner"], "investigation_meeting", p["subject"].email)
    assert set(error.value.fields) == {"meeting_date", "meeting_time", "meeting_place"}
    with pytest.raises(InvalidInput) as error:
        letters.produce_letter(
            case,
            p["owner"],
            "disciplinary_hearing",
            p["subject"].email,
            letters.Meeting(london_today() - timedelta(days=1), "25:00", "x" * 201),
        )
    assert error.value.fields == {
        "meeting_date": "The date of the meeting must be today or in the future",
        "meeting_time": "Enter the time like 10:30am or 14:00",
        "meeting_place": "Where the meeting is held must be 200 characters or fewer",
    }
    db_session.refresh(case)
    assert len(case.events) == events


def test_user_text_is_never_read_as_a_template_or_as_markup(council):
    p = council
    case = investigate(p)
    place = "{{ council }} {% if true %}<font size=40>big</font>{% endif %} &amp;"
    text = whole(
        letters.produce_letter(case, p["owner"], "investigation_meeting", p["subject"].email, meeting(place)).pdf
    )
    assert place in text


def test_templates_get_only_plain_values(tmp_path: Path):
    data = builder.LetterData(
        kind="probe",
        title="Probe",
        council="Council",
        reference="SMC-2026-00001",
        letter_date=NEXT_WEEK,
        recipient_name="A\n\nB",
        recipient_lines=(),
        sender_name="S",
        sender_title="T",
        sender_unit="U",
        sender_email="s@example.invalid",
        fields={"items": ["one", "two"], "flag": True, "reason": "line one\n\n- not a list"},
    )
    (tmp_path / "probe.txt").write_text(
        "Hello {{ recipient_name }}.\nStill the first paragraph: {{ reason }}\n\n## A heading\n\n"
        "{% for item in items %}\n- {{ item }}\n{% endfor %}\n\n{% if flag %}Flag set.{% endif %}\n"
    )
    blocks = builder.render_blocks(data, tmp_path)
    assert blocks == [
        builder.Block("paragraph", "Hello A B. Still the first paragraph: line one - not a list"),
        builder.Block("heading", "A heading"),
        builder.Block("item", "one"),
        builder.Block("item", "two"),
        builder.Block("paragraph", "Flag set."),
    ]
    with pytest.raises(TypeError):
        builder.template_fields(builder.LetterData(**{**data.__dict__, "fields": {"case": object()}}))
    (tmp_path / "escape.txt").write_text("{{ reason.__class__.__mro__[1].__subclasses__() }}")
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        builder.render_blocks(builder.LetterData(**{**data.__dict__, "kind": "escape"}), tmp_path)


def test_every_letter_template_renders_for_every_kind(council):
    p = council
    case = investigate(p)
    act(case, p["owner"], "lift_suspension", subject=p["subject"].email, reason="Reviewed")
    decide(
        case,
        p["hr"],
        finding="partly_substantiated",
        sanction="first_written_warning",
        summary="Partly",
    )
    for kind in rules.LETTERS:
        if kind in ("investigation_meeting", "hearing_postponed", "appeal_hearing", "appeal_outcome"):
            continue  # not once the outcome is recorded; the process letters are read in test_process_letters
        produced = letters.produce_letter(case, p["hr"], kind, p["subject"].email, meeting())
        assert produced.spec.title in whole(produced.pdf)
    assert verify_all().intact


# --- issue 9 item 13: drafted, edited, issued; hearing dates; dismissal ----------------------


def test_a_letter_is_drafted_edited_then_issued_with_the_text_as_issued(council, db_session):
    p = council
    case = investigate(p)
    decide(
        case,
        p["hr"],
        finding="substantiated",
        sanction="training",
        rights_decision="restored",
        summary="Sam Jones published the address; internal view: careless",
    )
    draft = letters.draft_letter(case, p["hr"], "outcome", p["subject"].email)
    assert draft.status == "draft" and draft.sha256 is None
    assert "internal view" not in draft.body and "[Set out" in draft.body
    assert case.events[-1].action == "letter_drafted"

    edited = draft.body.replace(
        "[Set out, in words addressed to the recipient, the reasons for the decision. The case's internal summary "
        "is not copied here.]",
        "You shared a resident's address on a public page.",
    )
    assert edited != draft.body
    letters.edit_letter(draft, p["hr"], edited, seen_digest=letters.body_digest(draft.body))
    produced = letters.issue_letter(draft, p["hr"])
    text = whole(produced.pdf)
    assert "You shared a resident's address on a public page." in text
    assert "internal view" not in text and "[Set out" not in text
    assert draft.status == "issued" and draft.issued_by_id == p["hr"].id and draft.issued_at is not None
    assert draft.sha256 == hashlib.sha256(edited.strip().encode()).hexdigest() == produced.sha256
    issued = case.events[-1]
    assert issued.action == "letter_issued" and issued.data["sha256"] == draft.sha256

    # Issued text is fixed; a second issue is refused
    with pytest.raises(Conflict):
        letters.edit_letter(draft, p["hr"], "Something else")
    with pytest.raises(Conflict):
        letters.issue_letter(draft, p["hr"])
    # Downloaded again later, it reads as issued
    again = letters.issued_pdf(draft, p["owner"])
    assert "You shared a resident's address on a public page." in whole(again.pdf)
    assert verify_all().intact


def test_an_edit_over_someone_elses_is_refused_and_changes_nothing(council):
    p = council
    case = investigate(p)
    draft = letters.draft_letter(case, p["owner"], "suspension", p["subject"].email)
    opened = letters.body_digest(draft.body)
    letters.edit_letter(draft, p["hr"], draft.body + "\n\nA line from HR.", seen_digest=opened)
    with pytest.raises(Conflict, match="changed since you opened it"):
        letters.edit_letter(draft, p["owner"], "The owner's version", seen_digest=opened)
    assert draft.body.endswith("A line from HR.")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter the text of the letter"),
        ("   \n ", "Enter the text of the letter"),
        ("x" * 20_001, "The letter must be 20,000 characters or fewer"),
        ("Bell \x07", "The letter must not contain control characters"),
    ],
)
def test_bad_letter_text_is_refused(council, body, message):
    p = council
    case = investigate(p)
    draft = letters.draft_letter(case, p["owner"], "suspension", p["subject"].email)
    before = draft.body
    with pytest.raises(InvalidInput) as refused:
        letters.issue_letter(draft, p["owner"], body)
    assert refused.value.fields == {"body": message}
    assert draft.body == before and draft.status == "draft"


def test_a_hearing_needs_a_working_day_with_five_working_days_notice(council, app):
    p = council
    case = investigate(p, suspend=False)
    today = london_today()
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=range(today.year, today.year + 2))
    saturday = today + timedelta(days=(5 - today.weekday()) % 7 + 7)
    bank_holiday = min(day for day in calendar if day > today + timedelta(days=10) and day.weekday() < 5)
    too_soon = add_working_days(today, 4, calendar)
    earliest = add_working_days(today, 5, calendar)
    for day, message in (
        (saturday, "The hearing cannot be on a Saturday: choose a working day"),
        (bank_holiday, "The hearing cannot be on a bank holiday: choose a working day"),
        (
            too_soon,
            f"Give at least 5 working days' notice of the hearing: the earliest date is "
            f"{earliest:%A} {earliest.day} {earliest:%B %Y}",
        ),
    ):
        with pytest.raises(InvalidInput) as refused:
            letters.draft_letter(
                case, p["hr"], "disciplinary_hearing", p["subject"].email, letters.Meeting(day, "10:00", "Town Hall")
            )
        assert refused.value.fields == {"meeting_date": message}
    assert (
        letters.draft_letter(
            case, p["hr"], "disciplinary_hearing", p["subject"].email, letters.Meeting(earliest, "10:00", "Town Hall")
        ).status
        == "draft"
    )
    # An investigation meeting is not a hearing: it may be sooner
    assert letters.draft_letter(
        case, p["hr"], "investigation_meeting", p["subject"].email, letters.Meeting(too_soon, "10:00", "Town Hall")
    )


@pytest.mark.parametrize(
    ("sanction", "wording"),
    [
        ("dismissal_with_notice", "The council has decided to dismiss you with notice."),
        ("summary_dismissal", "The council has decided to dismiss you summarily for gross misconduct, without notice"),
    ],
)
def test_dismissal_with_notice_and_summary_dismissal_read_differently(council, sanction, wording):
    p = council
    case = investigate(p)
    decide(
        case,
        p["hr"],
        finding="substantiated",
        sanction=sanction,
        rights_decision="revoked",
        summary="Gross misconduct",
    )
    text = whole(letters.produce_letter(case, p["hr"], "outcome", p["subject"].email).pdf)
    assert wording in text
