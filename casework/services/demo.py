"""A demo council for trying Casework out (`flask casework seed-demo`)."""

import random
from datetime import date, timedelta

from ..domain.intake import ReportInput
from ..domain.policy import ABUSE_CATEGORIES, BREACH_CATEGORIES, COMPLAINT_SOURCES, FLAGS, Kind, Source
from ..extensions import db
from ..models import PublishingRight, SocialAccount
from . import users as user_service
from .cases import add_information, report_case
from .workflow import perform

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (the published demo sign-in)

DEMO_SIGN_INS = [
    ("employee@demo.invalid", "employee"),
    ("manager@demo.invalid", "manager"),
    ("hr@demo.invalid", "hr"),
    ("hos@demo.invalid", "head_of_service"),
    ("admin@demo.invalid", "admin"),
]

DESCRIPTIONS = {
    Kind.BREACH: [
        "Posted a photograph of a resident's letter, with the address visible, on a personal Facebook page.",
        "Shared a post mocking a service user's disability in a public group.",
        "Replied from the council's account with a personal political opinion during the election period.",
        "Sent a friend request to a young person the team supports.",
        "Set up an unofficial page using the council logo to promote a local event.",
        "Described a colleague as incompetent in a public thread and named the team.",
        "Edited the council's Wikipedia article during working hours.",
    ],
    Kind.ABUSE: [
        "A member of the public posted my name and home street after a planning decision.",
        "I received threatening direct messages after a parking enforcement video went viral.",
        "Someone set up an account using my photo and name to post about council business.",
        "Repeated abusive comments on the library's page naming me.",
    ],
}


def seed(*, case_count: int = 40, password: str = DEMO_PASSWORD, seed_value: int = 2026) -> None:
    """Departments, one user of every role, a contractor, council accounts and `case_count` cases."""
    rng = random.Random(seed_value)
    for name in ("Housing", "Adult Social Care", "Environment", "Communications"):
        user_service.create_department(name)

    def person(email, name, role="employee", department=None, manager=None, staff_type="employee", org=None, pw=True):
        return user_service.create_user(
            email,
            name=name,
            role=role,
            department=department,
            line_manager=manager,
            staff_type=staff_type,
            contractor_org=org,
            password=password if pw else None,
        )

    person("hr@demo.invalid", "Harriet Rahman", "hr", "Communications")
    person("admin@demo.invalid", "Adam Ibbotson", "admin", "Communications")
    hos = person("hos@demo.invalid", "Helen Osei", "head_of_service", "Environment")
    person("manager@demo.invalid", "Mark Anand", "manager", "Housing")
    person("manager2@demo.invalid", "Priya Ellis", "manager", "Environment", pw=False)
    person("manager3@demo.invalid", "Tom Gallagher", "manager", "Adult Social Care")
    person("employee@demo.invalid", "Emma Lewis", "employee", "Housing", "manager@demo.invalid")
    user_service.create_department("Environment", hos.email)
    subjects = [
        person("sam.jones@demo.invalid", "Sam Jones", department="Housing", manager="manager@demo.invalid", pw=False),
        person("aisha.khan@demo.invalid", "Aisha Khan", department="Housing", manager="manager@demo.invalid", pw=False),
        person(
            "li.wei@demo.invalid",
            "Li Wei",
            department="Adult Social Care",
            manager="manager3@demo.invalid",
            staff_type="agency",
            pw=False,
        ),
        person(
            "owen.price@demo.invalid",
            "Owen Price",
            department="Adult Social Care",
            manager="manager3@demo.invalid",
            staff_type="volunteer",
            pw=False,
        ),
        person(
            "dan.carter@demo.invalid",
            "Dan Carter",
            department="Environment",
            manager="manager2@demo.invalid",
            staff_type="contractor",
            org="GreenStreets Ltd",
            pw=False,
        ),
        person("ruth.bell@demo.invalid", "Ruth Bell", department="Communications", staff_type="apprentice", pw=False),
    ]
    hr_user = user_service.find_user("hr@demo.invalid")
    investigator = user_service.find_user("manager3@demo.invalid")
    reporters = [
        user_service.find_user("employee@demo.invalid"),
        user_service.find_user("manager@demo.invalid"),
        user_service.find_user("hr@demo.invalid"),
    ]

    accounts = []
    for platform, handle, department in (
        ("facebook", "DemoBoroughHousing", "Housing"),
        ("x", "@DemoBorough", "Communications"),
        ("instagram", "@demoborough_parks", "Environment"),
    ):
        account = SocialAccount(
            platform=platform,
            handle=handle,
            department=user_service.find_department(department),
            status="active",
            went_live_on=date(2025, 1, 6),
            trial_ends_on=date(2025, 4, 6),
        )
        db.session.add(account)
        accounts.append(account)
    db.session.flush()
    for subject, account in ((subjects[0], accounts[0]), (subjects[5], accounts[1]), (subjects[4], accounts[2])):
        db.session.add(
            PublishingRight(user_id=subject.id, account_id=account.id, trained_on=date(2025, 1, 3), status="active")
        )

    today = date.today()
    for number in range(case_count):
        kind = Kind.ABUSE if number % 5 == 4 else Kind.BREACH
        reporter = reporters[number % len(reporters)]
        categories = list(BREACH_CATEGORIES if kind == Kind.BREACH else ABUSE_CATEGORIES)
        if kind == Kind.BREACH:
            subject = rng.choice([s for s in subjects])
            source = Source.EMPLOYEE_REPORT if reporter.role == "employee" else rng.choice(COMPLAINT_SOURCES)
        else:
            subject = None
            source = Source.EMPLOYEE_REPORT
        report = ReportInput(
            kind=kind,
            source=source,
            subjects=[subject.email] if subject else [],
            categories=rng.sample(categories[:-1], k=rng.choice([1, 1, 2])),
            platform=rng.choice(["facebook", "x", "instagram", "tiktok", "linkedin", "forum"]),
            content_url=f"https://social.example/post/{1000 + number}",
            incident_date=today - timedelta(days=rng.randint(1, 60)),
            description=rng.choice(DESCRIPTIONS[kind]),
            severity=rng.choice(["low", "medium", "high"]),
            flags=rng.sample(list(FLAGS), k=rng.choice([0, 0, 1])),
            complainant_name="A. Resident" if source == Source.PUBLIC_COMPLAINT else "",
            complainant_contact="resident@example.org" if source == Source.PUBLIC_COMPLAINT else "",
        )
        case = report_case(reporter, report)
        if number % 7 == 3:
            add_information(case, reporter, "I have kept a screenshot of the post in case it is deleted.")
        _advance(case, number, hr=hr_user, investigator=investigator)


