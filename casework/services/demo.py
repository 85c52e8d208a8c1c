"""A demo council for trying Casework out (`flask casework seed-demo`)."""

import io
import random
import textwrap
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app

from ..domain.accounts import add_months
from ..domain.intake import ReportInput
from ..domain.policy import ABUSE_CATEGORIES, BREACH_CATEGORIES, COMPLAINT_SOURCES, Kind, Source, Stage
from ..domain.working_days import add_working_days
from ..extensions import db
from ..models import PublishingRight, SocialAccount, clock_at, utcnow
from ..models_accounts import SocialMediaTraining
from . import users as user_service
from .cases import add_information, report_case
from .deadlines import LONDON, bank_holidays
from .evidence import add_file
from .workflow import perform

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (the published demo sign-in)

DEMO_SIGN_INS = [
    ("employee@demo.invalid", "employee"),
    ("manager@demo.invalid", "manager"),
    ("manager2@demo.invalid", "manager"),
    ("manager3@demo.invalid", "manager"),
    ("hr@demo.invalid", "hr"),
    ("hos@demo.invalid", "head_of_service"),
    ("admin@demo.invalid", "admin"),
]

# What people report, by category: each demo case's description matches its first category
DESCRIPTIONS = {
    "confidential_information": [
        "Posted a photograph of a resident's letter, with the name and address visible, on a personal Facebook page.",
        "Shared a screenshot of a case management screen showing a service user's details in a group chat.",
    ],
    "defamation": [
        "Wrote in a public thread that a named local business owner was 'a crook who fiddles council contracts'.",
        "Posted that a named councillor had been 'caught taking backhanders', with no basis.",
    ],
    "harassment": [
        "Described a colleague as incompetent in a public thread and named the team.",
        "Sent repeated mocking messages about a colleague's appearance in a public group.",
    ],
    "discrimination": [
        "Shared a post mocking a service user's disability in a public group.",
        "Commented on a local news story with remarks about a religious group.",
    ],
    "disrepute": [
        "Posted a video filmed in uniform at a council depot making fun of residents' complaints.",
        "Replied to a resident's complaint on X with swearing, from a profile that says they work for the council.",
    ],
    "political": [
        "Replied from the council's account with a personal political opinion during the election period.",
        "Shared a party's campaign leaflet while naming their council job in the profile.",
    ],
    "personal_views_as_council": [
        "Posted personal views on the housing strategy as if they were the council's position.",
        "Answered a resident on LinkedIn 'on behalf of the council' about a decision not yet made.",
    ],
    "inappropriate_content": [
        "Posted offensive memes from a profile that names the council as employer.",
        "Shared a violent video with a comment about a service user's family.",
    ],
    "consent_or_copyright": [
        "Published photographs of children at a council play scheme without their parents' consent.",
        "Posted a local photographer's pictures on a council page without permission.",
    ],
    "service_user_contact": [
        "Sent a friend request to a young person the team supports.",
        "Messaged a former service user privately on Instagram about meeting up.",
    ],
    "unauthorised_account": [
        "Set up an unofficial page using the council logo to promote a local event.",
        "Ran a team account on TikTok without the Communications team's approval.",
    ],
    "council_identity_misuse": [
        "Used a council e-mail address to set up a personal dating profile.",
        "Used the council logo as the profile picture of a personal account.",
    ],
    "personal_use_at_work": [
        "Spent long periods on personal social media during working hours, as the team's logs show.",
        "Posted to a personal account throughout a shift at the contact centre.",
    ],
    "wikipedia_at_work": [
        "Edited the council's Wikipedia article during working hours.",
        "Changed a Wikipedia article about a local councillor from a council computer.",
    ],
    "abuse": [
        "Repeated abusive comments on the library's page naming me.",
        "Abusive replies to my posts after I answered residents on the council's page.",
    ],
    "threats": [
        "I received threatening direct messages after a parking enforcement video went viral.",
        "Someone said online they would wait for me outside the office after a planning decision.",
    ],
    "harassment_abuse": [
        "The same person has messaged me every day for weeks about a council tax decision.",
    ],
    "impersonation": [
        "Someone set up an account using my photo and name to post about council business.",
    ],
    "doxxing": [
        "A member of the public posted my name and home street after a planning decision.",
    ],
}

