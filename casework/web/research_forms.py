"""Forms for online research, RIPA authorisations, the monitoring question and web captures."""

import re
from datetime import datetime, time

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..domain.policy import PLATFORMS
from ..domain.research import MONITORING_ANSWERS
from . import LONDON
from .base_form import CaseworkForm
from .forms import GovDateField, choices

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class ResearchForm(CaseworkForm):
    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=choices(PLATFORMS, blank="Choose a platform"),
        validate_choice=False,
    )
    profile = StringField(
        "Whose profile did you look at?",
        widget=GovTextInput(),
        description="The person's name and the profile's handle or web address, for example @jo.bloggs",
    )
    purpose = TextAreaField("Why did you look at it?", widget=GovTextArea())
    looked_at = TextAreaField(
        "What did you look at?",
        widget=GovTextArea(),
        description="For example, the public posts of 3 to 5 March and the profile photo. Say if you copied anything.",
    )
    viewed_on = GovDateField(
        "When did you look?",
        invalid_message="The date you looked must be a real date",
        description="For example, 27 3 2026. Leave blank for now.",
    )
    viewed_time = StringField(
        "At what time? (optional)", widget=GovTextInput(), description="24-hour clock, for example 14:30"
    )
    submit = SubmitField("Log research", widget=GovSubmitInput())

    def viewed_at(self) -> tuple[datetime | None, str | None]:
        """The moment given (London time), or None for now; and a problem with the time box."""
        text = (self.viewed_time.data or "").strip()
        match = _TIME.match(text) if text else None
        if text and match is None:
            return None, "Enter the time as hours and minutes, for example 14:30"
        if self.viewed_on.data is None:
            if text:
                return None, "Enter the date you looked as well as the time"
            return None, None
        at = time(int(match.group(1)), int(match.group(2))) if match else time(12, 0)
        return datetime.combine(self.viewed_on.data, at, tzinfo=LONDON), None


class ApplicationForm(CaseworkForm):
    platform = SelectField(
        "Platform",
        widget=GovSelect(),
        choices=choices(PLATFORMS, blank="Choose a platform"),
        validate_choice=False,
    )
    profile = StringField(
        "Whose profile is the research about?",
        widget=GovTextInput(),
        description="The person's name and the profile's handle or web address",
    )
    application = TextAreaField(
        "What research do you want to carry out?",
        widget=GovTextArea(),
        description="What you will look at, how often, for how long, and what you will copy",
    )
    necessity = TextAreaField(
        "Why is it necessary?", widget=GovTextArea(), description="Why the case cannot be investigated without it"
    )
    proportionality = TextAreaField(
        "Why is it proportionate?",
        widget=GovTextArea(),
        description="How intrusion into the private lives of the person and of others will be kept to a minimum",
    )
    submit = SubmitField("Apply for authorisation", widget=GovSubmitInput())


class DecisionForm(CaseworkForm):
    decision = RadioField(
        "Do you authorise this research?",
        widget=GovRadioInput(),
        choices=[SelectChoice("authorised", "Yes, authorise it"), SelectChoice("refused", "No, refuse it")],
        validate_choice=False,
    )
    reason = TextAreaField(
        "Your reasons",
        widget=GovTextArea(),
        description="Why it is, or is not, necessary and proportionate",
    )
    starts_on = GovDateField(
        "Starts on (optional)",
        invalid_message="The start date must be a real date",
        description="Leave blank to start today. It lasts three months.",
    )
    decide = SubmitField("Record decision", widget=GovSubmitInput())


class ReviewForm(CaseworkForm):
    text = TextAreaField(
        "Review",
        widget=GovTextArea(),
        description="Is the research still necessary and proportionate? What has it found?",
    )
    record_review = SubmitField("Record review", widget=GovSubmitInput())


class CancellationForm(CaseworkForm):
    reason = TextAreaField(
        "Why is it being cancelled?",
        widget=GovTextArea(),
        description="For example, the evidence has been gathered, or it is no longer necessary",
    )
    cancel = SubmitField("Cancel authorisation", widget=GovSubmitInput())


class MonitoringForm(CaseworkForm):
    answer = RadioField(
        "Was the monitoring that found this authorised?",
        widget=GovRadioInput(),
        choices=choices(MONITORING_ANSWERS),
        validate_choice=False,
    )
    detail = TextAreaField(
        "Details",
        widget=GovTextArea(),
        description="The authorisation's reference, or why none was needed, or what is being done about it",
    )
    submit = SubmitField("Save answer", widget=GovSubmitInput())


class CaptureForm(CaseworkForm):
    url = StringField(
        "Web address of the page",
        widget=GovTextInput(),
        description="Casework loads the page itself and keeps a screenshot, a PDF, its HTML and a web archive (WARC)",
    )
    description = TextAreaField("Description (optional)", widget=GovTextArea())
    submit = SubmitField("Capture this web page", widget=GovSubmitInput())
