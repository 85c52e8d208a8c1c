"""Scope and routing at intake (Acceptable Use of Social Media Policy 2 and 3).

Some reports are not for HR's disciplinary process at all:

- a councillor is not an employee: the policy is only "recommended as a guide"
  for Members (2), and their conduct is a matter for the Monitoring Officer
  under the Code of Conduct for Members;
- someone who works in a school where the governing body is the employer is
  dealt with under the school's own procedures (2); where children may be at
  risk the Local Authority Designated Officer (LADO) is told as well;
- a whistleblowing concern is dealt with under the whistleblowing procedure:
  the policy "will not apply where there are other separate, specific Council
  procedures to address an issue" (3).

`decide_route` turns the answers to the report form's scope questions into a
route and the reason for it; `scope_errors` refuses answers that contradict one
another. Both are pure: the services record the route, the audit event and
the notifications.
"""

from dataclasses import dataclass
from enum import StrEnum

from .intake import has_bidi_controls, has_control_characters
from .policy import Kind

NAME_MAX = 200


class Scope(StrEnum):
    """Who the report is about, as far as the policy's scope goes."""

    COUNCIL_STAFF = "council_staff"
    COUNCILLOR = "councillor"
    SCHOOL_STAFF = "school_staff"


SCOPE_LABELS = {
    Scope.COUNCIL_STAFF: "A member of council staff",
    Scope.COUNCILLOR: "A councillor (an elected member of the council)",
    Scope.SCHOOL_STAFF: "Someone who works in a school",
}


class Route(StrEnum):
    """Where a report goes instead of HR's disciplinary process."""

    MONITORING_OFFICER = "monitoring_officer"
    SCHOOL = "school"
    WHISTLEBLOWING = "whistleblowing"


ROUTE_LABELS = {
    Route.MONITORING_OFFICER: "Monitoring Officer (a councillor)",
    Route.SCHOOL: "The school's own procedure",
    Route.WHISTLEBLOWING: "Whistleblowing procedure",
}

# Who deals with a routed report, in words for the person who reported it
ROUTE_HANDLERS = {
    Route.MONITORING_OFFICER: "the council's Monitoring Officer",
    Route.SCHOOL: "the school",
    Route.WHISTLEBLOWING: "the council's whistleblowing officer",
}

# What the API takes for "not routed": the disciplinary process under the social media policy
NOT_ROUTED = "disciplinary"
ROUTE_CODES = (NOT_ROUTED, *(str(route) for route in Route))


@dataclass
class ScopeAnswers:
    """The report form's scope questions, as answered."""

    scope: str = Scope.COUNCIL_STAFF
    whistleblowing: bool = False
    children_at_risk: bool | None = None  # asked about school staff only
    person_name: str = ""  # a councillor or school worker who is not in the staff directory
    school_name: str = ""
    route: str | None = None  # what the caller expects (API); must agree with the answers


@dataclass(frozen=True)
class RouteDecision:
    route: Route | None  # None: HR's disciplinary process under the social media policy
    reason: str
    refer_to_lado: bool = False


def decide_route(answers: ScopeAnswers) -> RouteDecision:
    """Where a report goes, and why, in a sentence that cites the policy (answers already checked)."""
    lado = answers.scope == Scope.SCHOOL_STAFF and answers.children_at_risk is True
    lado_sentence = (
        " Children may be at risk, so the Local Authority Designated Officer (LADO) is told as well." if lado else ""
    )
    if answers.whistleblowing:
        return RouteDecision(
            Route.WHISTLEBLOWING,
            "The person reporting it raised it as a whistleblowing concern. The social media policy does not "
            "apply where a separate council procedure deals with the issue, such as the whistleblowing policy "
            "(Acceptable Use of Social Media Policy 3)." + lado_sentence,
            lado,
        )
    if answers.scope == Scope.COUNCILLOR:
        return RouteDecision(
            Route.MONITORING_OFFICER,
            "The report is about a councillor. Councillors are not employees: the policy is only a guide for "
            "them, and their conduct is a matter for the Monitoring Officer under the Code of Conduct for "
            "Members, not HR's disciplinary procedure (Acceptable Use of Social Media Policy 2).",
        )
    if answers.scope == Scope.SCHOOL_STAFF:
        school = answers.school_name.strip()
        return RouteDecision(
            Route.SCHOOL,
            f"The report is about someone who works at {school}. Where a school's governing body is the "
            "employer, the school deals with it under its own procedures (Acceptable Use of Social Media "
            "Policy 2)." + lado_sentence,
            lado,
        )
    return RouteDecision(None, "")