# The demo covers the last 18 months
DEMO_MONTHS = 18
# How far along each case goes, by how old it is: old cases are mostly closed, new ones open
BREACH_PATHS = (
    "closed",
    "closed",
    "closed",
    "referred",
    "outcome",
    "appeal",
    "hearing",
    "investigation",
    "rights_suspended",
    "assessment",
)
ABUSE_PATHS = ("closed", "closed", "support", "assessment")


def _description(rng, kind: str, categories: list[str]) -> str:
    first = categories[0]
    key = "harassment_abuse" if kind == Kind.ABUSE and first == "harassment" else first
    return rng.choice(DESCRIPTIONS.get(key) or DESCRIPTIONS["abuse" if kind == Kind.ABUSE else "disrepute"])


def seed(*, case_count: int = 40, password: str = DEMO_PASSWORD, seed_value: int = 2026) -> None:
    """Departments, people of every role (everyone offered as an owner or investigator can sign
    in), a contractor, council accounts and `case_count` cases reported over the last 18 months,
    each taken through the real workflow at believable times, so that the chains verify and the
    HR summary and dashboards have figures to show."""
    rng = random.Random(seed_value)
    now = utcnow()
    went_live = (now - timedelta(days=DEMO_MONTHS * 31 + 120)).date()
    with clock_at(now - timedelta(days=DEMO_MONTHS * 31 + 100)):
        people = _people(password)
        accounts = _accounts(went_live, now, people)
        db.session.flush()
    subjects, reporters = people["subjects"], people["reporters"]
    for subject, account in ((subjects[0], accounts[0]), (subjects[5], accounts[1]), (subjects[4], accounts[2])):
        db.session.add(
            PublishingRight(
                user_id=subject.id,
                account_id=account.id,
                trained_on=went_live - timedelta(days=3),
                granted_at=datetime.combine(went_live, time(9), tzinfo=UTC),
                status="active",
            )
        )
    # 8.1: each publisher's training, and the refresher since; the last one's refresher is due within a month
    today = now.astimezone(LONDON).date()
    for subject, refreshed_days_ago in ((subjects[0], 60), (subjects[5], 200), (subjects[4], 350)):
        for trained_on in (went_live - timedelta(days=3), today - timedelta(days=refreshed_days_ago)):
            db.session.add(
                SocialMediaTraining(
                    user_id=subject.id,
                    trained_on=trained_on,
                    refresher_due_on=add_months(trained_on, current_app.config["TRAINING_VALID_MONTHS"]),
                    recorded_by_id=people["hr"].id,
                    note="Induction by the Communications team"
                    if trained_on < today - timedelta(days=400)
                    else "Refresher",
                )
            )
    db.session.flush()

    span = DEMO_MONTHS * 30 * 24 * 3600
    for number in range(case_count):
        # Spread evenly from 18 months ago to today, oldest first (references are issued in order)
        fraction = (number + rng.random() * 0.8) / max(case_count, 1)
        reported = now - timedelta(seconds=span * (1 - fraction))
        reported = _working_hour(reported, rng)
        if reported >= now:
            reported = now - timedelta(minutes=5 + number)
        kind = Kind.ABUSE if number % 5 == 4 else Kind.BREACH
        _demo_case(rng, number, kind, reported, now, people, reporters, subjects, newest=number == case_count - 1)


def _working_hour(moment: datetime, rng) -> datetime:
    """The same day at a time in office hours, Monday to Friday."""
    local = moment.astimezone(LONDON)
    while local.weekday() >= 5:
        local -= timedelta(days=1)
    local = local.replace(hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=rng.randint(0, 59))
    return local.astimezone(UTC)


def _people(password: str) -> dict:
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

    hr = person("hr@demo.invalid", "Harriet Rahman", "hr", "Communications")
    person("admin@demo.invalid", "Adam Ibbotson", "admin", "Communications")
    hos = person("hos@demo.invalid", "Helen Osei", "head_of_service", "Environment")
    managers = {
        "Housing": person("manager@demo.invalid", "Mark Anand", "manager", "Housing"),
        "Environment": person("manager2@demo.invalid", "Priya Ellis", "manager", "Environment"),
        "Adult Social Care": person("manager3@demo.invalid", "Tom Gallagher", "manager", "Adult Social Care"),
    }
    employee = person("employee@demo.invalid", "Emma Lewis", "employee", "Housing", "manager@demo.invalid")
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
    return {
        "hr": hr,
        "hos": hos,
        "managers": managers,
        "subjects": subjects,
        "reporters": [employee, managers["Housing"], hr],
    }


