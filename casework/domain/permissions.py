"""Who may see what (design §4), as pure functions over the people of a case.

`relationships(user, case)` names how a person stands to a case; `view_level`
turns that into what they see. The SQL filter in
`casework.services.visibility` mirrors these rules and is tested against them.

Objects passed in need only the attributes of the models: a user with `id`,
`role`, `department_id`; a case with `kind`, `reporter_id`, `owner_id`,
`investigator_id`, `subjects` (users with `id`, `staff_type`,
`department_id`, `line_manager_id`, and `department.head_of_service_id`) and
`reporter`.
"""

from enum import StrEnum

from .policy import Kind, Role, StaffType


class Relationship(StrEnum):
    REPORTER = "reporter"
    SUBJECT = "subject"
    OWNER = "owner"
    INVESTIGATOR = "investigator"
    HEARING_OFFICER = "hearing_officer"
    APPEAL_OFFICER = "appeal_officer"
    LINE_MANAGER = "line_manager"  # line manager of a person concerned
    DEPARTMENT_MANAGER = "department_manager"  # manager in a concerned person's department
    HR = "hr"
    CONTRACTOR_HEAD_OF_SERVICE = "contractor_head_of_service"


class View(StrEnum):
    FULL = "full"
    REPORTER = "reporter"
    NONE = "none"


def people_concerned(case) -> list:
    """Whose line managers and departments a case concerns: its subjects and,
    for online abuse, the victim who reported it."""
    people = list(case.subjects)
    if case.kind == Kind.ABUSE and case.reporter is not None:
        people.append(case.reporter)
    return people


def relationships(user, case) -> set[Relationship]:
    found: set[Relationship] = set()
    if case.reporter_id == user.id:
        found.add(Relationship.REPORTER)
    if any(subject.id == user.id for subject in case.subjects):
        found.add(Relationship.SUBJECT)
    if case.owner_id == user.id:
        found.add(Relationship.OWNER)
    if case.investigator_id == user.id:
        found.add(Relationship.INVESTIGATOR)
    if getattr(case, "hearing_officer_id", None) == user.id:
        found.add(Relationship.HEARING_OFFICER)
    if any(appeal.appeal_officer_id == user.id for appeal in getattr(case, "appeals", ())):
        found.add(Relationship.APPEAL_OFFICER)
    for person in people_concerned(case):
        if person.id == user.id:
            continue
        if person.line_manager_id == user.id:
            found.add(Relationship.LINE_MANAGER)
        if user.role == Role.MANAGER and user.department_id is not None and person.department_id == user.department_id:
            found.add(Relationship.DEPARTMENT_MANAGER)
    if user.role == Role.HR:
        found.add(Relationship.HR)
    if user.role == Role.HEAD_OF_SERVICE:
        for subject in case.subjects:
            department = subject.department
            if (
                subject.staff_type == StaffType.CONTRACTOR
                and department is not None
                and department.head_of_service_id == user.id
            ):
                found.add(Relationship.CONTRACTOR_HEAD_OF_SERVICE)
    return found


# Relationships that open the whole case, for roles other than admin
FULL_VIEW_RELATIONSHIPS = frozenset(
    {
        Relationship.OWNER,
        Relationship.INVESTIGATOR,
        Relationship.HEARING_OFFICER,
        Relationship.APPEAL_OFFICER,
        Relationship.LINE_MANAGER,
        Relationship.DEPARTMENT_MANAGER,
        Relationship.HR,
        Relationship.CONTRACTOR_HEAD_OF_SERVICE,
    }
)


# A report routed to another procedure (a councillor, a school, a whistleblowing concern) is seen in full
# only by HR and its owner: a whistleblower's identity and a matter for the Monitoring Officer or a school
# are not for the line managers and department managers of the people it names
ROUTED_FULL_VIEW_RELATIONSHIPS = frozenset({Relationship.OWNER, Relationship.HR})


def view_level(user, case) -> View:
    """What `user` may see of `case`.

    A subject never sees their own case (they are told by letter); an admin
    sees no case content beyond what they reported themselves.
    """
    found = relationships(user, case)
    if Relationship.SUBJECT in found:
        return View.NONE
    full = found & (ROUTED_FULL_VIEW_RELATIONSHIPS if getattr(case, "route", None) else FULL_VIEW_RELATIONSHIPS)
    if user.role != Role.ADMIN and full:
        return View.FULL
    if Relationship.REPORTER in found:
        return View.REPORTER
    return View.NONE


def can_view(user, case) -> bool:
    return view_level(user, case) != View.NONE


def can_log_complaint(user) -> bool:
    """Managers and HR log complaints for people outside the council."""
    return user.role in (Role.MANAGER, Role.HR)


def can_add_information(user, case) -> bool:
    """A reporter may add information to their report while it is open."""
    return view_level(user, case) != View.NONE and case.stage != "closed"


def can_add_own_evidence(user, case) -> bool:
    """The person who reported a case may give files for it (they often hold the only screenshot of a
    post since deleted); they see only their own. Nobody adds evidence to a closed case."""
    return case.reporter_id == user.id and view_level(user, case) != View.NONE


def can_see_evidence(user, evidence, case) -> bool:
    """The people handling a case see all its evidence; its reporter, only the files they gave."""
    level = view_level(user, case)
    if level == View.FULL:
        return True
    return level == View.REPORTER and evidence.uploaded_by_id == user.id
