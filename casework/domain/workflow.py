"""The case workflow (design §3) and who may do what (§4), read from the actions' declarations.

`check(action, actor, case, params)` says whether an action may happen now and which stage it leads to,
or raises `Refusal` with the exact reason. Every action is declared once in `casework.domain.actions`
(its stages, kinds, who may take it, its parameters, why it may not be ready and what its parameters must
be); `check` reads the declaration the same way for all of them. It reads the case and the people through
their attributes only; the services apply the change and write the audit events.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from . import process
from .actions import ACTIONS, CLOSE, CLOSE_ROUTED, POSTPONE_HEARING, RESUME, Action, Capacity, Inputs, Settings
from .actions.params import ActionParams, field_errors, read_form
from .permissions import Relationship, View, relationships, view_level
from .policy import STAGE_LABELS, Role, Stage
from .routing import route_words

# Who may manage a case (a head of service or employee who happens to own one still cannot sanction)
MANAGEMENT_ROLES = frozenset({Role.MANAGER, Role.HR})


class RefusalCode(StrEnum):
    UNKNOWN_ACTION = "unknown_action"
    NOT_ALLOWED = "forbidden"  # may see the case, may not do this
    WRONG_STAGE = "wrong_stage"
    INVALID = "invalid"


@dataclass
class Refusal(Exception):
    code: RefusalCode
    message: str
    fields: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Allowed:
    """The action may happen: where it leads, and its parameters as read."""

    action: Action
    to_stage: str
    warnings: tuple = ()
    overridden: tuple = ()  # the separation-of-duties rules set aside with a reason
    params: ActionParams | None = None


def capacities(actor, case) -> set[Capacity]:
    """The capacities in which `actor` may act on `case` (none for a subject or admin; only to declare,
    again, for a person who has declared a conflict of interest HR has not yet dealt with)."""
    if view_level(actor, case) != View.FULL:
        return set()
    found = relationships(actor, case)
    if process.unresolved_conflict(case, actor.id):
        return {Capacity.ASSIGNED} if process.assigned_roles(case, actor.id) else set()
    held: set[Capacity] = set()
    if actor.role in MANAGEMENT_ROLES:
        held.add(Capacity.CASE_MANAGER)
    if Relationship.OWNER in found and actor.role in MANAGEMENT_ROLES:
        held.add(Capacity.OWNER)
    if actor.role == Role.HR:
        held.add(Capacity.HR)
    if Relationship.INVESTIGATOR in found:
        held.add(Capacity.INVESTIGATOR)
    if Relationship.CONTRACTOR_HEAD_OF_SERVICE in found:
        held.add(Capacity.CONTRACTOR_HEAD_OF_SERVICE)
    if Relationship.HEARING_OFFICER in found and case.stage == Stage.HEARING:
        held.add(Capacity.HEARING_OFFICER)
    if any(a.appeal_officer_id == actor.id and a.result is None for a in case.appeals):
        held.add(Capacity.APPEAL_OFFICER)
    if process.assigned_roles(case, actor.id):
        held.add(Capacity.ASSIGNED)
    return held


def not_ready(action: Action, case, today: date | None = None, *, settings: Settings | None = None) -> str | None:
    """Why `action` cannot happen on `case` now whatever is sent, or None. A report routed out of the
    disciplinary process at intake takes only the actions declared for routed cases (Acceptable Use of
    Social Media Policy 2 and 3)."""
    if case.stage == Stage.ROUTED and not action.on_routed_cases:
        return (
            f"This report was routed to {route_words(getattr(case, 'route', None))}: it is not dealt with "
            "under the disciplinary process unless it is returned to it"
        )
    settings = settings or Settings(today=today)
    return action.ready(case, settings) if action.ready else None


def _offered(action: Action, case, held: set) -> bool:
    return (
        case.stage in action.from_stages
        and case.kind in action.kinds
        and bool(held & action.capacities)
        and (action.not_yours is None or action.not_yours(case, held) is None)
    )


def available_actions(actor, case, settings: Settings | None = None, *, held: set | None = None) -> list[Action]:
    """The actions `actor` may take on `case` in its present stage (for buttons on the page). `held`: their
    capacities(actor, case), when the caller has them already."""
    held = capacities(actor, case) if held is None else held
    return [a for a in ACTIONS.values() if _offered(a, case, held) and not_ready(a, case, settings=settings) is None]


# Actions whose refusal a person looks for on the case page ("Why can't I close this?")
# and one offered at a stage where it may never be possible ("Why can't I postpone the hearing?")
EXPLAINED_ACTIONS = (CLOSE, RESUME, CLOSE_ROUTED, POSTPONE_HEARING)


def blocked_actions(
    actor, case, settings: Settings | None = None, *, held: set | None = None
) -> list[tuple[Action, str]]:
    """Actions the person could take at this stage but not yet, each with why (a refused close says why).
    `held`: their capacities(actor, case), when the caller has them already."""
    held = capacities(actor, case) if held is None else held
    found = []
    for action in EXPLAINED_ACTIONS:
        if case.stage in action.from_stages and case.kind in action.kinds and held & action.capacities:
            why = not_ready(action, case, settings=settings)
            if why:
                found.append((action, why))
    return found


def why_not(action: str, actor, case, settings: Settings | None = None) -> str | None:
    """Why `actor` cannot take `action` on `case` now, whatever they would send; None when they may."""
    try:
        check(action, actor, case, {}, people={}, settings=settings)
    except Refusal as refusal:
        return None if refusal.code == RefusalCode.INVALID else refusal.message
    return None


def declared(action) -> Action:
    """The declaration of `action` (its name, or the declaration itself); Refusal for anything else."""
    if isinstance(action, Action):
        return action
    found = ACTIONS.get(action) if isinstance(action, str) else None
    if found is None:
        named = isinstance(action, str) and action.strip()
        message = f"Unknown action: {action}" if named else "Choose an action to take"
        raise Refusal(RefusalCode.UNKNOWN_ACTION, message, {"action": "Choose a known action"})
    return found


def read_params(action: Action, params) -> tuple[ActionParams, dict[str, str]]:
    """The parameters as the action's model: as they are when already read (the API reads a body with the
    model), otherwise read as a form's values are; and {field: message} for what could not be read."""
    if isinstance(params, action.params):
        return params, {}
    if isinstance(params, ActionParams):
        params = params.given()
    return read_form(action.params, params if isinstance(params, dict) else {})


