"""Forms for letters and subject access exports (govuk-frontend-wtf widgets).

The checks are the domain's (casework.domain.letters); these forms parse the
input and show the domain's messages next to the right field.
"""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice

from .base_form import CaseworkForm
from .forms import GovDateField


class LetterForm(CaseworkForm):
    """Produce a letter; invitations also say when and where the meeting is (ACAS Code)."""

    meeting_date = GovDateField(
        "Date of the meeting",
        invalid_message="The date of the meeting must be a real date",
        description="For example, 27 3 2026",
    )
    meeting_time = StringField("Time", widget=GovTextInput(), description="For example, 10:30am or 14:00")
    meeting_place = StringField(
        "Place", widget=GovTextInput(), description="For example, Room 2.14, Town Hall, or a video call link"
    )
    submit = SubmitField("Draft the letter", widget=GovSubmitInput())

    def without_date(self) -> None:
        """The hearing's date and time are those arranged: only the place is asked for."""
        del self.meeting_date
        del self.meeting_time

    def without_meeting(self) -> None:
        del self.meeting_date
        del self.meeting_time
        del self.meeting_place


class DraftLetterForm(CaseworkForm):
    """Edit a drafted letter, then save it or issue it."""

    body = TextAreaField(
        "The letter",
        widget=GovTextArea(),
        description='Paragraphs are separated by a blank line; a line starting "## " is a heading and lines '
        'starting "- " are a list. Replace anything in [square brackets].',
    )
    seen = HiddenField()
    save = SubmitField("Save the draft", widget=GovSubmitInput())
    issue = SubmitField("Issue the letter", widget=GovSubmitInput())


class SubjectAccessForm(CaseworkForm):
    person = SelectField(
        "Whose data is it?",
        widget=GovSelect(),
        description="Everyone in the staff directory, including people who have left",
        validate_choice=False,  # checked against the directory, with its own message
    )
    submit = SubmitField("Download the export (ZIP)", widget=GovSubmitInput())

    def setup(self, people) -> None:
        def label(person) -> str:
            left = "" if person.active else ", left"
            return f"{person.name} ({person.email}{left})"

        self.person.choices = [
            SelectChoice("", "Choose a person"),
            *[SelectChoice(str(p.id), label(p)) for p in people],
        ]
