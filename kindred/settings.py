"""Kindred settings: one file, configured by environment variables only.

Defaults are the safe production ones; `make run` and `make test` set DEBUG=true for a
developer's machine. Every variable is documented in README.md ("Configuration").
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KINDRED_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "django-insecure-kindred-development-only-never-in-production"  # noqa: S105 - DEBUG only
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without a real secret key: "
            "set SECRET_KEY to a long random value (python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or DEBUG=true on a developer's machine."
        )
    SECRET_KEY = _DEV_SECRET
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

# Where `make run` serves (`manage.py runserver HOST:PORT`); in development the e-mailed links
# follow it unless SITE_URL says otherwise.
HOST = os.environ.get("HOST", "127.0.0.1").strip() or "127.0.0.1"
PORT = os.environ.get("PORT", "8000").strip() or "8000"
# A server listening on every interface is reached on this machine as localhost.
_LINK_HOST = "localhost" if HOST in ("0.0.0.0", "::", "[::]") else HOST  # noqa: S104 - a comparison, not a bind
_DEV_HOSTS = "localhost,127.0.0.1,[::1]" + (
    "" if _LINK_HOST in ("localhost", "127.0.0.1") else f",{_LINK_HOST}"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", _DEV_HOSTS if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The public address of this site, used in e-mailed links (no request is at hand in a task).
SITE_URL = os.environ.get("SITE_URL", f"http://{_LINK_HOST}:{PORT}" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kindred.core",
    "kindred.accounts",
    "kindred.programs",
    "kindred.apitokens",
    "kindred.audit",
    "kindred.families",
    "kindred.referrals",
    "kindred.directory",
    "kindred.mentors",
    "kindred.matching",
    "kindred.groups",
    "kindred.encounters",
    "kindred.evaluation",
    "kindred.surveys",
    "kindred.fhir",
    "kindred.planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kindred.lib.middleware.SecurityHeadersMiddleware",
    # The database gone away: 503, not a stack trace (kindred/lib/unavailable.py).
    "kindred.lib.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the language is chosen (its 400 page is translated), before anything reads a value.
    "kindred.lib.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kindred.accounts.middleware.SessionLimitsMiddleware",
    "kindred.accounts.middleware.UserLanguageMiddleware",
    "kindred.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so that its pages are in the signed-in person's language.
    "kindred.core.errors.ErrorPagesMiddleware",
]
CSRF_FAILURE_VIEW = "kindred.core.errors.csrf_failure"

# Django's form renderer with <select> written in Python (a language list has 2,000 options).
FORM_RENDERER = "kindred.core.form_renderer.FormRenderer"

ROOT_URLCONF = "kindred.urls"
WSGI_APPLICATION = "kindred.wsgi.application"

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
                "kindred.core.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL (psycopg 3) through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "kindred.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE avoids "database is locked"
    # when two requests upgrade read transactions to writes at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering indexes (INCLUDE columns) serve PostgreSQL; SQLite keeps the key columns only.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# The signed-in person (user, roles, capabilities, programs) is one cached record per request.
AUTHENTICATION_BACKENDS = ["kindred.programs.person.PersonBackend"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("KINDRED_FAST_PASSWORD_HASHER"):
    # Test runs only: Argon2 is deliberately slow, and tests log in hundreds of times.
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

# Login throttling (per account and per client address), counted from the audit log.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
LOGIN_THROTTLE_MINUTES = int(os.environ.get("LOGIN_THROTTLE_MINUTES", "15"))
# Two-step sign-in (django-otp): the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "Kindred"
# Client address from X-Forwarded-For only behind a proxy you control: the entry appended by
# the outermost of TRUSTED_PROXY_COUNT proxies (the left-most entries are the client's to choose).
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))

# Sessions: idle timeout 30 minutes (renewed by activity, at most once a minute so that a
# page view is not a database write), absolute limit 12 hours.
# Server-side sessions, read from the shared cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "kindred_session"
CSRF_COOKIE_HTTPONLY = True
# Public forms (self-referral, mentor application): submissions per client address per hour.
MENTOR_APPLICATIONS_PER_HOUR = int(os.environ.get("MENTOR_APPLICATIONS_PER_HOUR", "5"))
GROUPS_SELF_REGISTRATIONS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("GROUPS_SELF_REGISTRATIONS_PER_ADDRESS_PER_HOUR", "5")
)
REFERRALS_SELF_REFERRALS_PER_ADDRESS_PER_HOUR = int(
    os.environ.get("REFERRALS_SELF_REFERRALS_PER_ADDRESS_PER_HOUR", "5")
)
# Directory entries not verified within this many days are flagged as stale.
DIRECTORY_STALE_DAYS = int(os.environ.get("DIRECTORY_STALE_DAYS", "365"))
# HSDS import: uploaded files together, what a ZIP may unpack to, and how many files it may hold.
DIRECTORY_IMPORT_MAX_MB = int(os.environ.get("DIRECTORY_IMPORT_MAX_MB", "50"))
DIRECTORY_IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("DIRECTORY_IMPORT_MAX_UNZIPPED_MB", "100"))
DIRECTORY_IMPORT_MAX_ZIP_FILES = int(os.environ.get("DIRECTORY_IMPORT_MAX_ZIP_FILES", "100"))
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "7"))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# HTTPS: on by default in production (HSTS, secure cookies, redirect); off with DEBUG.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LANGUAGE_COOKIE_NAME = "kindred_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
# kindred.lib is no app (it has no models and no extension modules), so its catalogue (the
# language names of kindred.lib.languages) is named here.
LOCALE_PATHS = [BASE_DIR / "kindred" / "lib" / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Chicago")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Served from node_modules at install time (never committed): axe-core for accessibility tests.
NODE_MODULES_DIR = BASE_DIR / "node_modules"

# E-mail: console in development, SMTP in production.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
# Text messages (kindred/lib/sms.py): off unless a provider is named; none in the demo. A
# program must also turn texting on in its settings, and the family consent to texts.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kindred <kindred@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: the Tasks API. Immediate in development and tests; in production either the
# database backend plus `manage.py db_worker` (TASKS_BACKEND=database, nothing more to run), or
# Redis with RQ workers (TASKS_BACKEND=rq, `manage.py rqworker`) when several machines share
# the work. Another backend can be named by its dotted path without code changes.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
_task_backend = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG else "database")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(_task_backend, _task_backend)}}

# Redis, read only by the RQ backend and its workers. The queue names match the Tasks API's
# queue names ("default" unless a task says otherwise).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
RQ_QUEUES = {"default": {"URL": REDIS_URL}}
if TASKS["default"]["BACKEND"] == _TASK_BACKENDS["rq"]:
    # Only then: django_rq brings `manage.py rqworker` and its checks; other setups have no Redis.
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]

# The cache all processes share: the signed-in person's record (programs/person.py), sessions
# (cached_db: read from the cache, written through to the database), the home page's
# per-program summaries. Redis in production (CACHE_URL, else REDIS_URL): several gunicorn
# workers must see one another's revocations at once, which a per-process memory cache cannot
# do. Development and tests (DEBUG) use the local-memory cache unless CACHE_URL says otherwise.
CACHE_URL = os.environ.get("CACHE_URL", "" if DEBUG else REDIS_URL)
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            # Django's, keeping one Redis client per pool instead of one per operation.
            "BACKEND": "kindred.core.cache.RedisCache",
            "LOCATION": CACHE_URL,
            # One Redis may serve several Kindred databases (a test run, the benchmark).
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", DATABASES["default"]["NAME"] or ""),
        }
    }
elif CACHE_URL in ("", "locmem://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CACHE_URL must be redis://host:port/db or locmem://: {CACHE_URL!r}"
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines can carry query strings; Kindred keeps health information out of URLs,
        # and the access log of the production server is the place for request lines.
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        # One line per task run is useful to an operator, noise on a developer's console.
        "django_tasks": {"level": "WARNING" if DEBUG else "INFO"},
    },
}

# Families, referrals and the rest read these program-independent defaults.
KINDRED_DEMO_PASSWORD = os.environ.get("KINDRED_DEMO_PASSWORD", "kindred-demo-2026")
# The demo people's authenticator key (hex), printed by load_demo in base32 for an
# authenticator app: the second step of a demo login without DEBUG (and the load benchmark).
KINDRED_DEMO_TOTP_KEY = os.environ.get(
    "KINDRED_DEMO_TOTP_KEY", "6b696e647265642d64656d6f2d746f74702d6b6579"
)
