"""The outcome for each person, and what a contractor's head of service does (Social Networking Policy 11.4)."""

from .. import process
from ..case_state import has_contractor
from ..policy import FINDINGS, FORMAL_SANCTIONS, RIGHTS_DECISIONS, SANCTIONS, Stage
from .declaration import BREACH_ONLY, OPEN_STAGES, OWNER_OR_HR, Action, Capacity, Inputs
from .hearing import london_date
from .params import ActionParams, Code, Email, Item, Items, NoParams, Text, YesNo, need


class OutcomeItem(Item):
    subject: Email("E-mail of a person the case is about") = None
    finding: Code("The finding", FINDINGS) = None
    sanction: Code("The sanction", SANCTIONS) = None
    rights_decision: Code("Publishing rights restored or revoked", RIGHTS_DECISIONS) = None


class RecordOutcomeParams(ActionParams):
    outcomes: Items(
        OutcomeItem,
        "For each person the case is about: subject (e-mail), finding, sanction, rights_decision",
        unreadable="Give an outcome for each person the case is about",
    ) = None
    finding: Code("Single-subject case: the finding", FINDINGS) = None
    sanction: Code("Single-subject case: the sanction, from the ladder", SANCTIONS) = None
    rights_decision: Code(
        "Single-subject case: whether suspended publishing rights are restored or revoked", RIGHTS_DECISIONS
    ) = None
    summary: Text("A summary of the decision") = need("Enter a summary of the decision")
    content_removed: YesNo("Whether the content was removed") = None
    override_separation: YesNo("The investigator confirms they decide the outcome anyway") = None
    attended: Text("After a hearing: who attended") = None
    companion: Text("After a hearing: the companion (trade union representative or colleague)", 500) = None
    subject_statement: Text("After a hearing: what the person said") = None

    def entries(self, case) -> list[OutcomeItem]:
        """An outcome per person: `outcomes`, or for a case about one person the top-level fields."""
        if self.outcomes is not None:
            return self.outcomes
        return [
            OutcomeItem(
                subject=case.subjects[0].email,
                finding=self.finding,
                sanction=self.sanction,
                rights_decision=self.rights_decision,
            )
        ]


class ContractorActionParams(ActionParams):
    text: Text("The text to record") = need("Enter the text")


def _entries(x: Inputs) -> list[tuple[OutcomeItem, bool]]:
    """Each outcome given, and whether it came from the top-level fields (then errors are named as those)."""
    p, case = x.params, x.case
    if p.outcomes is None:
        if len(case.subjects) != 1:
            if p.finding or p.sanction:
                x.errors["outcomes"] = "This case is about more than one person: give an outcome for each"
            else:
                x.errors["outcomes"] = "Give an outcome for each person the case is about"
            return []
        return [(p.entries(case)[0], True)]
    if not p.outcomes:
        x.errors["outcomes"] = "Give an outcome for each person the case is about"
    return [(entry, False) for entry in p.outcomes]


