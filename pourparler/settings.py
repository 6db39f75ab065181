"""Settings, read from the environment (see .env.example)."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """Return an environment variable, or the default."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read an integer environment variable."""
    raw = os.environ.get(name)
    return default if raw in (None, "") else int(raw)


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def pool_options() -> dict[str, int]:
    """psycopg's connection pool for PostgreSQL, per server process (docs/operations.md).

    Each gunicorn worker holds at least POURPARLER_DB_POOL_MIN connections and at most
    POURPARLER_DB_POOL_MAX; a request waits up to POURPARLER_DB_POOL_TIMEOUT seconds for one.
    """
    return {
        "min_size": env_int("POURPARLER_DB_POOL_MIN", 1),
        "max_size": env_int("POURPARLER_DB_POOL_MAX", 2),
        "timeout": env_int("POURPARLER_DB_POOL_TIMEOUT", 10),
    }


# pytest (8.2+) sets PYTEST_VERSION before anything imports these settings.
TESTING = env_bool("POURPARLER_TESTING") or "PYTEST_VERSION" in os.environ
DATA_DIR = Path(env_str("POURPARLER_DATA_DIR", str(BASE_DIR / "var")))
DEBUG = env_bool("POURPARLER_DEBUG", False)
# Demo mode relaxes what a demonstration on a laptop cannot have (second factor, TLS),
# and says so on every page.
DEMO_MODE = env_bool("POURPARLER_DEMO", False)

# Encryption at rest (core/crypto.py): the master key that wraps the data keys, as
# base64 text in the environment or in a file that must not sit in DATA_DIR or beside
# the SQLite database (the application refuses to start otherwise). Set one of the two.
# With neither, demo mode makes $XDG_CONFIG_HOME/pourparler/demo-master.key once and the
# tests use a key made per process; anything else refuses to read or write records.
MASTER_KEY = env_str("POURPARLER_MASTER_KEY")
MASTER_KEY_FILE = env_str("POURPARLER_MASTER_KEY_FILE")

SECRET_KEY = env_str("POURPARLER_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("Set POURPARLER_SECRET_KEY (see .env.example).")

ALLOWED_HOSTS = env_list("POURPARLER_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("POURPARLER_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # django-ninja: the REST API's docs page and its bundled Swagger UI files (static).
    "ninja",
    "pourparler.core",
    "pourparler.geo",
    "pourparler.bearers",
    "pourparler.people",
    "pourparler.dialogue",
    # What the dialogue is for (issue order: concerns and access before commitments,
    # which cite them as evidence).
    "pourparler.concerns",
    "pourparler.access",
    "pourparler.commitments",
    "pourparler.training",
    "pourparler.integration",
    "pourparler.exchange",
    "pourparler.law",
    "pourparler.negotiation",
    "pourparler.briefs",
    "pourparler.handover",
    "pourparler.engagement",
    "pourparler.maps",
    "pourparler.dashboards",
    "pourparler.networks",
    # Full-text search over what each user may see (docs/search.md).
    "pourparler.search",
    # `pourparler generate`: a large, realistic world for benchmarks (no models).
    "pourparler.generate",
    # Background jobs (docs/jobs.md): django-tasks, its database backend, our tasks.
    "django_tasks",
    "django_tasks_db",
    "pourparler.jobs",
    "pourparler.api",
    "pourparler.ui",
]

# Order matters: the security headers wrap everything (static files too); OTPMiddleware
# follows AuthenticationMiddleware; the session timeouts run before the login wall and the
# second-factor wall; AxesMiddleware comes last (it turns a lockout into our lockout page).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "pourparler.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "pourparler.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the cookie set by the language switcher (/i18n/setlang/), else the
    # browser's Accept-Language, else English.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pourparler.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pourparler.core.middleware.SessionTimeoutMiddleware",
    "pourparler.core.middleware.LoginRequiredMiddleware",
    "pourparler.core.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pourparler.urls"
WSGI_APPLICATION = "pourparler.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pourparler.ui.context.site",
            ],
        },
    },
]

DEFAULT_SQLITE = DATA_DIR / "pourparler.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # the start of a transaction so two writers queue instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("POURPARLER_DB_POOL", True) and not TESTING:
        DATABASES["default"]["OPTIONS"]["pool"] = pool_options()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
