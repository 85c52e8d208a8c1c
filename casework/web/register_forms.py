"""Forms of the register of council accounts (Social Networking Policy 7, 8.1)."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..domain.accounts import DECISIONS, TRIAL_DECISIONS
from ..domain.policy import PLATFORMS
from .base_form import CaseworkForm
from .forms import GovDateField


def _text_area(label: str, hint: str = "") -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), description=hint)


class AccountForm(CaseworkForm):
    """7.2: a proposal, with the project brief."""

    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a platform")] + [SelectChoice(c, label) for c, label in PLATFORMS.items()],
        validate_choice=False,
    )
    handle = StringField(
        "Name or handle of the account",
        widget=GovTextInput(),
        description="For example, @DemoBoroughParks",
    )
    url = StringField(
        "Web address (optional)",
        widget=GovTextInput(),
        description="For example, https://www.facebook.com/…",
    )
    department_id = SelectField("Department that runs it", widget=GovSelect(), validate_choice=False)
    purpose = _text_area("What is it for?", "How it will benefit the service and its residents")
    audience = _text_area("Who is it for?", "For example, tenants of council homes, or parents of young children")
    run_by = _text_area("Who will run it?", "The people or team who will post on it")
    moderation = _text_area("How will it be moderated?", "Who checks comments and messages, and how often")
    resourcing = _text_area("How will it be resourced?", "The time and money it will take each week")
    submit = SubmitField("Propose the account", widget=GovSubmitInput())

    def setup(self, departments):
        self.department_id.choices = [SelectChoice("", "Choose a department")] + [
            SelectChoice(str(d.id), d.name) for d in departments
        ]


class StatusForm(CaseworkForm):
    from_status = HiddenField()
    status = RadioField(
        "What should happen to the account?",
        widget=GovRadioInput(),
        validate_choice=False,
        description="Removing an account revokes everyone's right to publish on it.",
    )
    submit = SubmitField("Change status", widget=GovSubmitInput())


class DecisionForm(CaseworkForm):
    """7.3: the Communications team approves or refuses a proposal, with reasons."""

    from_status = HiddenField()
    decision = RadioField(
        "Do you approve the account?",
        widget=GovRadioInput(),
        choices=[SelectChoice(code, label) for code, label in DECISIONS.items()],
        validate_choice=False,
        description="Approving it starts its three-month trial today (Social Networking Policy 7.4).",
    )
    reason = _text_area("Reasons for the decision", "The person who proposed it is told")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class TrialReviewForm(CaseworkForm):
    """7.4: at the end of the trial, keep the account or close it."""

    from_status = HiddenField()
    decision = RadioField(
        "What did the trial show?",
        widget=GovRadioInput(),
        choices=[SelectChoice(code, label) for code, label in TRIAL_DECISIONS.items()],
        validate_choice=False,
    )
    note = _text_area("What the review found", "How it was used and whether it benefits residents")
    submit = SubmitField("Record the review", widget=GovSubmitInput())


class CloseForm(CaseworkForm):
    """7.5: close (remove) an account."""

    from_status = HiddenField()
    reason = _text_area(
        "Why is it being closed?", "For example, it has not been used for months, or it was set up without approval"
    )
    submit = SubmitField("Close the account", widget=GovSubmitInput())


class UseForm(CaseworkForm):
    """7.5: when the account was last used."""

    used_on = GovDateField(
        "When was it last used?",
        invalid_message="Date last used must be a real date",
        description="The day of its latest post or reply. For example, 27 3 2026",
    )
    submit = SubmitField("Record the date", widget=GovSubmitInput())


class GrantForm(CaseworkForm):
    person = SelectField("Who may publish on this account?", widget=GovSelect(), validate_choice=False)
    trained_on = GovDateField(
        "When were they trained by the Communications team?",
        invalid_message="Date of training must be a real date",
        description=(
            "Social Networking Policy 8.1: no one publishes for the council before training. For example, 27 3 2026"
        ),
    )
    submit = SubmitField("Give the right to publish", widget=GovSubmitInput())

    def setup(self, people):
        self.person.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(p.email, f"{p.name} ({p.email})") for p in people
        ]


class TrainingForm(CaseworkForm):
    """8.1: a person's training (or refresher) by the Communications team."""

    person = SelectField("Who was trained?", widget=GovSelect(), validate_choice=False)
    trained_on = GovDateField(
        "When were they trained?",
        invalid_message="Date of training must be a real date",
        description="For example, 27 3 2026",
    )
    note = _text_area("Note (optional)", "For example, refresher session on moderating comments")
    submit = SubmitField("Record the training", widget=GovSubmitInput())

    def setup(self, people):
        self.person.choices = [SelectChoice("", "Choose a person")] + [
            SelectChoice(p.email, f"{p.name} ({p.email})") for p in people
        ]


class RevokeForm(CaseworkForm):
    submit = SubmitField("Revoke the right to publish", widget=GovSubmitInput())


class LinkAccountForm(CaseworkForm):
    """8.6: the council account a case is about."""

    account = SelectField("Which council account is the case about?", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Link the account", widget=GovSubmitInput())

    def setup(self, accounts):
        self.account.choices = [SelectChoice("", "Choose an account")] + [
            SelectChoice(str(a.id), f"{a.handle} ({PLATFORMS.get(a.platform, a.platform)})") for a in accounts
        ]


class CloseForCaseForm(CaseworkForm):
    """8.6: close the account because of the case's outcome."""

    close_account = SelectField("Which account should be closed?", widget=GovSelect(), validate_choice=False)
    reason = _text_area("Why is it being closed?", "Social Networking Policy 8.6: what the outcome found")
    close_submit = SubmitField("Close the account because of this case", widget=GovSubmitInput())

    def setup(self, accounts):
        self.close_account.choices = [SelectChoice("", "Choose an account")] + [
            SelectChoice(str(a.id), f"{a.handle} ({PLATFORMS.get(a.platform, a.platform)})") for a in accounts
        ]
