"""Forms for signing in with two-factor and for looking after your own account."""

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import IntegerField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from .base_form import CaseworkForm


class CodeForm(CaseworkForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = StringField(
        "Code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        validators=[InputRequired(message="Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EnrolForm(CaseworkForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="Enter the 6-digit code the app shows for Casework.",
        validators=[InputRequired(message="Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Turn on two-factor sign-in", widget=GovSubmitInput())


class NewRecoveryCodesForm(CaseworkForm):
    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        description="To show it is you, enter the 6-digit code your app shows now.",
        validators=[InputRequired(message="Enter the code from your authenticator app"), Length(max=40)],
    )
    submit = SubmitField("Get new recovery codes", widget=GovSubmitInput())


class ChangePasswordForm(CaseworkForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password"), Length(max=1000)],
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description="At least 12 characters. A few unrelated words make a good password. "
        "Common passwords are not accepted.",
        validators=[InputRequired(message="Enter a new password"), Length(max=1000)],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your new password again"), Length(max=1000)],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class DaysField(IntegerField):
    """A whole number of days, with a message in words when it is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata([v.strip() for v in valuelist])
        except ValueError:
            raise ValueError("Days until it expires must be a whole number, like 90") from None


class NewTokenForm(CaseworkForm):
    label = StringField(
        "Name",
        widget=GovTextInput(),
        description="What the token is for, such as the system that will use it.",
        validators=[
            InputRequired(message="Enter a name for the token"),
            Length(max=100, message="Name must be 100 characters or fewer"),
        ],
    )
    days = DaysField(
        "Days until it expires",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the number of days until the token expires")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class ConfirmForm(CaseworkForm):
    """A button that posts, with its CSRF token (sign out everywhere, revoke a token)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
