"""The form of each workflow action, registered on the action's declaration with `form_for`; each turns
its fields into the values of the action's parameter model (a test checks every form against its model).

The rules (required fields, conflicts, stages) are the domain's; these forms
only collect input and show the domain's messages next to the right field.
"""

from flask import request
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from ..domain import actions, process
from ..domain.actions import Action
from ..domain.actions.hearing import WORKING_HOURS
from ..domain.policy import (
    AGENCIES,
    APPEAL_RESULTS,
    CASE_ROLES,
    CATEGORIES_BY_KIND,
    CONTENT_REMOVAL,
    FINDINGS,
    FLAGS,
    NOTE_KINDS,
    PLATFORMS,
    RECOMMENDATIONS,
    REFERRAL_STATUSES,
    RIGHTS_DECISIONS,
    SANCTIONS,
    SEVERITIES,
    category_label,
)
from .base_form import CaseworkForm
from .forms import GovDateField, choices


def request_method() -> str:
    return request.method


# The form of each action
FORMS: dict[Action, type] = {}


def form_for(*declared: Action):
    """Register the decorated form class as the form of each of these actions."""

    def register(form_class):
        for action in declared:
            if action in FORMS:
                raise ValueError(f"{action.name} already has a form: {FORMS[action].__name__}")
            FORMS[action] = form_class
        return form_class

    return register


def _reason(label="Reason", hint=None):
    return TextAreaField(label, widget=GovTextArea(), description=hint)


class ActionForm(CaseworkForm):
    """Base: the case version the form was opened on (optimistic locking)."""

    version = HiddenField()
    seen_event = HiddenField()  # the case's latest event when the form was opened: what changed since is shown
    submit = SubmitField("Confirm", widget=GovSubmitInput())
    field_names: tuple = ()

    def setup(self, case, context) -> None:
        """Fill choices that depend on the case."""

    def params(self) -> dict:
        """The values of the action's parameters, as the action's parameter model reads a form's."""
        return {name: getattr(self, name).data for name in self.field_names}

    @classmethod
    def for_case(cls, case):
        """The form class for this case (forms with a field per person or allegation build their own)."""
        return cls

    def field_for(self, name: str):
        """The field that shows the domain's message for the parameter `name`."""
        return getattr(self, name, None)

    def error_for(self, name: str, message: str):
        """The field that shows the domain's `message` for the parameter `name` (None: no field shows it), and
        the message as it reads there."""
        return self.field_for(name), message


@form_for(actions.TAKE_OWNERSHIP, actions.ACKNOWLEDGE_CONTRACTOR_CASE, actions.RESUME)
class ConfirmForm(ActionForm):
    pass


@form_for(actions.CLOSE_NO_FURTHER_ACTION, actions.REOPEN)
class ReasonForm(ActionForm):
    reason = _reason()
    field_names = ("reason",)


@form_for(actions.CLOSE, actions.CLOSE_ROUTED)
class OptionalReasonForm(ActionForm):
    reason = _reason("Reason or summary (optional)")
    field_names = ("reason",)


@form_for(actions.SUSPEND_RIGHTS)
class SuspendRightsForm(ActionForm):
    subject = SelectField("Whose publishing rights?", widget=GovSelect(), validate_choice=False)
    accounts = SelectMultipleField(
        "On which council accounts?",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        description="Leave all unticked to suspend the person's rights on every council account.",
    )
    reason = _reason("Why are the rights suspended?", "Social Networking Policy 11.2")
    field_names = ("subject", "accounts", "reason")

    def setup(self, case, context):
        self.subject.choices = [
            SelectChoice("", "Choose a person"),
            *[SelectChoice(s.email, s.name) for s in case.subjects],
        ]
        self.accounts.choices = [
            SelectChoice(str(a.id), f"{a.handle} ({PLATFORMS.get(a.platform, a.platform)})")
            for a in context["accounts"]
        ]

    def params(self):
        return {"subject": self.subject.data, "accounts": self.accounts.data or "all", "reason": self.reason.data}


@form_for(actions.LIFT_SUSPENSION, actions.REVIEW_SUSPENSION)
class SubjectReasonForm(ActionForm):
    subject = SelectField("Whose suspension?", widget=GovSelect(), validate_choice=False)
    reason = _reason()
    field_names = ("subject", "reason")

    def setup(self, case, context):
        suspended = {s.subject.email: s.subject.name for s in case.suspensions if s.lifted_at is None}
        self.subject.choices = [
            SelectChoice("", "Choose a person"),
            *[SelectChoice(email, name) for email, name in suspended.items()],
        ]


