"""Default settings. `instance/config.py` and environment variables override them.

Every duration the policies leave to the council is a setting here, not code.
"""

import os


class DefaultConfig:
    COUNCIL_NAME = "Demo Borough Council"
    SERVICE_NAME = "Casework"

    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: instance/casework.db
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Cookies go only over HTTPS, whatever the Host header says; `make run` and the tests turn this off
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    WTF_CSRF_TIME_LIMIT = None
    # Behind a reverse proxy: how many proxies to trust for X-Forwarded-* (0: none; see casework.web.security)
    TRUST_PROXY = 0

    # Pagination of case lists
    CASES_PER_PAGE = 25

    # A report with the same kind, people and description as one the same person sent
    # this many minutes before is shown that earlier report first
    SIMILAR_REPORT_MINUTES = 30

    # Working days: bank holidays of this part of the UK (holidays package)
    HOLIDAYS_COUNTRY = "GB"
    HOLIDAYS_SUBDIVISION = "ENG"  # England and Wales share bank holidays

    # Deadlines (working days unless named otherwise)
    INVESTIGATION_WORKING_DAYS = 20
    SUSPENSION_REVIEW_WORKING_DAYS = 10
    APPEAL_WINDOW_WORKING_DAYS = 5
    # A disciplinary hearing is on a working day at least this many working days ahead (ACAS Code of Practice)
    HEARING_NOTICE_WORKING_DAYS = 5
    # A hearing is postponed once, by at most this many working days (Employment Relations Act 1999 s10(4))
    HEARING_POSTPONE_MAX_WORKING_DAYS = 5
    # Who may decide a dismissal, as hearing or appeal officer
    DISMISSAL_AUTHORITY_ROLES = ("hr", "head_of_service")
    # Roles ranked by seniority: an appeal officer should outrank the hearing officer where both are ranked
    SENIORITY = {"manager": 1, "head_of_service": 2}
    LADO_REFERRAL_WORKING_DAYS = 1
    # Social Networking Policy 11.4: the head of service is told of a contractor's case at once
    HEAD_OF_SERVICE_INFORMED_WORKING_DAYS = 1
    # A threat or a possible crime against a member of staff: decide on a police referral
    POLICE_DECISION_WORKING_DAYS = 1
    ICO_DECISION_HOURS = 72
    REFERRAL_FOLLOW_UP_WORKING_DAYS = 10

    # Acceptable Use of Social Media Policy 2 and 3: reports that another procedure deals with. Each contact
    # is e-mailed through the outbox (the reference only, no details) that a report is coming; unset: HR is
    # told to pass it on by hand. SCHOOL_CONTACTS maps a school's name to its address (the headteacher or
    # the clerk to the governors); other schools go to SCHOOLS_EMAIL (the council's schools HR team).
    MONITORING_OFFICER_EMAIL = None
    WHISTLEBLOWING_EMAIL = None
    SCHOOLS_EMAIL = None
    SCHOOL_CONTACTS: dict = {}
    LADO_EMAIL = None
    # A routed report is passed on, and the hand-off recorded, within this many working days
    ROUTED_HANDOFF_WORKING_DAYS = 2
    ACCOUNT_TRIAL_MONTHS = 3
    # Council accounts (Social Networking Policy 7, 8.1). The Communications team approves or refuses proposals,
    # reviews trials, removes accounts and trains publishers: people of a role in ACCOUNT_APPROVER_ROLES and
    # anyone in the department named COMMUNICATIONS_DEPARTMENT (set ACCOUNT_APPROVER_ROLES = () to leave it to
    # that department alone). The team is reminded ACCOUNT_TRIAL_REMINDER_DAYS before a trial ends. An account
    # not used for ACCOUNT_DORMANT_MONTHS is flagged for removal (7.5). Training lasts TRAINING_VALID_MONTHS;
    # its holder and the team are reminded TRAINING_REMINDER_DAYS before it lapses.
    ACCOUNT_APPROVER_ROLES = ("admin", "hr")
    COMMUNICATIONS_DEPARTMENT = "Communications"
    ACCOUNT_TRIAL_REMINDER_DAYS = 14
    ACCOUNT_DORMANT_MONTHS = 6
    TRAINING_VALID_MONTHS = 12
    TRAINING_REMINDER_DAYS = 30

    # Online research (Acceptable Use of Social Media Policy 8): viewing the same profile RIPA_REPEAT_VIEWS
    # times within RIPA_REPEAT_WINDOW_DAYS is warned about, and more views are logged only under an
    # authorisation in force, given by someone of RIPA_AUTHORISING_ROLE. An authorisation lasts
    # RIPA_AUTHORISATION_MONTHS, is reviewed every RIPA_REVIEW_DAYS, and an application is decided
    # within RIPA_DECISION_WORKING_DAYS.
    RIPA_REPEAT_VIEWS = 3
    RIPA_REPEAT_WINDOW_DAYS = 28
    RIPA_AUTHORISING_ROLE = "head_of_service"
    RIPA_AUTHORISATION_MONTHS = 3
    RIPA_REVIEW_DAYS = 28
    RIPA_DECISION_WORKING_DAYS = 5

    # Warnings stay live for this many months
    FIRST_WRITTEN_WARNING_MONTHS = 6
    FINAL_WRITTEN_WARNING_MONTHS = 12

    # Retention of closed cases, in years, by kind
    RETENTION_YEARS = {"breach": 6, "abuse": 6}

    # Evidence
    EVIDENCE_MAX_BYTES = 25 * 1024 * 1024
    MAX_CONTENT_LENGTH = 26 * 1024 * 1024

    # Web captures ("Capture this web page"): headless Chromium on the server, as a background job.
    # The queue is SQLite in instance/tasks.db unless TASK_QUEUE_URL names Redis (redis://host:6379/0);
    # `flask --app app casework worker` runs the jobs. HUEY_IMMEDIATE runs a job in the request (tests).
    TASK_QUEUE_URL = None
    HUEY_IMMEDIATE = False
    CAPTURE_TIMEOUT_SECONDS = 60
    CAPTURE_MAX_BYTES = 50 * 1024 * 1024  # the page and everything it loads
    CAPTURE_MAX_REDIRECTS = 10
    # Private and loopback addresses are never captured, except in these networks (e.g. "10.20.0.0/16")
    CAPTURE_ALLOWED_NETWORKS: tuple = ()
    CHROMIUM_PATH = "/usr/bin/chromium"
    CHROMIUM_ARGS = (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    )

    # The hearing bundle is signed as a PDF (PAdES) with the council's certificate: either a PKCS#12 file
    # (BUNDLE_SIGNING_PKCS12, .p12 or .pfx) or a certificate and its key (BUNDLE_SIGNING_CERT and
    # BUNDLE_SIGNING_KEY, PEM or DER), opened with BUNDLE_SIGNING_PASSPHRASE; BUNDLE_SIGNING_CHAIN names the
    # certificates up to the council's root (a list, or paths joined by ":"). Unset: bundles are sealed, not signed.
    BUNDLE_SIGNING_PKCS12 = None
    BUNDLE_SIGNING_CERT = None
    BUNDLE_SIGNING_KEY = None
    BUNDLE_SIGNING_CHAIN = None
    BUNDLE_SIGNING_PASSPHRASE = None

    # Mail: without MAIL_SERVER mail is written to the log
    MAIL_SERVER = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "casework@demo.invalid"
    MAIL_TIMEOUT_SECONDS = 30
    # A failed e-mail is tried again after 1, 2, 4 … minutes (at most
    # MAIL_RETRY_MAX_MINUTES apart) and given up after MAIL_MAX_ATTEMPTS tries.
    MAIL_MAX_ATTEMPTS = 8
    MAIL_RETRY_MAX_MINUTES = 60
    # How long a sender holds an e-mail it is sending before another may try it
    MAIL_CLAIM_MINUTES = 10

    # Single sign-on with the council's OpenID Connect provider (Microsoft Entra ID: the issuer is
    # https://login.microsoftonline.com/TENANT-ID/v2.0); unset: passwords only
    OIDC_ISSUER = None
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_TIMEOUT_SECONDS = 10

    # Where people reach Casework (https://casework.council.example): the start of links in e-mails
    PUBLIC_URL = None
    # Invitation and password reset links work once, for this many hours
    PASSWORD_LINK_HOURS = 24
    FORGOTTEN_PASSWORD_LIMITS = "5 per minute;20 per hour"  # noqa: S105 (a rate, per address)

    # A leaver's open cases are to be given to someone else within this many working days
    LEAVER_REASSIGN_WORKING_DAYS = 5

    # Staff directory import (flask casework import-staff, Admin > Import staff): the most people in one
    # file, and extra column headings by field (e.g. {"employee_number": "Payroll ID"}); see the README
    STAFF_IMPORT_MAX_ROWS = 50_000
    STAFF_IMPORT_COLUMNS: dict = {}

    API_TOKEN_DAYS = 90
    API_TOKEN_MAX_DAYS = 365

    # Sign-in security. Rate limits (Flask-Limiter) are counted in memory, per
    # process; with several app processes set RATELIMIT_STORAGE_URI to a shared
    # redis://host:6379 so they count together (gunicorn.conf.py refuses to start
    # several workers counting in memory). When the store cannot be reached each
    # process warns once and counts in its own memory until it is back. Failed
    # sign-ins and lockouts are counted in the database, whatever the store.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_KEY_PREFIX = "casework"
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMITS_PER_ADDRESS = "60 per minute;600 per hour"
    SIGN_IN_LIMITS_PER_ACCOUNT = "10 per minute;50 per hour"
    TWO_FACTOR_LIMITS = "10 per minute;30 per hour"  # the code step, per person signing in
    PASSWORD_CHANGE_LIMITS = "10 per hour"  # noqa: S105 (a rate, per person)
    API_LIMITS_PER_TOKEN = "300 per minute"  # noqa: S105 (a rate)
    API_LIMITS_PER_ADDRESS = "1200 per minute"
    # After LOCKOUT_ATTEMPTS wrong passwords or codes in a row an account is locked for LOCKOUT_MINUTES
    LOCKOUT_ATTEMPTS = 5
    LOCKOUT_MINUTES = 15
    PASSWORD_MIN_LENGTH = 12
    # Two-factor (an authenticator app's codes) is required for these roles
    MFA_REQUIRED_ROLES = ("hr", "admin")
    MFA_PENDING_MINUTES = 10  # time to give the code after the password
    # Two-factor secrets are sealed with a key derived from MFA_KEY, or SECRET_KEY when unset.
    # To rotate: new MFA_KEY, the old one in MFA_OLD_KEYS, `flask casework rotate-mfa-key`.
    MFA_KEY = None
    MFA_OLD_KEYS: tuple = ()
    RECOVERY_CODE_COUNT = 10
    # A session ends after this long unused, and after this long whatever happens
    SESSION_IDLE_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12