DEMO_BRIEFS = {
    "DemoBoroughHousing": (
        "News for tenants: repairs, estate events, rent changes",
        "Council tenants and leaseholders",
        "The housing communications officer",
        "Comments checked twice each working day by the housing team leader",
        "Three hours a week from the housing team",
    ),
    "@DemoBorough": (
        "The council's main news and emergency updates",
        "Everyone who lives or works in the borough",
        "The Communications team",
        "Monitored through the working day; out-of-hours cover in emergencies",
        "Part of the Communications team's work",
    ),
    "@demoborough_parks": (
        "Photos and events from the borough's parks",
        "Families and park users",
        "The parks outreach officer",
        "Comments checked daily by the parks outreach officer",
        "Two hours a week from the parks team",
    ),
    "@demoborough_youth": (
        "What's on for young people: youth clubs, holiday activities, apprenticeships",
        "Young people aged 13 to 19 in the borough",
        "Two youth workers, trained by the Communications team",
        "Comments off; messages answered by the youth workers within a working day",
        "Four hours a week from the youth service",
    ),
    "DemoBoroughEvents": (
        "Films of council events and public meetings",
        "Residents who cannot attend in person",
        "The events officer",
        "Comments off",
        "Filming by the events officer as events happen",
    ),
    "Demo Borough Libraries": (
        "Reading groups, library events and new books",
        "Library members and families with young children",
        "The library service's outreach team",
        "Posts and comments checked each morning by the library manager",
        "One hour a day from the outreach team",
    ),
}


def _brief(handle: str) -> dict:
    purpose, audience, run_by, moderation, resourcing = DEMO_BRIEFS[handle]
    return {
        "purpose": purpose,
        "audience": audience,
        "run_by": run_by,
        "moderation": moderation,
        "resourcing": resourcing,
    }


def _accounts(went_live: date, now: datetime, people: dict) -> list[SocialAccount]:
    """The register: three long-standing accounts in use (the first three), one proposed and waiting for the
    Communications team (7.2, 7.3), one on its three-month trial (7.4), and one unused for months, flagged for
    removal (7.5)."""
    today = now.astimezone(LONDON).date()
    hr, proposer = people["hr"], people["managers"]["Housing"]
    approved_at = datetime.combine(went_live - timedelta(days=14), time(10), tzinfo=UTC)
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
            went_live_on=went_live,
            trial_ends_on=went_live + timedelta(days=91),
            last_used_on=today - timedelta(days=2),
            decision="approved",
            decided_by=hr,
            approved_by=hr,
            decided_at=approved_at,
            decision_reason="A clear brief with moderation and time set aside",
            **_brief(handle),
        )
        db.session.add(account)
        accounts.append(account)
    trial_start = today - timedelta(days=40)
    dormant_since = today - timedelta(days=240)
    db.session.add_all(
        [
            SocialAccount(
                platform="facebook",
                handle="Demo Borough Libraries",
                department=user_service.find_department("Adult Social Care"),
                status="proposed",
                proposed_by=people["managers"]["Adult Social Care"],
                **_brief("Demo Borough Libraries"),
            ),
            SocialAccount(
                platform="tiktok",
                handle="@demoborough_youth",
                department=user_service.find_department("Communications"),
                status="trial",
                proposed_by=proposer,
                went_live_on=trial_start,
                trial_ends_on=add_months(trial_start, 3),
                last_used_on=today - timedelta(days=1),
                decision="approved",
                decided_by=hr,
                approved_by=hr,
                decided_at=datetime.combine(trial_start, time(11), tzinfo=UTC),
                decision_reason="Reaches young people where they are; the youth workers have been trained",
                **_brief("@demoborough_youth"),
            ),
            SocialAccount(
                platform="youtube",
                handle="DemoBoroughEvents",
                department=user_service.find_department("Communications"),
                status="active",
                proposed_by=proposer,
                went_live_on=went_live,
                trial_ends_on=went_live + timedelta(days=91),
                last_used_on=dormant_since,
                decision="approved",
                decided_by=hr,
                approved_by=hr,
                decided_at=approved_at,
                decision_reason="Films of public meetings help residents who cannot attend",
                **_brief("DemoBoroughEvents"),
            ),
        ]
    )
    return accounts


