"""Settings for the DASH Mentor Portal, read from the environment.

With nothing set, the portal runs on SQLite in a file under the project, Celery
runs tasks in process, and e-mail is printed to the console. ``DATABASE_URL``,
``CELERY_BROKER_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
``DJANGO_PRODUCTION=1`` turns DEBUG off, requires a real secret key and a database,
and turns on every protection ``manage.py check --deploy`` looks for.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("DJANGO_PRODUCTION")
# The test suite says it is running by this variable, set by its first plugin
# (tests/support/testing.py) before the settings are read; the processes it
# starts to stand for a deployment (Celery workers, production probes) run
# without it.
TESTING = env_bool("DJANGO_TESTING")

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    # DEBUG shows settings, source and SQL to anyone who meets an error page.
    raise ImproperlyConfigured(
        "DJANGO_DEBUG is on while DJANGO_PRODUCTION is on: unset DJANGO_DEBUG "
        "(debug pages would show settings and source to every visitor)."
    )

_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production-0123456789"  # noqa: S105 - refused in production below
SECRET_KEY = env("SECRET_KEY") or env("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DJANGO_PRODUCTION is on "
            "(50 or more random characters)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use 50 or more random characters."
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it is listed before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "dashmentor",
    "notifications",
    "applications",
    "cohorts",
    "surveys",
    "affinity",
    "awards",
    "peers",
    "discussions",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "staffdesk",
]

MIDDLEWARE = [
    # First: the scheme from the trusted proxies, before anything asks for it.
    "dashmentor.proxies.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the form: submitted text loses bidi controls.
    "dashmentor.middleware.BidiControlMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's language is the profile's.
    "dashmentor.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashmentor.middleware.TimezoneMiddleware",
    "dashmentor.middleware.ContentSecurityPolicyMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dashmentor.urls"
WSGI_APPLICATION = "dashmentor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "dashmentor.context_processors.portal",
            ],
            # Every template formats dates for its language with ``when``.
            "builtins": ["dashmentor.templatetags.dates"],
        },
    },
]

# --- database -------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if PRODUCTION and not DATABASE_URL:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DJANGO_PRODUCTION is on, "
        "e.g. postgres://user:password@host:5432/dashmentor"
    )
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except Exception as exc:  # the library raises several kinds for bad input
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    if not _db.get("ENGINE") or not _db.get("NAME"):
        raise ImproperlyConfigured(
            "DATABASE_URL is malformed: it needs a scheme and a database name, "
            "e.g. postgres://user@host:5432/dashmentor"
        )
    _db["CONN_HEALTH_CHECKS"] = True
else:
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / env("SQLITE_NAME", "db.sqlite3"),
        # IMMEDIATE: a writer takes the lock when its transaction starts, so a
        # worker process writing meanwhile waits instead of failing "locked".
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        # A file, not memory, so that a worker process started by a test sees
        # the same test database.
        "TEST": {"NAME": BASE_DIR / "test-db.sqlite3"},
    }
DATABASES = {"default": _db}
USING_POSTGRES = _db["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "dashmentor.User"

# --- cache ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing its Redis clients (dashmentor/cache.py).
            "BACKEND": "dashmentor.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "dashmentor"),
        }
    }
    # Sessions read from Redis, kept in the database (dashmentor/sessions.py).
    # Only with a shared cache: with a cache per process, a sign-out served by
    # one worker would leave the session alive in the others.
    SESSION_ENGINE = "dashmentor.sessions"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each user's roles are kept in the cache (dashmentor/roles.py) and marked
# changed by the writes that change them. That mark must reach every process
# serving pages: with a cache per process (no REDIS_URL) a production server's
# other workers would keep a removed role until the entry expires, so there the
# roles are read from the database on every page. A development server is one
# process, so its own cache is enough.
ROLES_CACHE_ENABLED = bool(REDIS_URL) or not PRODUCTION

# --- authentication -----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is slow on purpose; tests create hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "public-home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Failed sign-ins within the cool-off (dashmentor/signin.py): one address at one
# account, one account from any addresses, one address at any accounts.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
SIGNIN_ACCOUNT_FAILURE_LIMIT = env_int("SIGNIN_ACCOUNT_FAILURE_LIMIT", 20)
SIGNIN_ADDRESS_FAILURE_LIMIT = env_int("SIGNIN_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = 0.5  # hours
# What a successful sign-in clears: its own account-and-address failures only.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "dashmentor.signin.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "dashmentor.signin.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "dashmentor.signin.lockout_username"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_CLIENT_IP_CALLABLE = "dashmentor.proxies.client_ip"

# Requests per window for the endpoints anyone can hit (see dashmentor/ratelimit.py).
RATE_LIMITS = {
    "signup": (env_int("RATE_LIMIT_SIGNUP", 10), 3600),
    "password_reset": (env_int("RATE_LIMIT_PASSWORD_RESET", 10), 3600),
    "public_form": (env_int("RATE_LIMIT_PUBLIC_FORM", 60), 60),
    # The JSON API: per token, and per address for the public resources read
    # without one (api/throttling.py).
    "api": (env_int("RATE_LIMIT_API", 600), 60),
    "api_anonymous": (env_int("RATE_LIMIT_API_ANONYMOUS", 60), 60),
    # Questions and webinar registrations, from one client and to one address.
    "outreach": (env_int("RATE_LIMIT_OUTREACH", 10), 3600),
    "outreach_email": (env_int("RATE_LIMIT_OUTREACH", 10), 3600),
}

# --- internationalization -----------------------------------------------------
# English and Spanish (locale/GLOSSARY.md keeps the program's words). The
# language is the signed-in user's profile choice, else the header switcher's
# cookie, else the browser's (dashmentor/middleware.py::LanguageMiddleware); an
# unknown code falls back to English.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Dates and numbers in each language's own order ("5 de marzo de 2026").
FORMAT_MODULE_PATH = ["dashmentor.formats"]
# Translated fields of what staff write (django-modeltranslation: one column per
# language in the same table, so no page needs another query in Spanish);
# where the Spanish is empty the English is shown.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A record made from a single text (``Survey(title=...)``, in any page's language)
# has it in the English column too, so the fallback is never empty; staff forms
# write each language's column by name (dashmentor/bilingual.py).
MODELTRANSLATION_AUTO_POPULATE = "default"
TIME_ZONE = "UTC"  # stored in UTC; shown in the viewer's or the round's zone
USE_I18N = True
USE_TZ = True
PORTAL_DEFAULT_TIME_ZONE = "America/New_York"

# --- static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = (
    Path(env("STATIC_ROOT")) if env("STATIC_ROOT") else BASE_DIR / "staticfiles"
)
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end packages come from the npm registry at set-up (npm ci); the portal
# serves them itself, so it works with no internet.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
# Uploaded and generated files (signed letters, resources, report attachments,
# award letters) go through Django's storage API: files under MEDIA_ROOT by
# default, an S3-compatible bucket when MEDIA_S3_BUCKET is set. Nothing serves
# MEDIA_URL: every file is read through a view that checks who may read it.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env("MEDIA_S3_REGION") or None,
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": env("MEDIA_S3_PREFIX", "media"),
            # Private objects, never overwritten; read only through the portal.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "dashmentor.storage.ManifestStaticFilesStorage"
            if PRODUCTION and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without a collected STATIC_ROOT (development, tests) serve from the finders.
WHITENOISE_USE_FINDERS = not PRODUCTION or TESTING
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media")
if TESTING and not env("MEDIA_ROOT"):
    # Each test process writes its files apart, and never into the project.
    import tempfile

    MEDIA_ROOT = Path(tempfile.gettempdir()) / f"dashmentor-test-media-{os.getpid()}"
MEDIA_URL = "/media/"
# The largest file a person may upload (signed letters, resources, report
# attachments), in bytes.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- e-mail -------------------------------------------------------------------
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = env(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", "DASH Mentor Program <noreply@dash.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PROGRAM_OFFICE_EMAIL = env("PROGRAM_OFFICE_EMAIL", "program-office@dash.test")

# --- Celery -------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
# Tests run tasks in process too, even with a broker configured; the tests that
# start a real worker turn this off for their own duration.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL or TESTING
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    # Embedded default: tasks run in process; the broker URL is never dialled.
    # (It names a host only so that kombu does not warn that none was given.)
    CELERY_BROKER_URL = "memory://localhost/"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND") or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
# A task is acknowledged only once it has finished, and a worker that dies
# mid-task gives the message back, so a SIGKILL never loses work. Tasks are
# written to be safe to run twice (see notifications/services.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged message after the visibility timeout. No
# task here runs longer than a few minutes and none is scheduled with an ETA
# beyond CELERY_MAX_COUNTDOWN, so 30 minutes is far above any honest run, and a
# message of a killed worker comes back within the half hour even if the
# outbox sweep (every minute) had not already re-queued it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1800),
    "socket_connect_timeout": 5,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Task modules that autodiscovery (which reads <app>/tasks.py) does not find:
# those of the sub-systems, packages of their apps. Their registered names stay
# the ones they had as modules of the app, so queued tasks and the beat
# schedule below still resolve.
CELERY_IMPORTS = ["applications.review.tasks", "cohorts.placement.tasks"]
CELERY_MAX_COUNTDOWN = 300  # seconds; longer waits are rows that beat picks up
# Publishing a task from a request only wakes a worker early (the row is
# written first, a sweep finishes the work): one try with this timeout, in
# seconds, then no publishing from the process for the cooldown
# (dashmentor/broker.py).
BROKER_PUBLISH_TIMEOUT = float(env("BROKER_PUBLISH_TIMEOUT", "0.25"))
BROKER_PUBLISH_COOLDOWN = float(env("BROKER_PUBLISH_COOLDOWN", "30"))
# The intervals can be shortened by the fault tests, which run a real beat.
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "notifications.tasks.outbox_sweep_task",
        "schedule": float(env_int("OUTBOX_SWEEP_SECONDS", 60)),
    },
    "reminders-scan": {
        "task": "notifications.tasks.reminders_scan_task",
        "schedule": float(env_int("REMINDERS_SCAN_SECONDS", 300)),
    },
    "award-offers-expire": {
        "task": "cohorts.placement_tasks.award_offers_expire_task",
        "schedule": 3600.0,
    },
    "surveys-scan": {
        "task": "surveys.tasks.surveys_scan_task",
        "schedule": 300.0,
    },
    "survey-invitations-sweep": {
        "task": "surveys.tasks.invitations_sweep_task",
        "schedule": float(env_int("INVITATIONS_SWEEP_SECONDS", 60)),
    },
    "group-emails-sweep": {
        "task": "affinity.tasks.group_emails_sweep_task",
        "schedule": 60.0,
    },
    "webhooks-sweep": {
        "task": "api.tasks.webhook_sweep_task",
        "schedule": float(env_int("WEBHOOK_SWEEP_SECONDS", 60)),
    },
    "rounds-rescore-sweep": {
        "task": "applications.tasks.rounds_rescore_sweep_task",
        "schedule": 300.0,
    },
    "closeout-scan": {
        "task": "awards.tasks.closeout_scan_task",
        "schedule": float(env_int("CLOSEOUT_SCAN_SECONDS", 300)),
    },
    # Peers like us: computed again when profiles changed (the wake-up after a
    # change may have been lost), and profiles made for new organizations.
    "peers-similarities-sweep": {
        "task": "peers.tasks.similarities_sweep_task",
        "schedule": 300.0,
    },
    "peers-profiles-sync": {
        "task": "peers.tasks.profiles_sync_task",
        "schedule": 3600.0,
    },
    # The discussions' daily and weekly digests and the weekly "challenges
    # you could help with": keyed per person and period, so every run after
    # the first in a period writes nothing.
    "discussions-digests": {
        "task": "discussions.tasks.digests_task",
        "schedule": 3600.0,
    },
    "review-reminders": {
        "task": "staffdesk.tasks.review_reminders_task",
        "schedule": 3600.0,
    },
}
# A round still marked "being recomputed" this long after the rubric changed
# lost its task (broker down, task failed): the sweep queues it again. A
# recompute of 60,000 reviews takes about 11 s here.
RESCORE_STUCK_AFTER_SECONDS = env_int("RESCORE_STUCK_AFTER_SECONDS", 600)

# --- notifications --------------------------------------------------------------
# Messages sent over one SMTP connection by one task.
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 50)
# A row "queued" or "sending" for longer than this was lost by a dead worker and
# is handed out again by the sweep. It must stay well above the longest honest
# send (EMAIL_TIMEOUT per SMTP step), or a slow send could be repeated.
OUTBOX_STUCK_AFTER_SECONDS = env_int("OUTBOX_STUCK_AFTER_SECONDS", 300)
# After this many failed attempts a message is marked failed for staff to see.
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
# Retry n waits base * 2**(n-1) seconds, never more than the cap.
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 30)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 3600)

# --- the JSON API and webhooks (api/) ------------------------------------------
REST_FRAMEWORK = {
    # A personal token in "Authorization: Bearer ...": the way in for tools.
    # The session opens the browsable pages only, for reading (api/auth.py).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.TokenAuthentication",
        "api.auth.BrowsableSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PortalRateLimit"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DASH Mentor Portal API",
    "DESCRIPTION": (
        "Read what your roles can see, and record attendance, decisions and "
        "progress, with a personal token (Authorization: Bearer dmp_...). "
        "Webhooks: see the README."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ApplicationStatus": "applications.models.Application.Status",
        "AssignmentStatus": "applications.models.ReviewAssignment.Status",
        "AwardStatus": "applications.models.Award.Status",
        "AttendanceStatus": "cohorts.models.Attendance.Status",
    },
}
# The largest JSON body the API reads; a larger one is refused with 400.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
# A token's "last used" time is kept in the cache (a read never writes a row).
API_TOKEN_USED_TIMEOUT = 90 * 24 * 3600
# Webhook deliveries: the outbox pattern of the e-mails, with its own clocks.
WEBHOOK_REQUIRE_HTTPS = env_bool("WEBHOOK_REQUIRE_HTTPS", default=PRODUCTION)
WEBHOOK_TIMEOUT_SECONDS = float(env("WEBHOOK_TIMEOUT_SECONDS", "10"))
WEBHOOK_BATCH_SIZE = env_int("WEBHOOK_BATCH_SIZE", 20)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 3600)
# A delivery "queued" or "sending" this long was lost by a dead worker: the
# sweep hands it out again. Well above WEBHOOK_TIMEOUT_SECONDS.
WEBHOOK_STUCK_AFTER_SECONDS = env_int("WEBHOOK_STUCK_AFTER_SECONDS", 300)
# The subscribed endpoints are kept in the cache, marked changed by every
# write to them; only where the cache is shared (as for the roles).
WEBHOOK_ENDPOINTS_CACHE_ENABLED = bool(REDIS_URL) or not PRODUCTION

# --- security -------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# How many reverse proxies stand in front of the portal (dashmentor/proxies.py).
# Only they are believed about the client's address and scheme: 0 (the
# default) ignores X-Forwarded-For and X-Forwarded-Proto from everyone. Behind
# one TLS-terminating proxy set 1, or the HTTPS redirect never ends.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
# Monitoring that sends this token in the X-Health-Token header reads the
# health endpoint's details; everyone else reads only ok or not ok.
HEALTH_TOKEN = env("HEALTH_TOKEN")

# --- logging ----------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- the program --------------------------------------------------------------------
SURVEY_MIN_GROUP_SIZE = env_int("SURVEY_MIN_GROUP_SIZE", 5)
# The key that seals anonymous survey answers while they wait to be released,
# and each released answer's cohort (surveys/sealing.py). Its own key, so that
# SECRET_KEY alone does not open them; required in production. Old keys, comma
# separated, still open what was sealed under them (rotation: README).
SURVEY_SEAL_KEY = env("SURVEY_SEAL_KEY")
SURVEY_SEAL_OLD_KEYS = env_list("SURVEY_SEAL_OLD_KEYS")
if PRODUCTION and not SURVEY_SEAL_KEY:
    raise ImproperlyConfigured(
        "SURVEY_SEAL_KEY must be set when DJANGO_PRODUCTION is on "
        "(32 or more random characters, not the SECRET_KEY)."
    )
if PRODUCTION and (len(SURVEY_SEAL_KEY) < 32 or SURVEY_SEAL_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "SURVEY_SEAL_KEY is too weak for production: use 32 or more random "
        "characters, different from SECRET_KEY."
    )
# Outside production a missing key falls back to the secret key, which is what
# sealed the answers of development databases made before the setting existed.
SURVEY_SEAL_KEY = SURVEY_SEAL_KEY or SECRET_KEY

# --- the peer network (peers/) ----------------------------------------------------
# Introductions one person may ask for in 24 hours.
PEERS_INTRODUCTIONS_PER_DAY = env_int("PEERS_INTRODUCTIONS_PER_DAY", 5)
