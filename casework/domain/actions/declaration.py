"""What declaring a workflow action says (design §3, §4): one `Action` holds everything about it.

Its stages (from, to), the kinds of case, who may take it (capacities), its parameters (a pydantic
model), why it cannot happen now whatever is sent (`ready`), what is wrong with what was sent (`rule`),
where it leads when that depends on the case (`leads_to`), its label and the message shown once it is
done. `casework.domain.workflow.check` reads it; the services attach the handler that applies it
(`casework.services.handlers`), the pages a form, and the API document is generated from it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from .. import process
from ..policy import Kind, Role, Stage
from ..text import sentences
from .params import ActionParams, person

LONDON = ZoneInfo("Europe/London")
OPEN_STAGES = frozenset(Stage) - {Stage.CLOSED}
BOTH_KINDS = frozenset({Kind.BREACH, Kind.ABUSE})
BREACH_ONLY = frozenset({Kind.BREACH})
ABUSE_ONLY = frozenset({Kind.ABUSE})
# Leads back to the stage the case was at before it was referred
PREVIOUS = "previous"


class Capacity(StrEnum):
    """In what capacity a person acts on a case."""

    CASE_MANAGER = "case_manager"  # a manager or HR who may see the whole case
    OWNER = "owner"
    HR = "hr"
    INVESTIGATOR = "investigator"
    HEARING_OFFICER = "hearing_officer"
    APPEAL_OFFICER = "appeal_officer"
    ASSIGNED = "assigned"  # holds a role on the case: owner, investigator, hearing or appeal officer
    CONTRACTOR_HEAD_OF_SERVICE = "contractor_head_of_service"


OWNER_OR_HR = frozenset({Capacity.OWNER, Capacity.HR})


@dataclass(frozen=True)
class Settings:
    """The council's settings the rules read (from config, passed in by the services)."""

    today: date | None = None  # in London; None: the day it is now
    bank_holidays: frozenset = frozenset()
    hearing_notice_working_days: int = 5
    postpone_max_working_days: int = 5
    dismissal_roles: frozenset = frozenset({Role.HR, Role.HEAD_OF_SERVICE})
    seniority: dict = field(default_factory=dict)

    @property
    def day(self) -> date:
        return self.today or datetime.now(LONDON).date()


@dataclass
class Inputs:
    """What an action's rule reads (who acts, on which case, with which parameters and people) and what it
    adds: field errors, warnings, and the separation-of-duties rules set aside with a reason."""

    actor: object
    case: object
    params: ActionParams
    people: dict
    settings: Settings
    held: set
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    overridden: list = field(default_factory=list)

    def person(self, email):
        """The person named by `email` among those the services looked up, or None."""
        return person(self.people, email)

    def subject_named(self, email):
        """The person the case is about named by `email` (found on the case itself first), or None."""
        if not isinstance(email, str) or not email.strip():
            return None
        wanted = email.strip().lower()
        found = next((s for s in self.case.subjects if (s.email or "").lower() == wanted), None)
        return found or self.person(email)

    def is_subject(self, who) -> bool:
        return who is not None and any(s.id == who.id for s in self.case.subjects)

    def separate(self, role: str, field_name: str, who) -> None:
        """Refuse `who` for `role` where separation of duties bars them, unless the rule can be set aside and
        `override_reason` gives why; the rules set aside are kept (the services record them)."""
        found = process.separation(role, who, self.case, seniority=self.settings.seniority)
        if found.barred:
            self.errors[field_name] = found.barred
            return
        if not found.overridable:
            return
        reason = getattr(self.params, "override_reason", None)
        if isinstance(reason, str) and reason.strip():
            self.overridden.extend(found.overridable)
            return
        self.errors[field_name] = (
            sentences(found.overridable) + " Choose someone else, or, where that is not practicable (ACAS Code), "
            "give the reason"
        )
        self.errors["override_reason"] = "Enter why it is not practicable for someone else to do it"


@dataclass(frozen=True, eq=False)
class Action:
    """One workflow action, declared once. Compared by identity: the handler and form registries are
    keyed on the declaration itself."""

    name: str
    label: str
    from_stages: frozenset
    to_stage: str | None  # None: stays where it is; PREVIOUS: back to the stage before the referral
    capacities: frozenset
    params: type[ActionParams]
    done: str  # what the person sees once it is done
    kinds: frozenset = BOTH_KINDS
    description: str = ""
    # Why it cannot happen on this case now, whatever is sent (also why its button is not offered), given the
    # council's settings (today, the bank holidays)
    ready: Callable[[object, Settings], str | None] | None = None
    # Why someone who may take it in general may not at this stage (after a hearing its officer decides)
    not_yours: Callable[[object, set], str | None] | None = None
    # What is wrong with the parameters, given the case and the people named: adds to `inputs.errors`
    rule: Callable[[Inputs], None] | None = None
    # The stage it leads to when that depends on the case and the parameters
    leads_to: Callable[[Inputs], str] | None = None
    # May be taken on a report routed out of the disciplinary process at intake
    on_routed_cases: bool = False

    def __post_init__(self):
        for name in ("from_stages", "capacities", "kinds"):
            object.__setattr__(self, name, frozenset(getattr(self, name)))

    @property
    def required(self) -> tuple:
        """The parameters it needs."""
        return tuple(self.params.needed())

    def __repr__(self) -> str:
        return f"<Action {self.name}>"