def _outcome_rule(x: Inputs) -> None:
    """A finding, a sanction and a rights decision for each person; formal sanctions only after a hearing,
    by its hearing officer, with HR's advice, and a dismissal only by the dismissal authority."""
    case, settings = x.case, x.settings
    at_hearing = case.stage == Stage.HEARING
    if at_hearing and case.hearing is not None and london_date(case.hearing.hearing_at) > settings.day:
        day = london_date(case.hearing.hearing_at)
        x.errors["outcomes"] = f"The hearing is on {day:%A} {day.day} {day:%B %Y}: record the outcome after it"
        return
    entries = _entries(x)
    seen = set()
    hr_advised = bool(case.hr_advice)
    for i, (entry, top) in enumerate(entries):

        def key(name, i=i, top=top):
            return name if top else f"outcomes.{i}.{name}"

        who = x.subject_named(entry.subject)
        if not x.is_subject(who):
            x.errors[key("subject")] = "Choose a person the case is about"
            continue
        if who.id in seen:
            x.errors[key("subject")] = f"{who.name} has two outcomes: give one each"
            continue
        seen.add(who.id)
        finding, sanction, decision = entry.finding, entry.sanction, entry.rights_decision
        if not finding:
            x.errors[key("finding")] = "Choose the finding"
        elif finding not in FINDINGS:
            x.errors[key("finding")] = "Choose a finding from the list"
        if not sanction:
            x.errors[key("sanction")] = "Choose the sanction"
        elif sanction not in SANCTIONS:
            x.errors[key("sanction")] = "Choose a sanction from the list"
        else:
            why = process.sanction_refusal(
                sanction,
                who,
                case,
                x.actor,
                at_hearing=at_hearing,
                dismissal_roles=settings.dismissal_roles,
                hr_advised=hr_advised,
            )
            if why:
                x.errors[key("sanction")] = why
            elif finding == "not_substantiated" and sanction in FORMAL_SANCTIONS:
                x.errors[key("sanction")] = (
                    "A warning or dismissal needs the allegation to be at least partly substantiated"
                )
        suspended = any(s.subject_id == who.id and s.lifted_at is None for s in case.suspensions)
        if decision and decision not in RIGHTS_DECISIONS:
            x.errors[key("rights_decision")] = "Choose restored or revoked"
        elif not decision and suspended:
            x.errors[key("rights_decision")] = (
                f"Decide whether {who.name}'s suspended publishing rights are restored or revoked"
            )
    missing = [s.name for s in case.subjects if s.id not in seen]
    if entries and missing and "outcomes" not in x.errors and not any(k.endswith("subject") for k in x.errors):
        x.errors["outcomes"] = "Give an outcome for " + ", ".join(missing) + " too"
    if not at_hearing and case.investigator_id == x.actor.id:
        if not x.params.override_separation:
            x.errors["override_separation"] = (
                "You investigated this case. Where practicable another person decides the outcome "
                "(ACAS Code). Confirm that you are deciding it anyway."
            )
        else:
            x.warnings.append("separation_of_duties_overridden")


def _who_decides(case, held) -> str | None:
    """After a hearing its officer decides; before one, the owner or HR."""
    if case.stage == Stage.HEARING and Capacity.HEARING_OFFICER not in held:
        return "After a hearing, the hearing officer records the outcome"
    if case.stage != Stage.HEARING and not held & OWNER_OR_HR:
        return "You cannot record the outcome on this case"
    return None


def _contractor_outcome(case, settings) -> str | None:
    if not has_contractor(case):
        return "This case has no contractor subject"
    if not case.current_outcomes:
        return "Record the outcome before the contractor's action"
    return None


def _not_yet_acknowledged(case, settings) -> str | None:
    if case.hos_acknowledged_at is not None:
        return "The head of service has already acknowledged this case"
    if not has_contractor(case):
        return "This case has no contractor subject"
    return None


RECORD_OUTCOME = Action(
    name="record_outcome",
    label="Record the outcome",
    from_stages={Stage.INVESTIGATION, Stage.HEARING},
    to_stage=Stage.OUTCOME,
    capacities=OWNER_OR_HR | {Capacity.HEARING_OFFICER},
    kinds=BREACH_ONLY,
    params=RecordOutcomeParams,
    description="For each person: a finding, a sanction and a decision on publishing rights. Formal sanctions "
    "only after a hearing, by its hearing officer.",
    not_yours=_who_decides,
    rule=_outcome_rule,
    done="Outcome recorded.",
)

RECORD_CONTRACTOR_ACTION = Action(
    name="record_contractor_action",
    label="Record the contractor's action",
    from_stages={Stage.OUTCOME, Stage.REFERRED},
    to_stage=None,
    capacities={Capacity.CONTRACTOR_HEAD_OF_SERVICE, Capacity.HR},
    kinds=BREACH_ONLY,
    params=ContractorActionParams,
    description="Social Networking Policy 11.4: the head of service records what the contractor did under its "
    "own procedures.",
    ready=_contractor_outcome,
    done="The contractor's action is recorded.",
)

ACKNOWLEDGE_CONTRACTOR_CASE = Action(
    name="acknowledge_contractor_case",
    label="Acknowledge the contractor case",
    from_stages=OPEN_STAGES,
    to_stage=None,
    capacities={Capacity.CONTRACTOR_HEAD_OF_SERVICE},
    params=NoParams,
    description="Social Networking Policy 11.4: the head of service is told at once of a case about a contractor.",
    ready=_not_yet_acknowledged,
    done="You have acknowledged this contractor case.",
)