@form_for(actions.START_INVESTIGATION)
class StartInvestigationForm(ActionForm):
    investigator = SelectField(
        "Who will investigate?",
        widget=GovSelect(),
        validate_choice=False,
        description="Not a person the case is about, nor the person who reported it.",
    )
    no_suspension_reason = _reason(
        "Why are publishing rights not suspended?",
        "Needed when no rights are suspended while the case is investigated (Social Networking Policy 11.2).",
    )
    field_names = ("investigator", "no_suspension_reason")

    def setup(self, case, context):
        if any(s.lifted_at is None for s in case.suspensions):  # only asked when nothing is suspended
            del self.no_suspension_reason
            self.field_names = ("investigator",)
        excluded = {s.id for s in case.subjects} | {case.reporter_id}
        self.investigator.choices = [
            SelectChoice("", "Choose an investigator"),
            *[SelectChoice(p.email, f"{p.name} ({p.email})") for p in context["investigators"] if p.id not in excluded],
        ]


@form_for(actions.ADD_NOTE)
class AddNoteForm(ActionForm):
    kind = RadioField(
        "What are you recording?", widget=GovRadioInput(), choices=choices(NOTE_KINDS), validate_choice=False
    )
    interviewee_name = StringField(
        "For an interview: who was interviewed?", widget=GovTextInput(), description="Their full name"
    )
    interviewee_role = SelectField(
        "For an interview: in what role?",
        widget=GovSelect(),
        validate_choice=False,
        choices=[
            SelectChoice("", "Not an interview"),
            SelectChoice("complainant", "The complainant"),
            SelectChoice("subject", "The person the case is about"),
            SelectChoice("witness", "A witness"),
        ],
    )
    text = TextAreaField("Record", widget=GovTextArea())
    field_names = ("kind", "interviewee_name", "interviewee_role", "text")


@form_for(actions.RECORD_OUTCOME)
class RecordOutcomeForm(ActionForm):
    """A finding, a sanction and a rights decision for each person (fields `finding_0`, `sanction_0`, ...)."""

    summary = TextAreaField("Summary of the decision", widget=GovTextArea())
    content_removed = BooleanField(
        "The content has been removed (Social Networking Policy 11.1)", widget=GovCheckboxInput()
    )
    attended = TextAreaField("Who attended the hearing", widget=GovTextArea())
    companion = StringField(
        "Companion", widget=GovTextInput(), description="A trade union representative or a colleague, if any"
    )
    subject_statement = TextAreaField("What the person said at the hearing", widget=GovTextArea())
    override_separation = BooleanField(
        "I investigated this case and I am deciding the outcome anyway", widget=GovCheckboxInput()
    )
    per_subject = ("finding", "sanction", "rights_decision")

    @classmethod
    def for_case(cls, case):
        """A form class with one finding, sanction and rights decision per person the case is about."""
        fields = {}
        for i, subject in enumerate(case.subjects):
            fields[f"finding_{i}"] = RadioField(
                f"Finding for {subject.name}", widget=GovRadioInput(), choices=choices(FINDINGS), validate_choice=False
            )
            fields[f"sanction_{i}"] = RadioField(
                f"Sanction for {subject.name}", widget=GovRadioInput(), validate_choice=False
            )
            fields[f"rights_decision_{i}"] = RadioField(
                f"{subject.name}'s publishing rights",
                widget=GovRadioInput(),
                choices=choices(RIGHTS_DECISIONS),
                validate_choice=False,
                description="Needed when their publishing rights are suspended.",
            )
        return type("RecordOutcomeFormForCase", (cls,), fields)

    def setup(self, case, context):
        self.subjects = list(case.subjects)
        at_hearing = case.stage == "hearing"
        for i, subject in enumerate(self.subjects):
            allowed = process.allowed_sanctions(case, subject, at_hearing=at_hearing)
            getattr(self, f"sanction_{i}").choices = [SelectChoice(code, SANCTIONS[code]) for code in allowed]
        names = [f"{name}_{i}" for i in range(len(self.subjects)) for name in self.per_subject]
        names += ["summary", "content_removed"]
        if at_hearing:
            names += ["attended", "companion", "subject_statement"]
        else:
            for name in ("attended", "companion", "subject_statement"):
                delattr(self, name)
        if context.get("actor_is_investigator") and not at_hearing:
            names.append("override_separation")
        else:
            del self.override_separation
        self.field_names = tuple(names)
        self._fields.move_to_end("summary")
        self._fields.move_to_end("content_removed")
        for name in ("attended", "companion", "subject_statement", "override_separation"):
            if name in self._fields:
                self._fields.move_to_end(name)
        self._fields.move_to_end("submit")

    def params(self):
        outcomes = [
            {
                "subject": subject.email,
                **{name: getattr(self, f"{name}_{i}").data or None for name in self.per_subject},
            }
            for i, subject in enumerate(self.subjects)
        ]
        params = {"outcomes": outcomes, "summary": self.summary.data, "content_removed": self.content_removed.data}
        for name in ("attended", "companion", "subject_statement", "override_separation"):
            if name in self._fields:
                params[name] = getattr(self, name).data
        return params

    def field_for(self, name: str):
        """The field showing the domain's message for `name` (`outcomes.1.sanction`, or `sanction`)."""
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "outcomes":
            return getattr(self, f"{parts[2]}_{parts[1]}", None)
        if name in self.per_subject:
            return getattr(self, f"{name}_0", None)
        return getattr(self, name, None)


