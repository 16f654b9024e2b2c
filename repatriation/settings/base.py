"""Settings shared by every environment. Values come from the environment via env helpers."""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")
USE_TZ = True
USE_I18N = True

INSTALLED_APPS = [
    "repatriation.apps.RepatriationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "guardian",
    "csp",
    "django_htmx",
    "django_celery_beat",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "repatriation",
    "repatriation.accounts",
    "repatriation.audit",
    "repatriation.operations",
    "repatriation.medical",
    "returnees",
    "rehabilitation",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "repatriation.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "repatriation.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "repatriation.urls"
WSGI_APPLICATION = "repatriation.wsgi.application"
ASGI_APPLICATION = "repatriation.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "repatriation.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
# A page must not take a second core of a small server to start parallel workers: at a
# million people their start-up cost My centre's lists more than they saved (24 ms against
# 80 for the same statement, by EXPLAIN ANALYZE, when the planner chose them). The monthly
# report reads on several connections side by side instead (repatriation/concurrent_reads.py).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c max_parallel_workers_per_gather=0"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle timeout: the session lives 30 minutes past the last request; sessions are server-side
# rows, so logout and expiry end them for good (SESSION_ENGINE below, with CACHES).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_TOUCH_SECONDS = 60  # IdleTimeoutMiddleware: expiry pushed ahead at most once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

REQUIRE_2FA = env_bool("REQUIRE_2FA", False)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Repatriation case management")
# Should django-otp's own admin pages ever come back, they show no secret key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Five failures for one username from one address lock that pair out for 30 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "repatriation.accounts.views.login_locked_out"
AXES_VERBOSE = False
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "repatriation.accounts.client_ip.client_ip"

ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous visitors see nothing
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("kk", _("Kazakh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded files live outside any URL; every download goes through a view that asks the policy.
PRIVATE_STORAGE_ROOT = DATA_DIR / "private"
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# No inline script or style, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Celery: JSON only, late acknowledgement so a killed worker's task is redelivered,
# and a visibility timeout longer than the hard time limit of any task.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "repatriation")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "sessions-clear-expired": {
        "task": "repatriation.accounts.tasks.sessions_clear_expired",
        "schedule": 60 * 60,
    },
    "documents-sweep-orphans": {
        "task": "returnees.tasks.documents_sweep_orphans",
        "schedule": 24 * 60 * 60,
    },
    "cases-seal-due": {
        "task": "rehabilitation.tasks.cases_seal_due",
        "schedule": 24 * 60 * 60,
    },
    # Last month's reports, for every audience and language, early on the first.
    "reports-create-monthly": {
        "task": "reporting.tasks.reports_create_monthly",
        "schedule": crontab(minute=0, hour=2, day_of_month=1),
    },
    "report-runs-resume": {
        "task": "reporting.tasks.report_runs_resume",
        "schedule": 15 * 60,
    },
    "idempotency-keys-expire": {
        "task": "repatriation.accounts.tasks.idempotency_keys_expire",
        "schedule": 60 * 60,
    },
}
# A closed case is sealed this many days after closing; opening a sealed record lasts this long.
CASE_SEAL_AFTER_DAYS = env_int("CASE_SEAL_AFTER_DAYS", 365)
# Partners' and centres' reports print counts from 1 to this as "<5" (threshold + 1).
REPORT_SUPPRESSION_THRESHOLD = env_int("REPORT_SUPPRESSION_THRESHOLD", 4)
# Database connections one report's figures are read on together (one snapshot): about the
# database server's cores.
REPORT_FIGURE_CONNECTIONS = env_int("REPORT_FIGURE_CONNECTIONS", 2)
SEALED_OPENING_MINUTES = env_int("SEALED_OPENING_MINUTES", 60)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}

# Throttling counts in this cache: Redis shared by every web process in production
# (CACHE_URL=redis://...), memory of one process in the demo and tests.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# With a shared cache (Redis), sessions are read from it and written through to the
# database. A per-process memory cache cannot hold sessions: a logout on one worker would
# not reach the others.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHE_URL
    else "django.contrib.sessions.backends.db"
)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "repatriation.accounts.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["repatriation.accounts.api.authentication.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": env_str("API_RATE", "600/min")},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "repatriation.api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "repatriation.accounts.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Returnee case management API",
    "DESCRIPTION": "For partner agencies and ministry systems. Access follows the client's "
    "data-sharing agreement: its centres and operations, and its field groups.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "REDOC_UI_SETTINGS": {},
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "repatriation.api.schema.add_problem_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VerificationDecisionEnum": "returnees.models.VerificationDecision",
        "ReportKindEnum": "reporting.models.ReportRun.Kind",
    },
}

AUDIT_PAGE_SIZE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Covering indexes (INCLUDE) serve PostgreSQL's index-only scans; SQLite, the demo's
# database, builds the same indexes without the extra columns, which is all it needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