if TESTING:
    # Tests create many users; a fast hasher keeps the suite quick. Never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in (docs/architecture.md, "Sign-in and sessions"). django-axes counts failed
# sign-ins per user name, from any address, and pauses the user name after
# POURPARLER_LOGIN_FAILURE_LIMIT failures until POURPARLER_LOGIN_COOLOFF_MINUTES have
# passed since the last one (`pourparler axes_reset_username NAME` lifts it sooner).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("POURPARLER_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("POURPARLER_LOGIN_COOLOFF_MINUTES", 30))
# "username" alone stops guessing on one account from any number of addresses; the
# (username, address) pair never locks sooner and keeps axes' own check (axes.W006) met.
# Addresses alone are not used: a delegation's staff share one office address.
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "pourparler.ui.signin.locked_out"
AXES_ENABLE_ADMIN = False

# Second factor (TOTP, django-otp): required of every account unless turned off; demo
# mode always turns it off and says so on every page.
REQUIRE_SECOND_FACTOR = env_bool("POURPARLER_REQUIRE_SECOND_FACTOR", True) and not DEMO_MODE
OTP_TOTP_ISSUER = "Pourparler"
# Each wrong code doubles the wait before the next one is checked (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1

# Sessions end POURPARLER_SESSION_MAX_SECONDS after sign-in whatever the activity, and
# after POURPARLER_SESSION_IDLE_SECONDS without a request (SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = env_int("POURPARLER_SESSION_MAX_SECONDS", 8 * 3600)
SESSION_IDLE_SECONDS = env_int("POURPARLER_SESSION_IDLE_SECONDS", 1800)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Relaxed: a laptop demonstration, a developer's machine or the test suite (no TLS there).
RELAXED_TRANSPORT = DEBUG or DEMO_MODE or TESTING
SECURE_COOKIES = env_bool("POURPARLER_SECURE_COOKIES", not RELAXED_TRANSPORT)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("POURPARLER_SSL_REDIRECT", not RELAXED_TRANSPORT)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("POURPARLER_HSTS_SECONDS", 0 if RELAXED_TRANSPORT else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
# Behind a TLS-terminating proxy: the header it sets to "https", e.g. X-Forwarded-Proto.
# Only set it if the proxy always sets or strips that header.
_PROXY_SSL_HEADER = env_str("POURPARLER_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")

# Security headers. Permissions-Policy is set by PermissionsPolicyMiddleware.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: templates link /static/ files only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# The map (maps app): a tile server URL such as https://tile.example.org/{z}/{x}/{y}.png.
# Empty by default: the map draws the Natural Earth country outlines it ships, offline.
# When set, the map pages add that host (and no other) to the CSP's img-src (docs/maps.md).
MAP_TILE_URL = env_str("POURPARLER_MAP_TILE_URL", "")

# Four languages (docs/translation.md). The switcher names each in its own language
# (Django's name_local: English, Français, العربيّة, Español), so a reader finds theirs
# whatever language the page is in. Arabic is right-to-left.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("ar", "العربية"),
    ("es", "Español"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates and decimals follow the chosen language (Django's formats for en, fr, ar, es).
# Digits are NOT grouped by default: ids, versions and years printed in templates
# ({{ b.pk }} in an <option>, {{ year }}) must stay plain. A count that reads better
# grouped says so: {{ n|floatformat:"g" }} groups it the language's way (1,234 / 1 234).
USE_THOUSAND_SEPARATOR = False
# English dates read day month year ("29 Nov 2026"); the other languages keep Django's.
FORMAT_MODULE_PATH = ["pourparler.ui.formats"]
# The language switcher's choice, kept in a cookie (the sign-in page has no session yet).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Static files get a hash of their content in their names (ui/pourparler.6c24a8cd4b55.css),
# so browsers keep them for good and a slow link pays no revalidation round trip; a new
# version is a new name (docs/page-weight.md). `pourparler serve` collects them first.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "pourparler.ui.staticfiles.HashedStaticFiles"},
}
if TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE or TESTING

# Messages can quote what a user just did (a follow-up's action): keep them in the
# server-side session, never in a cookie the browser stores.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "pourparler.core.context.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("POURPARLER_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step of every PDF at INFO: only its warnings are worth a line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# The tamper-evident audit log (core/audit.py). Checkpoints are signed with an Ed25519
# key read from a file that must not sit in DATA_DIR or beside the SQLite database (PEM
# or 32 raw bytes, readable by the owner only). Demo mode makes one once under
# $XDG_CONFIG_HOME/pourparler/; the tests use a key made per process. A verifier may
# be given the public key alone (one or more PEM public keys, or 32 raw bytes).
AUDIT_SIGNING_KEY_FILE = env_str("POURPARLER_AUDIT_SIGNING_KEY_FILE")
AUDIT_PUBLIC_KEY_FILE = env_str("POURPARLER_AUDIT_PUBLIC_KEY_FILE")
AUDIT_CHECKPOINT_EVERY = env_int("POURPARLER_AUDIT_CHECKPOINT_EVERY", 1000)

# Need-to-know grants are short by design: the longest a grant may run, in days; a longer
# need is met by renewing it, which leaves a fresh reason in the audit chain.
GRANT_MAX_DAYS = env_int("POURPARLER_GRANT_MAX_DAYS", 90)

# Personal API tokens (api/tokens.py, docs/api.md): how many days a new token is valid
# unless told otherwise, and the longest it may be made for.
API_TOKEN_DAYS = env_int("POURPARLER_API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("POURPARLER_API_TOKEN_MAX_DAYS", 365)

# Retention (core/retention.py, which says what date starts each kind's clock). For each
# kind of record: the days after that date when it expires, and what `pourparler
# retention run` then does with it: "anonymise" (overwrite names and text and remove
# their earlier values from the change log) or "delete" (a tombstone, logged; sign-in
# records are erased). 0 days keeps that kind for ever. Sign-in records can only be deleted.
# The records under a concern (sources, representations, responses, status changes,
# follow-ups) follow the concern; a commitment's signatories and observations follow it;
# a negotiation file's tools and versions follow it (its clock: closed and unchanged).
RETENTION = {
    kind: {
        "days": env_int(f"POURPARLER_RETENTION_{kind.upper()}_DAYS", days),
        "action": env_str(f"POURPARLER_RETENTION_{kind.upper()}_ACTION", action),
    }
    for kind, days, action in (
        ("person", 5 * 365, "anonymise"),
        ("interaction", 10 * 365, "anonymise"),
        ("follow_up", 10 * 365, "anonymise"),
        ("concern", 10 * 365, "anonymise"),
        ("acceptance_assessment", 5 * 365, "anonymise"),
        ("checkpoint_passage", 3 * 365, "anonymise"),
        ("access_constraint", 5 * 365, "anonymise"),
        ("security_incident", 10 * 365, "anonymise"),
        ("dissemination_session", 5 * 365, "anonymise"),
        ("integration_assessment", 10 * 365, "anonymise"),
        ("commitment", 10 * 365, "anonymise"),
        ("negotiation_file", 10 * 365, "anonymise"),
        ("handover", 10 * 365, "anonymise"),
        ("area_of_control", 10 * 365, "anonymise"),
        ("login_attempt", 90, "delete"),
    )
}

# Background jobs (pourparler/jobs, docs/jobs.md): django-tasks (the backport of Django 6's
# django.tasks) with its database backend, so no broker runs beside the database; the
# worker is `pourparler worker`. Jobs carry ids and plain values only (their rows are not
# encrypted), and act as the user who asked, whose access is checked again when they run.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
        "OPTIONS": {"id_function": "pourparler.core.ids.uuid7"},
    }
}
# An upload bigger than this (bytes) is imported by a job once confirmed; smaller ones at once.
JOBS_IMPORT_BYTES = env_int("POURPARLER_JOBS_IMPORT_BYTES", 1024 * 1024)
# A job still waiting after this many seconds: the page says no worker seems to be running.
JOBS_STALE_SECONDS = env_int("POURPARLER_JOBS_STALE_SECONDS", 120)
# A brief prepared as a PDF by the worker is kept, encrypted, this many minutes, then purged.
JOBS_PDF_MINUTES = env_int("POURPARLER_JOBS_PDF_MINUTES", 15)