@form_for(actions.UPDATE_CASE)
class UpdateCaseForm(ActionForm):
    categories = SelectMultipleField("Categories", widget=GovCheckboxesInput(), validate_choice=False)
    severity = RadioField("Severity", widget=GovRadioInput(), choices=choices(SEVERITIES), validate_choice=False)
    flags = SelectMultipleField("Flags", widget=GovCheckboxesInput(), choices=choices(FLAGS), validate_choice=False)
    add_subjects = StringField(
        "Add people the case is about",
        widget=GovTextInput(),
        description="Their work e-mail addresses, separated by commas",
    )
    remove_subjects = SelectMultipleField(
        "Take people off the case", widget=GovCheckboxesInput(), validate_choice=False
    )
    aware_at = GovDateField("When the council became aware of it", invalid_message="Enter a real date")
    content_removal = RadioField(
        "The content (Social Networking Policy 11.1)",
        widget=GovRadioInput(),
        choices=choices(CONTENT_REMOVAL),
        validate_choice=False,
    )
    content_removal_reason = _reason("Reason for the decision on the content")
    reason = _reason("Why are the details corrected?", "Recorded in the audit trail with the old and new values.")
    field_names = ("reason",)

    def setup(self, case, context):
        self.case = case
        self.categories.choices = choices(CATEGORIES_BY_KIND.get(case.kind, {}))
        self.remove_subjects.choices = [SelectChoice(s.email, s.name) for s in case.subjects]
        if request_method() == "GET":
            self.categories.data = case.categories
            self.severity.data = case.severity
            self.flags.data = [flag for flag in FLAGS if getattr(case, flag)]
            self.content_removal.data = case.content_removal
            self.content_removal_reason.data = case.content_removal_reason

    def params(self):
        case = self.case
        params = {"reason": self.reason.data}
        if sorted(self.categories.data or []) != sorted(case.categories):
            params["categories"] = self.categories.data or []
        if self.severity.data and self.severity.data != case.severity:
            params["severity"] = self.severity.data
        ticked = set(self.flags.data or [])
        for flag in FLAGS:
            if (flag in ticked) != bool(getattr(case, flag)):
                params[flag] = flag in ticked
        added = [e.strip() for e in (self.add_subjects.data or "").split(",") if e.strip()]
        if added:
            params["add_subjects"] = added
        if self.remove_subjects.data:
            params["remove_subjects"] = self.remove_subjects.data
        if self.aware_at.data:
            params["aware_at"] = self.aware_at.data.isoformat()
        if self.content_removal.data and (
            self.content_removal.data != case.content_removal
            or (self.content_removal_reason.data or "").strip() != (case.content_removal_reason or "")
        ):
            params["content_removal"] = self.content_removal.data
            params["content_removal_reason"] = self.content_removal_reason.data
        return params


