"""Support for a member of staff who was abused, closing a case and reopening it."""

from .params import ActionParams, Reason, Text, need


class ReasonParams(ActionParams):
    reason: Reason() = need("Enter the reason")


class ClosingParams(ActionParams):
    reason: Reason("Optional note on closing") = None


class SupportParams(ActionParams):
    text: Text("What was done to support the member of staff") = need("Enter the text")