class _Timeline:
    """The demo case's clock: each step a while after the one before, never past today."""

    def __init__(self, start: datetime, now: datetime, rng):
        self.at, self.now, self.rng = start, now, rng

    def later(self, low_hours: float, high_hours: float) -> bool:
        """Move on; False when that would be in the future (the case stays where it is)."""
        moment = self.at + timedelta(hours=self.rng.uniform(low_hours, high_hours))
        local = moment.astimezone(LONDON)
        if local.hour >= 18:  # people act in office hours, on working days
            local = (local + timedelta(days=1)).replace(hour=9, minute=self.rng.randint(0, 59))
        elif local.hour < 8:
            local = local.replace(hour=8, minute=self.rng.randint(0, 59))
        while local.weekday() >= 5:
            local += timedelta(days=1)
        moment = max(local.astimezone(UTC), self.at + timedelta(minutes=1))
        if moment >= self.now:
            return False
        self.at = moment
        return True


def _demo_case(rng, number, kind, reported, now, people, reporters, subjects, *, newest=False) -> None:
    hr, hos, managers = people["hr"], people["hos"], people["managers"]
    reporter = reporters[number % len(reporters)]
    pool = [c for c in (BREACH_CATEGORIES if kind == Kind.BREACH else ABUSE_CATEGORIES) if c != "other"]
    categories = rng.sample(pool, k=rng.choice([1, 1, 2]))
    subject = rng.choice(subjects) if kind == Kind.BREACH else None
    if kind == Kind.BREACH:
        source = Source.EMPLOYEE_REPORT if reporter.role == "employee" else rng.choice(COMPLAINT_SOURCES)
    else:
        source = Source.EMPLOYEE_REPORT
    flags = []
    if "confidential_information" in categories:
        flags.append("personal_data_involved")
    if "service_user_contact" in categories:
        flags.append("safeguarding_concern")
    if "threats" in categories:
        flags.append("criminal_offence")
    scope = _demo_scope(number, kind)
    if scope:
        source = Source.EMPLOYEE_REPORT
        categories = [scope.pop("category")]
        flags = []
        if scope["scope"] != "council_staff":
            subject = None
    report = ReportInput(
        kind=kind,
        source=source,
        subjects=[subject.email] if subject else [],
        categories=categories,
        platform=rng.choice(["facebook", "x", "instagram", "tiktok", "linkedin", "forum"]),
        content_url=f"https://social.example/post/{1000 + number}",
        incident_date=(reported - timedelta(days=rng.randint(0, 6))).astimezone(LONDON).date(),
        description=_description(rng, kind, categories),
        severity=rng.choice(["low", "medium", "high"]),
        flags=flags,
        complainant_name="A. Resident" if source == Source.PUBLIC_COMPLAINT else "",
        complainant_contact="resident@example.org" if source == Source.PUBLIC_COMPLAINT else "",
        **(scope or {}),
    )
    with clock_at(reported):
        case = report_case(reporter, report)
        db.session.flush()
    clock = _Timeline(reported, now, rng)
    if case.route:
        _demo_routed(case, clock, hr)
        return
    paths = BREACH_PATHS if kind == Kind.BREACH else ABUSE_PATHS
    age = (now - reported).days
    # Recent reports are further back along the way; every eleventh case stalls (an overdue item)
    target = paths[number % len(paths)] if age > 60 else rng.choice(("reported", "assessment", paths[-2]))
    if newest:
        target = "reported"  # the newest report: no one has taken it on yet
    stalled = number % 11 == 6

    def step(low, high, actor, action, **params) -> bool:
        if not clock.later(low, high):
            return False
        with clock_at(clock.at):
            perform(case, actor, action, params, version=case.version)
            db.session.flush()
        return True

    if number % 7 == 3 and clock.later(4, 30):
        with clock_at(clock.at):
            add_information(case, reporter, "I have kept a screenshot of the post in case it is deleted.")
            db.session.flush()
    if target == "reported":
        return
    department = subject.department.name if subject and subject.department else None
    owner = managers.get(department, hr) if reporter.id != managers.get(department, hr).id else hr
    if subject is not None and subject.staff_type == "contractor":
        step(1, 6, hos, "acknowledge_contractor_case")
    if not step(2, 30, owner, "take_ownership"):
        return
    if "personal_data_involved" in flags:
        report_it = rng.random() < 0.5
        step(
            2,
            40,
            owner,
            "record_ico_decision",
            report="yes" if report_it else "no",
            reason="Personal data of a resident was published." if report_it else "Removed within the hour; low risk.",
        )
    if target == "assessment":
        return
    if kind == Kind.ABUSE:
        if not step(
            4, 48, owner, "record_support", text="Reported the posts to the platform and arranged a welfare call."
        ):
            return
        if target == "closed":
            step(24 * 10, 24 * 25, owner, "close")
        return
    if target == "closed" and number % 4 == 0:
        step(24, 24 * 5, owner, "close_no_further_action", reason="Informal advice given by the line manager.")
        return
    suspended = False
    if number % 3 != 2:
        suspended = step(1, 20, owner, "suspend_rights", subject=subject.email, reason="Suspended while investigated.")
    if target == "rights_suspended" or (stalled and suspended):
        return
    investigator = next(m for name, m in managers.items() if name != department and m.id != reporter.id)
    params = {"investigator": investigator.email}
    if not suspended:
        params["no_suspension_reason"] = "The post was on a personal account; no council account is involved."
    if not step(24, 24 * 4, owner, "start_investigation", **params):
        return
    step(
        24 * 2,
        24 * 8,
        investigator,
        "add_note",
        kind="interview",
        interviewee_name=subject.name,
        interviewee_role="subject",
        text="Interviewed the member of staff, who accepted posting the content and has since removed it.",
    )
    if target == "investigation" or stalled:
        return
    contractor = subject.staff_type == "contractor"
    finding = rng.choice(["substantiated", "substantiated", "partly_substantiated", "not_substantiated"])
    if contractor:
        sanction = "referred_to_contractor"
    elif finding == "not_substantiated":
        sanction = "no_action"
    else:
        sanction = rng.choice(["management_advice", "training", "first_written_warning", "final_written_warning"])
    if target in ("hearing", "appeal") and not contractor:
        finding, sanction = "substantiated", "final_written_warning"
    formal = sanction in ("first_written_warning", "final_written_warning")
    recommendation = (
        "disciplinary_hearing" if formal else ("no_case_to_answer" if sanction == "no_action" else "informal_action")
    )
    if not step(
        24 * 5,
        24 * 12,
        investigator,
        "record_investigation_report",
        findings=[{"subject": a.subject.email, "category": a.category, "finding": finding} for a in case.allegations],
        summary="The member of staff accepted posting the content; the account and screenshots were reviewed.",
        recommendation=recommendation,
    ):
        return
    decider = hr
    extra = {}
    if formal:
        with clock_at(clock.at):
            _demo_evidence(case, investigator, subject)
        decider = next(
            p
            for p in (hr, *managers.values())
            if p.id not in (reporter.id, investigator.id, subject.id, subject.line_manager_id)
        )
        if not step(4, 48, hr, "record_hr_advice", text="A formal warning is consistent with similar cases."):
            return
        hearing_day = add_working_days(clock.at.astimezone(LONDON).date(), 7, bank_holidays())
        if not step(
            2,
            24,
            owner,
            "arrange_hearing",
            hearing_officer=decider.email,
            hearing_at=f"{hearing_day.isoformat()}T10:00",
            subjects=[subject.email],
        ):
            return
        if target == "hearing" or not clock.later(24 * 11, 24 * 13):
            return
        extra = {"attended": f"{subject.name}, {decider.name}", "companion": "A trade union representative"}
    outcome = {"finding": finding, "sanction": sanction, "summary": "Decided on the investigation report.", **extra}
    if suspended:
        outcome["rights_decision"] = "revoked" if sanction == "final_written_warning" else "restored"
    if not step(24 * 2 if formal else 24 * 10, 24 * 4 if formal else 24 * 22, decider, "record_outcome", **outcome):
        return
    if formal and sanction == "final_written_warning" and (number % 2 == 0 or target == "appeal"):
        if not step(
            24,
            24 * 4,
            owner,
            "lodge_appeal",
            subject=subject.email,
            appeal_officer=hos.email,
            grounds="The sanction is too severe for a first breach.",
        ):
            return
        if target in ("outcome", "appeal"):
            return
        if not step(
            24 * 5,
            24 * 10,
            hos,
            "decide_appeal",
            subject=subject.email,
            result="varied",
            sanction="first_written_warning",
            reason="A first breach; the post was removed at once.",
        ):
            return
    if target in ("outcome", "appeal", "hearing"):
        return
    if contractor:
        if not step(4, 48, hr, "refer", agency="contractor", reason="For GreenStreets Ltd under its own procedures."):
            return
        step(24 * 3, 24 * 10, hos, "record_contractor_action", text="GreenStreets Ltd gave a final written warning.")
    elif target == "referred" or "criminal_offence" in flags or number % 6 == 1:
        if not step(
            4,
            48,
            hr,
            "refer",
            agency="police",
            reason="The post may be an offence.",
            agency_reference=f"CR-{4000 + number}",
        ):
            return
    if case.stage == Stage.REFERRED:
        if target == "referred":
            return
        if not step(
            24 * 7,
            24 * 30,
            hr,
            "update_referral",
            referral_id=case.referrals[0].id,
            status="concluded",
            result="No further action by the agency.",
        ):
            return
    # After the appeal window (5 working days) has passed
    step(24 * 12, 24 * 20, hr, "close")


