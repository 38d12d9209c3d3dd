"""Settings for Alignment, all read from the environment (see README, "Configuration").

Unset, everything falls back to an embedded default that runs on one machine: a SQLite
file and a file-system Celery broker under ``var/``, console email, a file cache.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from alignment.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=False)
# The embedded defaults keep their files here (SQLite, broker queues, cache, email).
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "csp",
    # Ours, from the ground up (docs/architecture.md): each imports only those above it here.
    "core",
    "teams",
    "integrations",
    "goals",
    "checkins",
    "workshops",
    "forums",
    "conflicts",
    "glossary",
    "health",
    "alignment",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.freshness.ScopeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The signed-in person and their membership in one cache call (teams/middleware.py).
    "teams.middleware.PrefetchMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so its process_exception runs first. That hook sees what the view raises and what
    # rendering a TemplateResponse raises, which is where a request first touches the
    # database: the session and request.user above load lazily, on first use (login_required,
    # the templates' context processors). What another middleware's own code raises never
    # reaches a process_exception (Django makes it a 500 there), but none above queries up
    # front, and SessionMiddleware does not save the session for a 5xx response.
    "alignment.middleware.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "alignment.urls"
WSGI_APPLICATION = "alignment.wsgi.application"

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
                "teams.context.navigation",
            ],
            "builtins": [
                "django.templatetags.static",
                "template_partials.templatetags.partials",
                "core.templatetags.numbers",
                "glossary.templatetags.terms",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
# A restarted PostgreSQL must not hang a request: fail fast (/healthz answers 503), the next
# request reconnects. A refused port fails at once; an unreachable host takes this many seconds,
# under the container health check's 5 s timeout.
DATABASE_CONNECT_TIMEOUT = 3
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: WAL lets readers and one writer work together.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = DATABASE_CONNECT_TIMEOUT
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, sessions, Celery ----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "alignment",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # Embedded broker: messages are files under var/broker, shared by every local process.
    CELERY_BROKER_URL = "filesystem://"
    for folder in ("broker", "broker-control"):
        (VAR_DIR / folder).mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# ModelBackend, with the signed-in person kept in the cache (teams/backends.py).
AUTHENTICATION_BACKENDS = ["teams.backends.CachedModelBackend"]

CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless this is set:
# reuse it for this many tasks (alignment/celery.py drops a broken or too old one first).
CELERY_DB_REUSE_MAX = 100
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {
    # Each entry expires before its next run, so a backlog never piles up duplicates.
    "plan-reminders": {
        "task": "checkins.tasks.plan_reminders",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    "sweep-reminders": {
        "task": "checkins.tasks.sweep_reminders",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    "plan-forum-reminders": {
        "task": "forums.tasks.plan_forum_reminders",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    "sweep-forum-reminders": {
        "task": "forums.tasks.sweep_forum_reminders",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    "plan-conflict-escalations": {
        "task": "conflicts.tasks.plan_conflict_escalations",
        "schedule": 15 * 60,
        "options": {"expires": 14 * 60},
    },
    "sweep-conflict-reminders": {
        "task": "conflicts.tasks.sweep_conflict_reminders",
        "schedule": 5 * 60,
        "options": {"expires": 4 * 60},
    },
    # Meetings exist ahead of time: the horizon (forums.services.HORIZON) moves every day.
    "plan-meetings": {
        "task": "forums.tasks.plan_meetings",
        "schedule": 24 * 60 * 60,
        "options": {"expires": 23 * 60 * 60},
    },
    "prune-webhook-deliveries": {
        "task": "integrations.tasks.prune_webhook_deliveries",
        "schedule": 24 * 60 * 60,
        "options": {"expires": 23 * 60 * 60},
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "teams.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_MAX_AGE_DAYS = 14
LOGIN_RATE_LIMIT = env_int("LOGIN_RATE_LIMIT", 10)  # failed sign-ins per address per 5 minutes

# --- Email ----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST))
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Alignment <alignment@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Static files, i18n ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Progress bars and chart sizes are set with style attributes; scripts stay strict.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- N+1 guard (django-zeal; docs/architecture.md, "The N+1 guard") --------------------------
# off: zeal is not even loaded (production). warn: each request is watched and a query repeated
# per row is a warning (development). raise: it is an error; the test run sets this (pyproject).
ZEAL = env_str("ZEAL", "off").lower()
if ZEAL not in {"off", "warn", "raise"}:
    raise ImproperlyConfigured(f"ZEAL={ZEAL!r}: use off, warn or raise.")
if ZEAL != "off":
    INSTALLED_APPS.append("zeal")
    # Outermost: the whole request, every middleware included, is one unit of work.
    MIDDLEWARE.insert(0, "zeal.middleware.zeal_middleware")
    ZEAL_RAISE = ZEAL == "raise"
    # The same relation loaded row by row three times in one unit of work is an N+1.
    ZEAL_NPLUSONE_THRESHOLD = 3

# --- REST API and webhooks (alignment/api, integrations) -------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "teams.api.authentication.ApiTokenAuthentication",
        # Browsers reuse the signed-in session; DRF enforces the CSRF token on unsafe methods.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonThrottle",
        "core.api.throttling.TokenThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "1200/min"),
        "auth_token": env_str("API_THROTTLE_AUTH_TOKEN", "10/min"),
    },
    # Throttles count per client address: behind the TLS proxy it is the last forwarded one.
    "NUM_PROXIES": 1 if env_bool("BEHIND_TLS_PROXY", default=False) else 0,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Alignment API",
    "DESCRIPTION": (
        "Shared goals, KPIs and check-ins across departments. Authenticate with "
        "`Authorization: Token <token>` (POST /api/v1/auth/token/ or the Tokens page)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Goal statuses appear on goals, check-ins and filters: one named enum for all of them.
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "goals.models.Goal.Status",
        "WorkshopPhaseEnum": "workshops.models.Workshop.Phase",
        "ProposalStatusEnum": "workshops.models.Proposal.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.schema.add_error_responses",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Development and tests only: lets webhooks reach http:// and private or loopback addresses.
WEBHOOKS_ALLOW_PRIVATE = env_bool("WEBHOOKS_ALLOW_PRIVATE", default=False)
# Deliveries (the log behind each webhook, and its replays) older than this are deleted daily.
WEBHOOK_DELIVERY_RETENTION_DAYS = env_int("WEBHOOK_DELIVERY_RETENTION_DAYS", 30)
if WEBHOOK_DELIVERY_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("WEBHOOK_DELIVERY_RETENTION_DAYS must be 1 or more.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
