"""Online research and RIPA authorisations (Acceptable Use of Social Media Policy 8), as pure rules.

"Repeated entry to social media sites and copying material for the purpose of
an investigation is likely to engage the need for an authorisation process to
be followed." Casework counts the views of each profile: at the repeat-view
limit (RIPA_REPEAT_VIEWS in RIPA_REPEAT_WINDOW_DAYS, 3 in 28 days by default)
it warns, and past it more research is logged only under an authorisation in
force on the day of the view.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .accounts import add_months
from .intake import has_control_characters
from .policy import PLATFORMS

PROFILE_MAX = 500
TEXT_MAX = 5_000


class AuthorisationStatus(StrEnum):
    """What is stored. `expired` is worked out from the dates (see `state`)."""

    APPLIED = "applied"
    AUTHORISED = "authorised"
    REFUSED = "refused"
    CANCELLED = "cancelled"


AUTHORISATION_STATES = {
    "applied": "Waiting for a decision",
    "authorised": "In force",
    "refused": "Refused",
    "cancelled": "Cancelled",
    "expired": "Expired",
    "not_started": "Authorised, not yet in force",
}


class MonitoringAnswer(StrEnum):
    AUTHORISED = "authorised"
    NOT_REQUIRED = "not_required"
    NOT_AUTHORISED = "not_authorised"


MONITORING_ANSWERS = {
    MonitoringAnswer.AUTHORISED: "Yes: the monitoring was authorised",
    MonitoringAnswer.NOT_REQUIRED: "No authorisation was needed (a single look at open material)",
    MonitoringAnswer.NOT_AUTHORISED: "No: it needed an authorisation and had none",
}

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")


def profile_key(profile: str) -> str:
    """One spelling for one profile, so that "@Jo.Bloggs", "facebook.com/jo.bloggs/" and
    "https://www.facebook.com/Jo.Bloggs" count as views of the same profile."""
    key = " ".join((profile or "").split()).lower()
    key = _SCHEME.sub("", key)
    key = key.removeprefix("www.").removeprefix("m.")
    key = key.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    if "/" in key:  # an address: the path names the profile on that site
        key = key.split("/", 1)[1].strip("/")
    return key.removeprefix("@")


@dataclass(frozen=True)
class ResearchInput:
    platform: str
    profile: str
    purpose: str
    looked_at: str
    viewed_at: datetime | None  # None: now


def _text_problem(value: str, missing: str, maximum: int = TEXT_MAX) -> str | None:
    value = (value or "").strip()
    if not value:
        return missing
    if len(value) > maximum:
        return f"Use {maximum:,} characters or fewer"
    if has_control_characters(value):
        return "Remove the control characters"
    return None


def research_problems(given: ResearchInput, now: datetime) -> dict[str, str]:
    """What is wrong with a research entry, by field; empty when it can be logged."""
    problems = {}
    if given.platform not in PLATFORMS:
        problems["platform"] = "Select the platform"
    profile_problem = _text_problem(given.profile, "Enter whose profile you looked at", PROFILE_MAX)
    if profile_problem is None and not profile_key(given.profile):
        profile_problem = "Enter whose profile you looked at"
    if profile_problem:
        problems["profile"] = profile_problem
    for name, missing in (
        ("purpose", "Enter why you looked at it"),
        ("looked_at", "Enter what you looked at"),
    ):
        problem = _text_problem(getattr(given, name), missing)
        if problem:
            problems[name] = problem
    if given.viewed_at is not None and given.viewed_at > now + timedelta(minutes=5):
        problems["viewed_at"] = "The time you looked must be in the past"
    return problems


def busiest_window(times: list[datetime], moment: datetime, window: timedelta) -> int:
    """The most views in any `window`-long span that includes `moment` (the new view, counted too).

    `times` are the other views of the same profile; only those within
    `window` of `moment` can share a span with it.
    """
    near = sorted([t for t in times if abs(t - moment) < window] + [moment])
    best = 0
    for start in near:
        if start > moment or moment - start >= window:
            continue
        best = max(best, sum(1 for t in near if start <= t < start + window))
    return best


class ResearchDecision(StrEnum):
    LOG = "log"
    WARN = "warn"  # logged, and the researcher is told the next view needs an authorisation
    NEEDS_AUTHORISATION = "needs_authorisation"


def repeat_decision(views: int, limit: int, authorised: bool) -> ResearchDecision:
    """Acceptable Use of Social Media Policy 8: repeated viewing may be directed surveillance.

    `views` counts this view too. Below the limit the view is logged; at the
    limit it is logged with a warning; past it only under an authorisation.
    """
    if views > limit and not authorised:
        return ResearchDecision.NEEDS_AUTHORISATION
    if views >= limit and not authorised:
        return ResearchDecision.WARN
    return ResearchDecision.LOG


def state(authorisation, today: date) -> str:
    """applied, refused, cancelled, expired, not_started or authorised (in force) on `today`."""
    if authorisation.status != AuthorisationStatus.AUTHORISED:
        return authorisation.status
    if authorisation.expires_on is not None and today > authorisation.expires_on:
        return "expired"
    if authorisation.starts_on is not None and today < authorisation.starts_on:
        return "not_started"
    return "authorised"


def in_force_on(authorisation, day: date) -> bool:
    return state(authorisation, day) == "authorised"


def expiry(starts_on: date, months: int) -> date:
    """The last day an authorisation is in force: three months (a setting) from its start, less a day."""
    return add_months(starts_on, months) - timedelta(days=1)


def next_review(after: date, review_days: int, expires_on: date) -> date:
    """When the authorising officer must next review it: `review_days` on, and never after it expires."""
    return min(after + timedelta(days=review_days), expires_on)


def application_problems(platform: str, profile: str, application: str, necessity: str, proportionality: str):
    problems = {}
    if platform not in PLATFORMS:
        problems["platform"] = "Select the platform"
    for name, value, missing, maximum in (
        ("profile", profile, "Enter whose profile the authorisation is for", PROFILE_MAX),
        ("application", application, "Describe the research you want to carry out, and for how long", TEXT_MAX),
        ("necessity", necessity, "Explain why the research is necessary", TEXT_MAX),
        ("proportionality", proportionality, "Explain why the research is proportionate", TEXT_MAX),
    ):
        problem = _text_problem(value, missing, maximum)
        if problem:
            problems[name] = problem
    if "profile" not in problems and not profile_key(profile):
        problems["profile"] = "Enter whose profile the authorisation is for"
    return problems


def decision_problems(authorisation, decision: str, reason: str, starts_on: date | None, today: date) -> dict:
    """A decision on an application: only once, with the authorising officer's reasons."""
    problems = {}
    if authorisation.status != AuthorisationStatus.APPLIED:
        problems["decision"] = "This application has already been decided"
        return problems
    if decision not in (AuthorisationStatus.AUTHORISED, AuthorisationStatus.REFUSED):
        problems["decision"] = "Select whether you authorise the research"
    reason_problem = _text_problem(reason, "Give your reasons, on necessity and proportionality")
    if reason_problem:
        problems["reason"] = reason_problem
    if decision == AuthorisationStatus.AUTHORISED and starts_on is not None and starts_on < today:
        problems["starts_on"] = "An authorisation cannot start before it is given"
    return problems


def review_problems(authorisation, text: str, today: date) -> dict:
    current = state(authorisation, today)
    if current == "expired":
        return {"text": f"The authorisation expired on {authorisation.expires_on:%d %B %Y}: it cannot be reviewed"}
    if current not in ("authorised", "not_started"):
        return {"text": f"Only an authorisation in force can be reviewed; this one is {AUTHORISATION_STATES[current]}"}
    problem = _text_problem(text, "Record whether the research is still necessary and proportionate")
    return {"text": problem} if problem else {}


def cancellation_problems(authorisation, reason: str) -> dict:
    if authorisation.status != AuthorisationStatus.AUTHORISED:
        return {"reason": "Only an authorisation that was given can be cancelled"}
    problem = _text_problem(reason, "Give the reason for cancelling")
    return {"reason": problem} if problem else {}


def monitoring_problems(answer: str, detail: str) -> dict:
    problems = {}
    if answer not in MONITORING_ANSWERS:
        problems["answer"] = "Select whether the monitoring was authorised"
    problem = _text_problem(
        detail,
        "Give the authorisation's reference, or say why none was needed or what is being done about it",
    )
    if problem:
        problems["detail"] = problem
    return problems
