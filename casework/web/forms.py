"""Flask-WTF forms rendered with govuk-frontend-wtf widgets.

Field checks live in casework.domain (one set for pages and API); the forms
parse input, carry the CSRF token and show the domain's messages.
"""

from flask_wtf.file import FileField, MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovFileInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..domain.policy import (
    ABUSE_CATEGORIES,
    BREACH_CATEGORIES,
    FLAGS,
    PLATFORMS,
    SEVERITIES,
    SOURCE_LABELS,
    Source,
)
from ..domain.routing import SCOPE_LABELS, Scope
from ..services.case_search import SEARCH_MAX
from .base_form import CaseworkForm

EVIDENCE_HINT = (
    "Photos and screenshots (PNG, JPEG, GIF, WebP, HEIC), PDF, Word (.docx), text, emails (.eml, Outlook .msg) "
    "or MP4 video, up to 25 MB each. Files are kept unchanged."
)


def choices(mapping: dict, *, blank: str | None = None) -> list[SelectChoice]:
    items = [SelectChoice("", blank)] if blank is not None else []
    return items + [SelectChoice(code, label) for code, label in mapping.items()]


class SignInForm(CaseworkForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your password"), Length(max=1000)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class GovDateField(DateField):
    """Day, month and year boxes (three inputs of one name). A date that does not
    exist gets `invalid_message`; missing or extra boxes never break the page."""

    def __init__(self, label=None, validators=None, *, invalid_message: str, **kwargs):
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        # Exactly day, month and year, whatever was posted (the widget shows three boxes)
        self.raw_data = [str(v)[:10] for v in (list(valuelist) + ["", "", ""])[:3]]
        valuelist = self.raw_data
        if not any(v.strip() for v in valuelist):
            self.data = None
            return
        try:
            super().process_formdata([" ".join(v.strip() for v in valuelist)])
        except ValueError:
            self.data = None
            raise ValueError(self.invalid_message) from None


class ReportForm(CaseworkForm):
    """Report a breach (policy) or online abuse. `kind` is fixed by the page."""

    source = SelectField(
        "Where did this report come from?",
        widget=GovSelect(),
        choices=choices(SOURCE_LABELS),
        default=Source.EMPLOYEE_REPORT,
        validate_choice=False,  # checked by casework.domain.intake, with its own message
    )
    complainant_name = StringField(
        "Complainant's name",
        widget=GovTextInput(),
        description="For a complaint from outside the council",
    )
    complainant_contact = StringField(
        "Complainant's contact details",
        widget=GovTextInput(),
        description="Email address, phone number or postal address",
    )
    # Acceptable Use of Social Media Policy 2 and 3: the questions that decide whether HR deals with it at all
    scope = RadioField(
        "Who is it about?",
        widget=GovRadioInput(),
        choices=choices(SCOPE_LABELS),
        default=Scope.COUNCIL_STAFF,
        validate_choice=False,  # checked by casework.domain.routing, with its own message
        description="Council staff includes apprentices, agency and casual workers, volunteers and contractors.",
    )
    person_name = StringField(
        "Their name",
        widget=GovTextInput(),
        description="And their job, if you know it",
        validators=[Length(max=1000)],
    )
    school_name = StringField(
        "Which school? (someone who works in a school)", widget=GovTextInput(), validators=[Length(max=1000)]
    )
    children_at_risk = RadioField(
        "Could children be at risk? (someone who works in a school)",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
        description="For example, contact with pupils on social media, or posting pictures of children",
    )
    whistleblowing = RadioField(
        "Are you raising this as a whistleblowing concern?",
        widget=GovRadioInput(),
        choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")],
        default="no",
        validate_choice=False,
        description=(
            "A whistleblowing concern is about wrongdoing at the council that affects the public, such as fraud, "
            "danger to people or covering up a problem. It goes to the council's whistleblowing officer, not HR "
            "(Acceptable Use of Social Media Policy 3)."
        ),
    )
    # E-mail addresses; in the browser each box looks people up as you type (accessible-autocomplete,
    # assets/subject-picker.js, backed by /people/search), so the page never lists every member of staff
    subject_1 = StringField(
        "Who is the report about?",
        widget=GovTextInput(),
        description="Start typing their name or council e-mail address. For a councillor or someone who works "
        "in a school, give their name above instead.",
        validators=[Length(max=254)],
    )
    subject_2 = StringField("Second person (optional)", widget=GovTextInput(), validators=[Length(max=254)])
    subject_3 = StringField("Third person (optional)", widget=GovTextInput(), validators=[Length(max=254)])
    categories = SelectMultipleField("What kind of breach is it?", widget=GovCheckboxesInput())
    platform = SelectField(
        "Where was it posted?",
        widget=GovSelect(),
        choices=choices(PLATFORMS, blank="Choose a platform"),
        validate_choice=False,  # checked by casework.domain.intake, with its own message
    )
    content_url = StringField(
        "Web address of the post (optional)",
        widget=GovTextInput(),
        description="For example, https://www.facebook.com/…",
    )
    incident_date = GovDateField(
        "When did it happen?",
        invalid_message="Date of the incident must be a real date",
        description="For example, 27 3 2026",
    )
    description = TextAreaField(
        "What happened?",
        widget=GovTextArea(),
        description=(
            "Describe what was posted or sent, and by whom. Do not include more personal information than is needed."
        ),
    )
    severity = RadioField(
        "How serious is it? (optional)",
        widget=GovRadioInput(),
        choices=choices(SEVERITIES),
        validate_choice=False,
    )
    flags = SelectMultipleField(
        "Does any of this apply? (optional)",
        widget=GovCheckboxesInput(),
        choices=choices(FLAGS),
        validate_choice=False,
    )
    evidence = MultipleFileField(
        "Screenshots or other files (optional)",
        widget=GovFileInput(multiple=True),
        description="You can choose several. Only you and the people handling your report can see them. "
        + EVIDENCE_HINT,
    )
    # One per opening of the form: a second press of "Send report" finds the case the first made
    submission_token = HiddenField()
    submit = SubmitField("Send report", widget=GovSubmitInput())

    def setup(self, *, kind: str):
        """Fill the choices that depend on the kind of report."""
        self.categories.validate_choice = False
        if kind == "abuse":
            self.categories.choices = choices(ABUSE_CATEGORIES)
            self.categories.label.text = "What kind of abuse is it?"
            self.subject_1.label.text = "Is a member of staff responsible? (optional)"
            self.subject_1.description = "If so, start typing their name or council e-mail address"
            self.description.label.text = "What happened to you?"
        else:
            self.categories.choices = choices(BREACH_CATEGORIES)

    @property
    def subjects(self) -> list[str]:
        return [f.data.strip() for f in (self.subject_1, self.subject_2, self.subject_3) if (f.data or "").strip()]


class AddInformationForm(CaseworkForm):
    version = HiddenField()
    seen_event = HiddenField()
    text = TextAreaField(
        "Add information",
        widget=GovTextArea(),
        description="Anything you have found out since you reported it",
        validators=[Length(max=20000, message="Information must be 20,000 characters or fewer")],
    )
    evidence = MultipleFileField(
        "Add screenshots or other files (optional)",
        widget=GovFileInput(multiple=True),
        description="Only you and the people handling your report can see them. " + EVIDENCE_HINT,
    )
    submit = SubmitField("Add information", widget=GovSubmitInput())


class EvidenceForm(CaseworkForm):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        description=EVIDENCE_HINT,
    )
    url = StringField(
        "Or record a web address",
        widget=GovTextInput(),
        description="A link to the post or page, captured now",
    )
    description = TextAreaField("Description (optional)", widget=GovTextArea())
    submit = SubmitField("Add evidence", widget=GovSubmitInput())


class ConfirmReadForm(CaseworkForm):
    submit = SubmitField("Mark all as read", widget=GovSubmitInput())


class SummaryPeriodForm(CaseworkForm):
    """The HR summary's period: day, month and year boxes for each end (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    start = GovDateField(
        "From",
        invalid_message="The start date must be a real date, for example 1 4 2025",
        description="For example, 1 4 2025",
    )
    end = GovDateField(
        "To",
        invalid_message="The end date must be a real date, for example 31 3 2026",
        description="For example, 31 3 2026",
    )
    submit = SubmitField("Show summary", widget=GovSubmitInput())


class CaseSearchForm(CaseworkForm):
    """The case list's search box (a GET form: it changes nothing). The other filters are plain choices
    read from the address; text that is not one of them is ignored."""

    class Meta:
        csrf = False

    q = StringField(
        "Search cases",
        validators=[Length(max=SEARCH_MAX, message=f"Search must be {SEARCH_MAX} characters or fewer")],
        description="A case reference, a person's name or words from the description",
        widget=GovTextInput(),
    )
