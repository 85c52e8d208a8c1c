"""One form per workflow action; each turns its fields into the action's params.

The rules (required fields, conflicts, stages) are the domain's; these forms
only collect input and show the domain's messages next to the right field.
"""

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

from ..domain.policy import AGENCIES, FINDINGS, NOTE_KINDS, PLATFORMS, REFERRAL_STATUSES, RIGHTS_DECISIONS, SANCTIONS
from .base_form import CaseworkForm
from .forms import choices


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
        return {name: getattr(self, name).data for name in self.field_names}


class ConfirmForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = _reason()
    field_names = ("reason",)


class OptionalReasonForm(ActionForm):
    reason = _reason("Reason or summary (optional)")
    field_names = ("reason",)


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


class RecordOutcomeForm(ActionForm):
    finding = RadioField("Finding", widget=GovRadioInput(), choices=choices(FINDINGS), validate_choice=False)
    sanction = RadioField("Sanction", widget=GovRadioInput(), choices=choices(SANCTIONS), validate_choice=False)
    rights_decision = RadioField(
        "Publishing rights",
        widget=GovRadioInput(),
        choices=choices(RIGHTS_DECISIONS),
        validate_choice=False,
        description="Needed when any publishing rights are suspended.",
    )
    content_removed = BooleanField(
        "The content has been removed (Social Networking Policy 11.1)", widget=GovCheckboxInput()
    )
    summary = TextAreaField("Summary of the decision", widget=GovTextArea())
    override_separation = BooleanField(
        "I investigated this case and I am deciding the outcome anyway", widget=GovCheckboxInput()
    )
    field_names = ("finding", "sanction", "rights_decision", "content_removed", "summary", "override_separation")

    def setup(self, case, context):
        # Social Networking Policy 11.4: a contractor is referred to the contractor, never sanctioned here
        contractor_case = any(s.staff_type == "contractor" for s in case.subjects)
        self.sanction.choices = (
            [SelectChoice("referred_to_contractor", SANCTIONS["referred_to_contractor"])]
            if contractor_case
            else [SelectChoice(code, label) for code, label in SANCTIONS.items() if code != "referred_to_contractor"]
        )
        if not context.get("actor_is_investigator"):
            del self.override_separation
            self.field_names = tuple(n for n in self.field_names if n != "override_separation")


class TextForm(ActionForm):
    text = TextAreaField("What was done?", widget=GovTextArea())
    field_names = ("text",)


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


FORMS = {
    "take_ownership": ConfirmForm,
    "close_no_further_action": ReasonForm,
    "suspend_rights": SuspendRightsForm,
    "lift_suspension": SubjectReasonForm,
    "review_suspension": SubjectReasonForm,
    "start_investigation": StartInvestigationForm,
    "add_note": AddNoteForm,
    "record_outcome": RecordOutcomeForm,
    "record_contractor_action": TextForm,
    "acknowledge_contractor_case": ConfirmForm,
    "record_ico_decision": IcoDecisionForm,
    "record_police_decision": PoliceDecisionForm,
    "refer": ReferForm,
    "update_referral": UpdateReferralForm,
    "resume": ConfirmForm,
    "record_support": TextForm,
    "close": OptionalReasonForm,
    "reopen": ReasonForm,
}
