"""A report routed at intake to the Monitoring Officer, a school or the whistleblowing procedure: handed
off and closed, or returned to the disciplinary process (Acceptable Use of Social Media Policy 2 and 3)."""

from .params import ActionParams, Emails, Reason, Text, need


class HandoffParams(ActionParams):
    text: Text("Who the report was passed to, when and how") = need("Enter the text")
    handoff_reference: Text("Their reference, if they gave one", 100) = None


class CloseRoutedParams(ActionParams):
    reason: Reason("Optional note on closing, e.g. what the other procedure decided") = None


class RerouteParams(ActionParams):
    reason: Reason("Why the report is returned to the disciplinary process") = need("Enter the reason")
    subjects: Emails("E-mails of the council staff it is about, when the case names none") = None