def _name_error(value: str, label: str) -> str | None:
    if len(value) > NAME_MAX:
        return f"{label} must be {NAME_MAX} characters or fewer"
    if has_control_characters(value) or any(ch in value for ch in "\r\n\t"):
        return f"{label} must not contain control characters"
    if has_bidi_controls(value):
        return f"{label} must not contain formatting characters such as right-to-left overrides"
    return None


def scope_errors(answers: ScopeAnswers, *, kind: str, subjects: list[str]) -> dict[str, str]:
    """What is wrong with the scope answers, by field; empty when they agree with each other.

    `subjects` are the people named from the staff directory.
    """
    errors: dict[str, str] = {}
    scope = answers.scope
    if scope not in set(Scope):
        return {"scope": "Choose who the report is about: council staff, a councillor or someone in a school"}
    person_name = answers.person_name.strip()
    school_name = answers.school_name.strip()
    if kind == Kind.ABUSE:
        # Online abuse of a member of staff is the council's to support, whoever is responsible
        if scope != Scope.COUNCIL_STAFF or answers.whistleblowing:
            errors["scope"] = (
                "A report of online abuse of a member of staff is dealt with by HR whoever is responsible: "
                "leave the questions about councillors, schools and whistleblowing unanswered"
            )
        if answers.children_at_risk is not None or person_name or school_name:
            errors.setdefault("scope", "Only a report of a breach asks who the person works for")
        if answers.route not in (None, NOT_ROUTED):
            errors["route"] = "A report of online abuse is not routed to another procedure"
        return errors

    for name, value, label in (
        ("person_name", person_name, "Their name"),
        ("school_name", school_name, "The school's name"),
    ):
        problem = _name_error(value, label)
        if problem:
            errors[name] = problem

    if scope == Scope.COUNCILLOR:
        if subjects:
            errors["subjects"] = (
                "A councillor is not in the staff directory: give the councillor's name instead, "
                "or answer that the report is about council staff"
            )
        if not person_name:
            errors.setdefault("person_name", "Enter the councillor's name")
        if school_name:
            errors.setdefault("school_name", "A school is named only for someone who works in a school")
    elif scope == Scope.SCHOOL_STAFF:
        if not school_name:
            errors.setdefault("school_name", "Enter the name of the school")
        if not person_name and not subjects:
            errors.setdefault("person_name", "Enter the name of the person who works in the school")
        if answers.children_at_risk is None:
            errors["children_at_risk"] = "Say whether children may be at risk"
    else:
        if person_name:
            errors.setdefault("person_name", "Choose council staff from the staff directory, not by name")
        if school_name:
            errors.setdefault("school_name", "A school is named only for someone who works in a school")
    if scope != Scope.SCHOOL_STAFF and answers.children_at_risk is not None:
        errors["children_at_risk"] = (
            "Whether children are at risk is asked about someone who works in a school; for council staff, "
            "tick 'A safeguarding concern' instead"
        )

    if answers.route is not None and not errors:
        decided = decide_route(answers).route
        expected = str(decided) if decided else NOT_ROUTED
        if answers.route not in ROUTE_CODES:
            errors["route"] = "Choose a route from the list"
        elif answers.route != expected:
            errors["route"] = (
                f"The answers send this report to {route_words(decided)}, not {route_words(answers.route)}"
            )
    return errors


def route_words(route) -> str:
    """ "the Monitoring Officer", for a message."""
    return {
        Route.MONITORING_OFFICER: "the Monitoring Officer",
        Route.SCHOOL: "the school's own procedure",
        Route.WHISTLEBLOWING: "the whistleblowing procedure",
    }.get(route, "HR's disciplinary process")


def reporter_explanation(route: str, school_name: str | None, lado: bool) -> str:
    """What the person who reported it is told: where it went and who will deal with it, in plain words."""
    if route == Route.MONITORING_OFFICER:
        text = (
            "Your report is about a councillor, so HR does not deal with it. We have passed it to the council's "
            "Monitoring Officer, who looks into complaints about councillors under the Code of Conduct for "
            "Members. They will contact you if they need to know more."
        )
    elif route == Route.SCHOOL:
        text = (
            f"Your report is about someone who works at {school_name or 'a school'}. The school deals with it "
            "under its own procedures, so we have passed it to the school. They will contact you if they need "
            "to know more."
        )
    else:
        text = (
            "You raised this as a whistleblowing concern, so it is dealt with under the council's whistleblowing "
            "procedure instead of the social media policy. We have passed it to the council's whistleblowing "
            "officer, who will contact you about it."
        )
    if lado:
        text += (
            " Because you told us children may be at risk, we have also told the Local Authority Designated "
            "Officer (LADO), who looks into concerns about adults who work with children."
        )
    return text