def _demo_evidence(case, investigator, subject) -> None:
    """A screenshot of the post and the subject's signed policy acknowledgement, so that a demo hearing
    bundle has evidence pages (one image, one PDF)."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    image = Image.new("RGB", (900, 480), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 900, 64), fill=(29, 112, 184))
    draw.text((24, 18), f"social.example  {case.content_url}", fill="white", font=ImageFont.load_default(24))
    draw.text((24, 90), subject.name, fill="black", font=ImageFont.load_default(26))
    body = ImageFont.load_default(22)
    for row, line in enumerate(textwrap.wrap(case.description, 70)[:10]):
        draw.text((24, 140 + row * 32), line, fill=(11, 12, 12), font=body)
    screenshot = io.BytesIO()
    image.save(screenshot, "PNG")
    screenshot.seek(0)
    add_file(case, investigator, screenshot, "screenshot-of-post.png", "Screenshot of the post, taken when reported")

    letter = io.BytesIO()
    page = canvas.Canvas(letter, pagesize=A4)
    page.setFont("Helvetica-Bold", 16)
    page.drawString(72, 760, "Social Networking Policy: acknowledgement")
    page.setFont("Helvetica", 12)
    for row, line in enumerate(
        (
            f"I, {subject.name}, have read the council's Social Networking Policy and the",
            "Acceptable Use of Social Media Policy, and understand that a breach may be",
            "dealt with under the disciplinary procedure (Social Networking Policy 11.3).",
            "",
            f"Signed: {subject.name}",
        )
    ):
        page.drawString(72, 720 - row * 20, line)
    page.save()
    letter.seek(0)
    add_file(case, investigator, letter, "policy-acknowledgement.pdf", "Signed acknowledgement of the policy")


# Acceptable Use of Social Media Policy 2 and 3: one report of each kind that goes to another procedure
ROUTED_DEMO = (
    {"scope": "councillor", "person_name": "Councillor P. Example", "category": "political"},
    {
        "scope": "school_staff",
        "person_name": "A teaching assistant",
        "school_name": "Demo Primary School",
        "children_at_risk": True,
        "category": "service_user_contact",
    },
    {"scope": "council_staff", "whistleblowing": True, "category": "confidential_information"},
)


def _demo_scope(number: int, kind: str) -> dict | None:
    """The scope answers of the demo's routed reports: the 3rd, 13th and 23rd cases (which would otherwise close)."""
    if kind != Kind.BREACH or number % 10 != 2 or number // 10 >= len(ROUTED_DEMO):
        return None
    return dict(ROUTED_DEMO[number // 10])


def _demo_routed(case, clock, hr) -> None:
    """HR passes a routed report on; the LADO acknowledges and concludes; older ones are closed."""

    def step(low, high, action, **params) -> bool:
        if not clock.later(low, high):
            return False
        with clock_at(clock.at):
            perform(case, hr, action, params, version=case.version)
            db.session.flush()
        return True

    lado = next((r for r in case.referrals if r.agency == "lado"), None)
    if lado is not None:
        if not step(1, 6, "update_referral", referral_id=lado.id, status="acknowledged", agency_reference="LADO-0142"):
            return
    if case.route == "whistleblowing":
        return  # waiting for HR to pass it on
    if not step(2, 20, "record_handoff", text="Passed on by secure e-mail with the screenshots.", handoff_reference=""):
        return
    if lado is not None and not step(
        48, 200, "update_referral", referral_id=lado.id, status="concluded", result="Advice given to the school."
    ):
        return
    step(24, 200, "close_routed", reason="Dealt with under the other procedure.")