@form_for(actions.RECORD_INVESTIGATION_REPORT)
class InvestigationReportForm(ActionForm):
    """A finding per allegation (`finding_0`, ...), a summary and a recommendation."""

    summary = TextAreaField("Summary of the investigation", widget=GovTextArea())
    recommendation = RadioField(
        "Recommendation", widget=GovRadioInput(), choices=choices(RECOMMENDATIONS), validate_choice=False
    )

    @classmethod
    def for_case(cls, case):
        fields = {
            f"finding_{i}": RadioField(
                f"{a.subject.name}: {category_label(a.category)}",
                widget=GovRadioInput(),
                choices=choices(FINDINGS),
                validate_choice=False,
                description=a.text[:300] + ("…" if len(a.text) > 300 else ""),
            )
            for i, a in enumerate(case.allegations)
        }
        return type("InvestigationReportFormForCase", (cls,), fields)

    def setup(self, case, context):
        self.allegations = list(case.allegations)
        for name in ("summary", "recommendation", "submit"):
            self._fields.move_to_end(name)

    def params(self):
        return {
            "findings": [
                {"subject": a.subject.email, "category": a.category, "finding": getattr(self, f"finding_{i}").data}
                for i, a in enumerate(self.allegations)
            ],
            "summary": self.summary.data,
            "recommendation": self.recommendation.data,
        }

    def field_for(self, name: str):
        parts = name.split(".")
        if parts[0] == "findings" and len(parts) >= 2:
            return getattr(self, f"finding_{parts[1]}", None)
        return getattr(self, name, None)


def _officer_choices(people, case, blank):
    excluded = {s.id for s in case.subjects} | {case.reporter_id}
    return [
        SelectChoice("", blank),
        *[SelectChoice(p.email, f"{p.name} ({p.email})") for p in people if p.id not in excluded],
    ]


TIME_UNREADABLE = "Enter the time as hours and minutes, like 10:30"
TIME_NEEDED = "Enter the time, like 10:30"


def _clock(text) -> tuple[int, int] | None:
    """Hours and minutes from a typed time ("10:30", "14.00", "9", "2pm", "2:30 pm"), or None."""
    text = (text or "").strip().lower().replace(".", ":")
    half = text[-2:] if text.endswith(("am", "pm")) else None
    core = text[:-2].strip() if half else text
    hour, colon, minute = core.partition(":")
    if not hour.isdigit() or len(hour) > 2 or (colon and not (minute.isdigit() and len(minute) == 2)):
        return None
    hour, minute = int(hour), int(minute or 0)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    return (hour, minute) if hour < 24 and minute < 60 else None


