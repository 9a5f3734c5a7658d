"""Configuration read from the environment; one class per deployment shape."""
import os
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# Outside demo mode and tests the app refuses to start with this PUBLIC_URL (community/startup.py).
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str) -> str:
    """Accept the usual postgres:// and postgresql:// forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    # A random key per process would log everyone out on restart and break several processes behind one
    # load balancer: production must set SECRET_KEY (the app refuses to start without); demo mode shares
    # one generated key through instance/secret_key (community/startup.py).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SQLALCHEMY_DATABASE_URI = database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'kommunalnetz.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # The address people reach the site by: every absolute link (mails) is built from it, and requests
    # with another Host header are refused (400), besides the names in TRUSTED_HOSTS_EXTRA (commas).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", DEFAULT_PUBLIC_URL)
    TRUSTED_HOSTS_EXTRA = os.environ.get("TRUSTED_HOSTS_EXTRA", "" if os.environ.get("PUBLIC_URL") else "localhost")

    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 1024 * 1024))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; long forms must not expire

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    RATE_LIMITS_ENABLED = _flag("RATE_LIMITS_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "memory://"
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_REGISTER = os.environ.get("RATELIMIT_REGISTER", "5 per hour")
    RATELIMIT_PASSWORD_RESET = os.environ.get("RATELIMIT_PASSWORD_RESET", "5 per hour")
    RATELIMIT_CONFIRM_RESEND = os.environ.get("RATELIMIT_CONFIRM_RESEND", "5 per hour")
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "300 per minute")
    # New contact requests per organisation (web and API together): no mass mailing through us.
    RATELIMIT_CONTACT = os.environ.get("RATELIMIT_CONTACT", "20 per day")
    # Socket events (join, send, sync, typing, ...) per user, all processes together.
    RATELIMIT_SOCKET = os.environ.get("RATELIMIT_SOCKET", "30 per 10 seconds")
    # Wrong passwords per address and client (IP) within LOGIN_LOCK_MINUTES before that pair is refused;
    # the same address from another client is not (community/auth/throttle.py).
    # How many reverse proxies (nginx) stand in front and set X-Forwarded-For/-Proto: the client address
    # (login throttling, rate limits) is then read from there. 0: the peer address is the client's.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))
    # Processes serving requests (gunicorn reads the same variable): more than one needs shared rate limits.
    WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", 1))
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", 15))

    # Platform roles that must sign in with a second factor (TOTP); they enrol at their next sign-in.
    SECOND_FACTOR_ROLES = tuple(
        role.strip() for role in os.environ.get("SECOND_FACTOR_ROLES", "admin,consultant,moderator").split(",")
        if role.strip())
    # OpenID Connect providers as a JSON list (docs/sign-in.md): name, label, discovery URL (or issuer),
    # client_id, client_secret, and optionally role_claim with role_map (claim value -> platform role).
    OIDC_PROVIDERS = os.environ.get("OIDC_PROVIDERS", "")

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 587))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", True)  # STARTTLS (port 587), verifying certificate and host name
    MAIL_USE_SSL = _flag("MAIL_USE_SSL", False)  # TLS from the first byte (port 465), verified the same way
    # CA certificates (PEM) that sign an internal relay's certificate, besides the system's.
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE") or None
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "kommunalnetz@localhost")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", 30))
    # Without MAIL_SERVER mails are written here as .eml files (and listed for admins).
    MAIL_DIR = os.environ.get("MAIL_DIR") or str(BASE_DIR / "instance" / "mail")
    # Delivery attempts before a mail counts as failed; the n-th retry waits MAIL_RETRY_DELAY * 2**(n-1) s.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", 6))
    MAIL_RETRY_DELAY = float(os.environ.get("MAIL_RETRY_DELAY", 60))
    # A consumer claims a mail for this long; a claim older than that belonged to a consumer that died.
    MAIL_CLAIM_SECONDS = float(os.environ.get("MAIL_CLAIM_SECONDS", 300))
    MAIL_BATCH_SIZE = int(os.environ.get("MAIL_BATCH_SIZE", 100))
    # The sweep re-enqueues pending mails due for longer than this (their job was most likely lost).
    MAIL_SWEEP_AFTER = float(os.environ.get("MAIL_SWEEP_AFTER", 120))
    # Retention (community/account/retention.py, docs/legal.md): delivered mails keep their body this many
    # days (reset links, personal text), read notifications are deleted after this many days.
    MAIL_RETENTION_DAYS = int(os.environ.get("MAIL_RETENTION_DAYS", 30))
    NOTIFICATION_RETENTION_DAYS = int(os.environ.get("NOTIFICATION_RETENTION_DAYS", 365))
    PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Kommunalnetz")
    # The centre's promise: a first answer to a consultation request within this many working days.
    CONSULTATION_ANSWER_DAYS = int(os.environ.get("CONSULTATION_ANSWER_DAYS", "5"))
    DIGEST_TIMEZONE = os.environ.get("DIGEST_TIMEZONE", "Europe/Berlin")
    # The job queue (community/jobs.py): sqlite | redis | memory; default redis with REDIS_URL, else sqlite.
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND") or None
    JOBS_SQLITE_PATH = os.environ.get("JOBS_SQLITE_PATH") or None
    JOBS_NAME = os.environ.get("JOBS_NAME", "kommunalnetz")
    JOBS_IMMEDIATE = _flag("JOBS_IMMEDIATE", False)
    PASSWORD_RESET_MAX_AGE = 60 * 60 * 2
    # The link that confirms a self-registered account's address (community/auth/confirmation.py).
    EMAIL_CONFIRM_MAX_AGE = 60 * 60 * 48
    INVITE_MAX_AGE = 60 * 60 * 24 * 14

    DEMO_MODE = _flag("DEMO_MODE", False)
    # How many organisations of the official register `flask seed-demo` writes: 0 means all of them (about
    # 12,200); tests take a slice, always with every municipality the demo gives needs and people.
    DEMO_REGISTER_SLICE = int(os.environ.get("DEMO_REGISTER_SLICE", "0"))
    # Only a public body may show KERN's Kopfzeile ("Official website – ..."); a private operator must not.
    OPERATOR_IS_PUBLIC_BODY = _flag("OPERATOR_IS_PUBLIC_BODY", False)
    OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "")
    # The operator's facts for the Impressum, the privacy page and the accessibility statement
    # (community/legal/). Unset, the pages show invented demo facts and say so. Addresses and other
    # multi-line values separate lines with "|". LEGAL_TEXTS_DIR may hold `<page>.<locale>.md`
    # (impressum, barrierefreiheit, privacy; locale de or en): its Markdown replaces the page's body.
    OPERATOR_ADDRESS = os.environ.get("OPERATOR_ADDRESS", "")
    OPERATOR_EMAIL = os.environ.get("OPERATOR_EMAIL", "")
    OPERATOR_PHONE = os.environ.get("OPERATOR_PHONE", "")
    OPERATOR_REPRESENTATIVE = os.environ.get("OPERATOR_REPRESENTATIVE", "")
    OPERATOR_CONTENT_RESPONSIBLE = os.environ.get("OPERATOR_CONTENT_RESPONSIBLE", "")
    OPERATOR_VAT_ID = os.environ.get("OPERATOR_VAT_ID", "")
    OPERATOR_REGISTER = os.environ.get("OPERATOR_REGISTER", "")
    PRIVACY_OFFICER = os.environ.get("PRIVACY_OFFICER", "")
    SUPERVISORY_AUTHORITY = os.environ.get("SUPERVISORY_AUTHORITY", "")
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "")
    ACCESSIBILITY_ENFORCEMENT = os.environ.get("ACCESSIBILITY_ENFORCEMENT", "")
    ACCESSIBILITY_STATEMENT_DATE = os.environ.get("ACCESSIBILITY_STATEMENT_DATE", "2026-12-03")
    LEGAL_TEXTS_DIR = os.environ.get("LEGAL_TEXTS_DIR") or str(BASE_DIR / "instance" / "legal")
    # Matching index: snapshots written by `flask matching rebuild`; how often (seconds) a process
    # looks for changes made by the others; rebuild in a background thread after vocabulary drift.
    MATCHING_INDEX_DIR = os.environ.get("MATCHING_INDEX_DIR") or str(BASE_DIR / "instance" / "matching")
    MATCHING_SYNC_SECONDS = float(os.environ.get("MATCHING_SYNC_SECONDS", 1.0))
    MATCHING_BACKGROUND_REFIT = _flag("MATCHING_BACKGROUND_REFIT", True)
    PER_PAGE = 20
    # Attachments (docs/attachments.md): `local` keeps them under ATTACHMENTS_DIR (default instance/attachments);
    # `package.module:factory` names another Storage (an S3-compatible store). At most ATTACHMENT_MAX_BYTES each.
    ATTACHMENTS_STORAGE = os.environ.get("ATTACHMENTS_STORAGE", "local")
    ATTACHMENTS_DIR = os.environ.get("ATTACHMENTS_DIR") or str(BASE_DIR / "instance" / "attachments")
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))
    # A room's `presence` goes out at most once per PRESENCE_INTERVAL seconds (the last change
    # included); with REDIS_URL the entries of a process that died vanish after PRESENCE_TTL seconds.
    PRESENCE_INTERVAL = float(os.environ.get("PRESENCE_INTERVAL", 1.0))
    # Mentions and live matches of a sent message run in a greenlet of their own, after the ack
    # (community/rooms/events.py); off: inline, in the same order, before the ack.
    SOCKET_AFTER_ACK_BACKGROUND = _flag("SOCKET_AFTER_ACK_BACKGROUND", True)
    # Offer websocket per-message deflate (compresses every message once per receiver; off: one frame
    # per broadcast for all, community/sockets.py).
    SOCKET_WEBSOCKET_DEFLATE = _flag("SOCKET_WEBSOCKET_DEFLATE", False)
    PRESENCE_TTL = int(os.environ.get("PRESENCE_TTL", 60))

    # Operations (docs/operations.md). Logs: JSON lines on stdout (LOG_FORMAT=text for plain lines).
    LOG_CONFIGURE = _flag("LOG_CONFIGURE", True)
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
    # /metrics answers loopback and these addresses or networks (commas), everyone else 403.
    METRICS_ALLOWED = os.environ.get("METRICS_ALLOWED", "")
    # /readyz fails when no job consumer wrote its heartbeat (each minute) for this many seconds.
    CONSUMER_HEARTBEAT_MAX_AGE = float(os.environ.get("CONSUMER_HEARTBEAT_MAX_AGE", 120))
    # Error reports to a Sentry-compatible server (Sentry, GlitchTip); nothing is sent without it.
    SENTRY_DSN = os.environ.get("SENTRY_DSN") or None
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
    # /.well-known/security.txt (RFC 9116): a mailto: or https:// address; unset, the file is 404.
    SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "")
    SECURITY_POLICY_URL = os.environ.get("SECURITY_POLICY_URL", "")


class TestConfig(Config):
    TESTING = True
    # Tests read the English message ids; tests/test_i18n.py checks the German default.
    BABEL_DEFAULT_LOCALE = "en"
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_SQLITE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_ENABLED = False
    RATE_LIMITS_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None
    SERVER_NAME = "localhost"
    PUBLIC_URL = "http://localhost"
    TRUSTED_HOSTS_EXTRA = ""
    MATCHING_BACKGROUND_REFIT = False  # rebuild inline, so a test never races a thread
    DEMO_REGISTER_SLICE = 1_000  # the demo's municipalities with needs and a few more: seeds in seconds
    PRESENCE_INTERVAL = 0.0  # every join and leave announced at once
    SOCKET_AFTER_ACK_BACKGROUND = False  # the test client reads a `match` right after the ack
    # Jobs stay in this process's memory: nothing is delivered unless a test runs the queue.
    JOBS_BACKEND = "memory"
    JOBS_IMMEDIATE = False
    LOG_CONFIGURE = False  # pytest captures the log; no handler of our own on its root logger
    SENTRY_DSN = None
    SECURITY_CONTACT = ""
    # No test (nor a module-wide demo world) writes into instance/; keys are random, so runs may share it.
    ATTACHMENTS_DIR = os.path.join(tempfile.gettempdir(), "kn-test-attachments")