ENVIRONMENT_KEYS = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "SECRET_KEY": "SECRET_KEY",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "COUNCIL_NAME": "COUNCIL_NAME",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "TRUST_PROXY": "TRUST_PROXY",
    "MFA_KEY": "MFA_KEY",
    "MFA_OLD_KEYS": "MFA_OLD_KEYS",
    "SESSION_COOKIE_SECURE": "SESSION_COOKIE_SECURE",
    "REMEMBER_COOKIE_SECURE": "REMEMBER_COOKIE_SECURE",
    "TASK_QUEUE_URL": "TASK_QUEUE_URL",
    "PUBLIC_URL": "PUBLIC_URL",
    "OIDC_ISSUER": "OIDC_ISSUER",
    "OIDC_CLIENT_ID": "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET": "OIDC_CLIENT_SECRET",
    "MONITORING_OFFICER_EMAIL": "MONITORING_OFFICER_EMAIL",
    "WHISTLEBLOWING_EMAIL": "WHISTLEBLOWING_EMAIL",
    "SCHOOLS_EMAIL": "SCHOOLS_EMAIL",
    "LADO_EMAIL": "LADO_EMAIL",
    "BUNDLE_SIGNING_PKCS12": "BUNDLE_SIGNING_PKCS12",
    "BUNDLE_SIGNING_CERT": "BUNDLE_SIGNING_CERT",
    "BUNDLE_SIGNING_KEY": "BUNDLE_SIGNING_KEY",
    "BUNDLE_SIGNING_CHAIN": "BUNDLE_SIGNING_CHAIN",
    "BUNDLE_SIGNING_PASSPHRASE": "BUNDLE_SIGNING_PASSPHRASE",
}
BOOLEAN_KEYS = {"SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"}


def from_environment() -> dict:
    """Settings given as environment variables (DATABASE_URL, SECRET_KEY, …)."""
    found = {}
    for env_name, key in ENVIRONMENT_KEYS.items():
        value = os.environ.get(env_name)
        if not value:
            continue
        if key == "MAIL_PORT":
            found[key] = int(value)
        elif key in BOOLEAN_KEYS:
            found[key] = boolean_setting(env_name, value)
        else:
            found[key] = value
    return found


def boolean_setting(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def normalise_database_url(url: str) -> str:
    """postgres:// and postgresql:// both mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