class ClockField(StringField):
    """A time typed as hours and minutes; anything else is refused on this box, in plain words."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("widget", GovTextInput())
        kwargs.setdefault("description", "For example 10:30 or 14:00")
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if (self.data or "").strip() and _clock(self.data) is None:
            raise ValueError(TIME_UNREADABLE)


def _moment(day, time) -> str | None:
    """The ISO date and time from a date and a typed time ("10:30", "2pm"); the date alone without a time."""
    if day is None:
        return None
    clock = _clock(time)
    if clock is None:
        return day.isoformat()
    return f"{day.isoformat()}T{clock[0]:02d}:{clock[1]:02d}"


class HearingMomentMixin:
    """The hearing's date and time come as a date (three boxes) and a time (one box): the rules' message on
    `hearing_at` goes next to the box it is about."""

    def error_for(self, name, message):
        if name != "hearing_at":
            return super().error_for(name, message)
        if self.hearing_date.data is not None and not (self.hearing_time.data or "").strip():
            return self.hearing_time, TIME_NEEDED
        if message == WORKING_HOURS:
            return self.hearing_time, message
        return self.hearing_date, message


@form_for(actions.ARRANGE_HEARING)
class HearingForm(HearingMomentMixin, ActionForm):
    hearing_officer = SelectField(
        "Hearing officer",
        widget=GovSelect(),
        validate_choice=False,
        description="Not the investigator, a person the case is about, their line manager, the reporter or "
        "the complainant.",
    )
    hearing_date = GovDateField(
        "Date of the hearing",
        invalid_message="Enter a real date",
        description="A working day at least 5 working days from today.",
    )
    hearing_time = ClockField("Time")
    subjects = SelectMultipleField("Who is invited?", widget=GovCheckboxesInput(), validate_choice=False)
    override_reason = _reason(
        "Why another hearing officer is not practicable (only when the rules above cannot be met)"
    )
    field_names = ("hearing_officer", "subjects", "override_reason")

    def setup(self, case, context):
        self.hearing_officer.choices = _officer_choices(context["officers"], case, "Choose the hearing officer")
        self.subjects.choices = [SelectChoice(s.email, s.name) for s in case.subjects if s.staff_type != "contractor"]

    def params(self):
        params = super().params()
        params["hearing_at"] = _moment(self.hearing_date.data, self.hearing_time.data)
        return params


@form_for(actions.POSTPONE_HEARING)
class PostponeHearingForm(HearingMomentMixin, ActionForm):
    hearing_date = GovDateField(
        "New date",
        invalid_message="Enter a real date",
        description="At most 5 working days after the date first set.",
    )
    hearing_time = ClockField("Time")
    reason = _reason(
        "Why is it postponed?",
        "For example: the companion cannot attend (Employment Relations Act 1999 s10(4)).",
    )
    field_names = ("reason",)

    def params(self):
        return {"hearing_at": _moment(self.hearing_date.data, self.hearing_time.data), "reason": self.reason.data}


class SubjectChoiceMixin:
    def _subjects(self, case, blank="Choose a person"):
        return [SelectChoice("", blank), *[SelectChoice(s.email, s.name) for s in case.subjects]]


@form_for(actions.LODGE_APPEAL)
class LodgeAppealForm(SubjectChoiceMixin, ActionForm):
    subject = SelectField("Whose appeal?", widget=GovSelect(), validate_choice=False)
    grounds = TextAreaField("Grounds of appeal", widget=GovTextArea())
    appeal_officer = SelectField(
        "Appeal officer",
        widget=GovSelect(),
        validate_choice=False,
        description="Not the investigator or the hearing officer; more senior than the hearing officer where "
        "practicable.",
    )
    late_reason = _reason("If the appeal window has closed: why the appeal is accepted late")
    override_reason = _reason("Why another appeal officer is not practicable (only when the rules above cannot be met)")
    field_names = ("subject", "grounds", "appeal_officer", "late_reason", "override_reason")

    def setup(self, case, context):
        self.subject.choices = self._subjects(case)
        self.appeal_officer.choices = _officer_choices(context["officers"], case, "Choose the appeal officer")


@form_for(actions.DECIDE_APPEAL)
class DecideAppealForm(SubjectChoiceMixin, ActionForm):
    subject = SelectField("Whose appeal?", widget=GovSelect(), validate_choice=False)
    result = RadioField("Result", widget=GovRadioInput(), choices=choices(APPEAL_RESULTS), validate_choice=False)
    sanction = RadioField(
        "When varied: the new sanction",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(c, label) for c, label in SANCTIONS.items() if c != "referred_to_contractor"],
    )
    reason = _reason("Reasons for the decision")
    field_names = ("subject", "result", "sanction", "reason")

    def setup(self, case, context):
        mine = {a.subject_id for a in case.appeals if a.result is None and a.appeal_officer_id == context["actor_id"]}
        self.subject.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(s.email, s.name) for s in case.subjects if s.id in mine
        ]
        if self.result.data != "varied":
            # The sanction is asked only under "Varied": one ticked there and left behind when another result
            # was picked is not part of the answer, nor shown ticked again
            self.sanction.data = None

    def params(self):
        params = super().params()
        if params["result"] != "varied":
            params["sanction"] = None
        return params


@form_for(actions.WAIVE_APPEAL)
class WaiveAppealForm(SubjectChoiceMixin, ActionForm):
    subject = SelectField("Who will not appeal?", widget=GovSelect(), validate_choice=False)
    reason = _reason("What they said, and when", "They have said in writing that they will not appeal.")
    field_names = ("subject", "reason")

    def setup(self, case, context):
        self.subject.choices = self._subjects(case)


@form_for(actions.DECLARE_CONFLICT)
class DeclareConflictForm(ActionForm):
    conflict = RadioField(
        "Do you have a conflict of interest in this case?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
        description="For example a close relationship with a person involved. A yes stops you acting until HR "
        "reassigns the role.",
    )
    text = TextAreaField("Details", widget=GovTextArea())
    field_names = ("conflict", "text")


@form_for(actions.REASSIGN)
class ReassignForm(ActionForm):
    role = RadioField("Which role?", widget=GovRadioInput(), choices=choices(CASE_ROLES), validate_choice=False)
    person = SelectField("Who takes it?", widget=GovSelect(), validate_choice=False)
    reason = _reason("Why is it reassigned?")
    override_reason = _reason("Why separation of duties is set aside (only when the rules cannot be met)")
    field_names = ("role", "person", "reason", "override_reason")

    def setup(self, case, context):
        self.person.choices = _officer_choices(context["officers"], case, "Choose a person")


@form_for(actions.RECORD_HR_ADVICE)
class HrAdviceForm(ActionForm):
    text = TextAreaField(
        "Advice to the person deciding",
        widget=GovTextArea(),
        description="Acceptable Use of Social Media Policy 10: HR advises managers. Needed before a formal sanction.",
    )
    field_names = ("text",)


@form_for(actions.RECORD_CONTRACTOR_ACTION, actions.RECORD_SUPPORT)
class TextForm(ActionForm):
    text = TextAreaField("What was done?", widget=GovTextArea())
    field_names = ("text",)


@form_for(actions.RECORD_ICO_DECISION)
class IcoDecisionForm(ActionForm):
    report = RadioField(
        "Is the personal data breach reported to the ICO?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes, it is reported"), SelectChoice("no", "No, it does not need to be reported")],
        validate_choice=False,
        description="Within 72 hours of becoming aware of it. Record the decision either way.",
    )
    reason = _reason("Reason for the decision")
    ico_reference = StringField("The ICO's reference (when reported)", widget=GovTextInput())
    field_names = ("report", "reason", "ico_reference")


@form_for(actions.RECORD_POLICE_DECISION)
class PoliceDecisionForm(ActionForm):
    refer = RadioField(
        "Is the case referred to the police?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes, refer it to the police"), SelectChoice("no", "No, it is not referred")],
        validate_choice=False,
        description="A threat or a possible crime: decide within a working day and record the decision either way. "
        "To refer it, also use 'Refer to another agency'.",
    )
    reason = _reason("Reason for the decision")
    field_names = ("refer", "reason")


@form_for(actions.REFER)
class ReferForm(ActionForm):
    agency = RadioField("Refer to", widget=GovRadioInput(), choices=choices(AGENCIES), validate_choice=False)
    reason = _reason(
        "Why is it referred?",
        "For the police: a serious breach that may break the law (Social Networking Policy 11.5).",
    )
    agency_reference = StringField(
        "Their reference (optional)", widget=GovTextInput(), description="For example a crime reference number"
    )
    field_names = ("agency", "reason", "agency_reference")


@form_for(actions.UPDATE_REFERRAL)
class UpdateReferralForm(ActionForm):
    referral_id = RadioField("Which referral?", widget=GovRadioInput(), validate_choice=False)
    status = RadioField(
        "New status",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice(code, label) for code, label in REFERRAL_STATUSES.items() if code != "pending"],
    )
    result = TextAreaField("Result (needed when concluded)", widget=GovTextArea())
    agency_reference = StringField("Their reference (optional)", widget=GovTextInput())
    field_names = ("referral_id", "status", "result", "agency_reference")

    def setup(self, case, context):
        self.referral_id.choices = [
            SelectChoice(str(r.id), f"{AGENCIES[r.agency]} – {REFERRAL_STATUSES[r.status]}")
            for r in case.referrals
            if r.status in ("pending", "acknowledged")
        ]


@form_for(actions.RECORD_HANDOFF)
class HandoffForm(ActionForm):
    text = TextAreaField(
        "Who was the report passed to, when and how?",
        widget=GovTextArea(),
        description="For example: sent to the Monitoring Officer by secure e-mail on 3 March with the screenshots",
    )
    handoff_reference = StringField("Their reference (optional)", widget=GovTextInput())
    field_names = ("text", "handoff_reference")


@form_for(actions.REROUTE)
class RerouteForm(ActionForm):
    reason = _reason(
        "Why does the disciplinary process deal with it after all?",
        "For example: the person is a council employee, not a councillor",
    )
    subjects = StringField(
        "Who is the report about? (needed when the case names nobody from the staff directory)",
        widget=GovTextInput(),
        description="Their council e-mail address",
    )
    field_names = ("reason", "subjects")

    def params(self):
        subject = (self.subjects.data or "").strip()
        return {"reason": self.reason.data, "subjects": [subject] if subject else []}