def check(action, actor, case, params, *, people: dict | None = None, settings: Settings | None = None) -> Allowed:
    """May `actor` take `action` on `case` now, with `params`? Returns where it leads, or raises Refusal.

    In this order, from the action's declaration: who may take it, the kinds of case and the stages it
    applies to, why it may not be ready, whether it is this person's at this stage; then its parameters:
    those it needs, text and codes, and its own rule. `people` maps the e-mail addresses named in the
    parameters to the people, looked up by the caller.
    """
    action = declared(action)
    settings = settings or Settings()
    held = capacities(actor, case)
    if not held & action.capacities:
        raise Refusal(RefusalCode.NOT_ALLOWED, f"You cannot {action.label[0].lower()}{action.label[1:]} on this case")
    if case.kind not in action.kinds:
        raise Refusal(RefusalCode.WRONG_STAGE, f"{action.label} does not apply to this kind of case")
    if case.stage not in action.from_stages:
        stage = STAGE_LABELS.get(case.stage, case.stage).lower()
        raise Refusal(RefusalCode.WRONG_STAGE, f"{action.label} is not possible while the case is at the {stage} stage")
    why = not_ready(action, case, settings=settings)
    if why:
        raise Refusal(RefusalCode.WRONG_STAGE, why)
    why = action.not_yours(case, held) if action.not_yours else None
    if why:
        raise Refusal(RefusalCode.NOT_ALLOWED, why)

    typed, errors = read_params(action, params)
    for name, message in field_errors(typed).items():
        errors.setdefault(name, message)
    inputs = Inputs(actor, case, typed, people or {}, settings, held, errors)
    if action.rule:
        action.rule(inputs)
    if errors:
        raise Refusal(RefusalCode.INVALID, "Check the highlighted fields", errors)
    to_stage = action.leads_to(inputs) if action.leads_to else (action.to_stage or case.stage)
    return Allowed(action, to_stage, tuple(inputs.warnings), tuple(inputs.overridden), typed)


def may_export_report(actor, case, *, held: set | None = None) -> bool:
    """The case report goes to HR and to the case's owner. `held`: capacities(actor, case), when known."""
    return bool((capacities(actor, case) if held is None else held) & {Capacity.OWNER, Capacity.HR})
