"""The disciplinary hearing: its officer, date and time and who is invited, and postponing it once
(Employment Relations Act 1999 s10(4))."""

from datetime import UTC, date, datetime

from .. import process
from ..policy import Stage
from ..working_days import add_working_days, is_working_day, working_days_between
from .declaration import BREACH_ONLY, LONDON, OWNER_OR_HR, Action, Inputs
from .investigation import OVERRIDE_REASON
from .params import ActionParams, Email, Emails, LocalDateTime, Reason, local_moment, need

HEARING_AT_NEEDED = "Enter the date and time of the hearing"
WORKING_HOURS = "Choose a time in the working day"


class ArrangeHearingParams(ActionParams):
    hearing_officer: Email("E-mail of the hearing officer") = need("Choose the hearing officer")
    hearing_at: LocalDateTime(
        "When, London time, as YYYY-MM-DDTHH:MM",
        unreadable="Enter the date and time of the hearing, like 2026-12-10T10:00",
    ) = need(HEARING_AT_NEEDED)
    subjects: Emails("E-mails of the people invited", unreadable="Choose people the case is about") = need(
        "Choose who is invited to the hearing"
    )
    override_reason: Reason(OVERRIDE_REASON) = None


class PostponeHearingParams(ActionParams):
    hearing_at: LocalDateTime(
        "The new date and time, London time", unreadable="Enter the new date and time, like 2026-12-10T10:00"
    ) = need(HEARING_AT_NEEDED)
    reason: Reason() = need("Enter the reason")


def london_date(moment: datetime) -> date:
    """The London date of a stored (UTC) moment."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(LONDON).date()


def _hearing_day_error(moment, settings, *, notice: bool) -> str | None:
    day = moment.date()
    if day <= settings.day:
        return "The hearing must be on a future working day"
    if day.weekday() >= 5:
        return f"The hearing cannot be on a {day:%A}: choose a working day"
    if not is_working_day(day, settings.bank_holidays):
        return "The hearing cannot be on a bank holiday: choose a working day"
    notice_days = settings.hearing_notice_working_days
    if notice and working_days_between(settings.day, day, settings.bank_holidays) < notice_days:
        earliest = add_working_days(settings.day, settings.hearing_notice_working_days, settings.bank_holidays)
        return (
            f"Give at least {settings.hearing_notice_working_days} working days' notice of the hearing: "
            f"the earliest date is {earliest:%A} {earliest.day} {earliest:%B %Y}"
        )
    if not 7 <= moment.hour < 20:
        return WORKING_HOURS
    return None


def subjects_named(x: Inputs, field: str, emails) -> list:
    """The people the case is about named by `emails`, each once; an error on `field` for anyone else."""
    found = []
    for email in [e for e in emails or [] if e.strip()]:
        who = x.subject_named(email)
        if not x.is_subject(who):
            x.errors[field] = f"{email} is not a person this case is about"
            return []
        if who not in found:
            found.append(who)
    return found


def _arrange_rule(x: Inputs) -> None:
    if "hearing_officer" not in x.errors:
        officer = x.person(x.params.hearing_officer)
        if officer is None:
            x.errors["hearing_officer"] = "Choose the hearing officer from the staff directory"
        else:
            x.separate("hearing_officer", "hearing_officer", officer)
    if "hearing_at" not in x.errors:
        moment = local_moment(x.params.hearing_at)
        if moment is None:
            x.errors["hearing_at"] = "Enter the date and time of the hearing, like 2026-12-10T10:00"
        else:
            problem = _hearing_day_error(moment, x.settings, notice=True)
            if problem:
                x.errors["hearing_at"] = problem
    if "subjects" not in x.errors:
        invited = subjects_named(x, "subjects", x.params.subjects)
        if "subjects" not in x.errors:
            if not invited:
                x.errors["subjects"] = "Choose who is invited to the hearing"
            elif any(process.is_contractor(s) for s in invited):
                x.errors["subjects"] = (
                    "A contractor is dealt with under the contractor's own procedures, not at a council hearing "
                    "(Social Networking Policy 11.4)"
                )


def _postpone_rule(x: Inputs) -> None:
    hearing = x.case.hearing
    if "hearing_at" in x.errors or hearing is None:
        return
    moment = local_moment(x.params.hearing_at)
    if moment is None:
        x.errors["hearing_at"] = "Enter the new date and time, like 2026-12-10T10:00"
        return
    problem = _hearing_day_error(moment, x.settings, notice=False)
    if problem:
        x.errors["hearing_at"] = problem
        return
    latest = _latest_new_date(hearing, x.settings)
    if moment.date() > latest:
        x.errors["hearing_at"] = (
            f"A hearing is postponed by at most {x.settings.postpone_max_working_days} working days: "
            f"the latest date is {latest:%A} {latest.day} {latest:%B %Y}"
        )


def _reported_on(case, settings) -> str | None:
    if case.investigation_report is None:
        return "Record the investigation report before arranging a hearing"
    return None


def _latest_new_date(hearing, settings) -> date:
    """The latest date a hearing may be moved to: so many working days after the date first set."""
    first = london_date(hearing.hearing_at)
    return add_working_days(first, settings.postpone_max_working_days, settings.bank_holidays)


def _postponable(case, settings) -> str | None:
    """Once, and only while some date is left to move it to: a future working day no later than the latest."""
    hearing = case.hearing
    if hearing is None:
        return None
    if hearing.postponed:
        return "The hearing has already been postponed once"
    latest = _latest_new_date(hearing, settings)
    if latest <= settings.day:
        first = london_date(hearing.hearing_at)
        return (
            f"The hearing was set for {first:%A} {first.day} {first:%B %Y} and can be moved by at most "
            f"{settings.postpone_max_working_days} working days, so no date is left to postpone it to "
            f"(the latest was {latest:%A} {latest.day} {latest:%B %Y}). If it was held, the hearing officer "
            "records the outcome"
        )
    return None


ARRANGE_HEARING = Action(
    name="arrange_hearing",
    label="Arrange a disciplinary hearing",
    from_stages={Stage.INVESTIGATION},
    to_stage=Stage.HEARING,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=ArrangeHearingParams,
    description="The hearing officer, the date and time (at least 5 working days' notice) and who is invited. "
    "The invitation states the allegations and the right to be accompanied.",
    ready=_reported_on,
    rule=_arrange_rule,
    done="The hearing is arranged and the hearing officer has been told. Send the invitation letter.",
)

POSTPONE_HEARING = Action(
    name="postpone_hearing",
    label="Postpone the hearing",
    from_stages={Stage.HEARING},
    to_stage=None,
    capacities=OWNER_OR_HR,
    kinds=BREACH_ONLY,
    params=PostponeHearingParams,
    description="Once, by up to 5 working days, when the companion cannot attend (Employment Relations Act "
    "1999 s10(4)), or for another recorded reason.",
    ready=_postponable,
    rule=_postpone_rule,
    done="The hearing is postponed.",
)