def _act(case, actor, action, **params):
    perform(case, actor, action, params, version=case.version)


def _advance(case, number: int, *, hr, investigator) -> None:
    """Take demo cases along the workflow so that every stage has some."""
    step = number % 8
    if step == 0:
        return  # stays reported
    _act(case, hr, "take_ownership")
    if case.kind == Kind.ABUSE:
        if step >= 3:
            _act(case, hr, "record_support", text="Reported the posts to the platform and arranged a welfare call.")
        if step >= 6:
            _act(case, hr, "close")
        return
    if step == 1:
        return  # assessment
    if step == 7:
        _act(case, hr, "close_no_further_action", reason="Informal advice given by the line manager.")
        return
    subject = case.subjects[0]
    _act(case, hr, "suspend_rights", subject=subject.email, reason="Suspended while the post is investigated.")
    if step == 2:
        return  # rights suspended
    _act(case, hr, "start_investigation", investigator=investigator.email)
    _act(
        case,
        investigator,
        "add_note",
        kind="interview",
        interviewee_role="subject",
        text="Interviewed the member of staff, who accepted posting the content.",
    )
    if step == 3:
        return  # investigation
    contractor = subject.staff_type == "contractor"
    _act(
        case,
        hr,
        "record_outcome",
        finding="substantiated",
        sanction="referred_to_contractor" if contractor else ("first_written_warning" if step % 2 else "training"),
        rights_decision="restored",
        summary="The post breached the policy; see the investigation notes.",
    )
    if step == 4:
        return  # outcome
    _act(
        case,
        hr,
        "refer",
        agency="contractor" if contractor else "police",
        reason="For the agency to consider under its own procedures.",
        agency_reference=f"REF-{1000 + number}",
    )
    if step == 5:
        return  # referred
    _act(
        case,
        hr,
        "update_referral",
        referral_id=case.referrals[0].id,
        status="concluded",
        result="No further action by the agency.",
    )
    _act(case, hr, "close")
