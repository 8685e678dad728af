"""WuyeDesk settings, read from the environment (see docs/configuration.md)."""

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from wuyedesk.lib.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
HOME = Path(env_str("WUYEDESK_HOME", "var")).resolve()
DEBUG = env_bool("DEBUG", False)
# Production refuses to start without an explicit SECRET_KEY; the demo keeps a generated one.
PRODUCTION = env_bool("WUYEDESK_PRODUCTION", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when WUYEDESK_PRODUCTION=1")
    HOME.mkdir(parents=True, exist_ok=True)
    path = HOME / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's Jinja2 widget templates, found by the project's Jinja2 engine (FORM_RENDERER).
    "django.forms",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    # For its templates and static files: /api/v1/docs serves Swagger UI from here, not a CDN.
    "ninja",
    "wuyedesk.core",
    "wuyedesk.properties",
    "wuyedesk.accounts",
    "wuyedesk.audit",
    "wuyedesk.channels",
    "wuyedesk.policies",
    "wuyedesk.archive",
    "wuyedesk.training",
    "wuyedesk.notifications",
    "wuyedesk.tickets",
    "wuyedesk.mailbox",
    "wuyedesk.telephony",
    "wuyedesk.surveys",
    "wuyedesk.staffing",
    "wuyedesk.improvements",
    "wuyedesk.dataquality",
    "wuyedesk.workplans",
    "wuyedesk.rewards",
    "wuyedesk.supervision",
    "wuyedesk.appraisal",
    "wuyedesk.reports",
    "wuyedesk.meetings",
    "wuyedesk.recruitment",
    "wuyedesk.api",
    "wuyedesk.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "wuyedesk.core.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "wuyedesk.accounts.middleware.UnwrappedUserMiddleware",
    "wuyedesk.core.middleware.PrivateCacheMiddleware",
    "wuyedesk.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions: idle timeout, then the second step (docs/security.md).
    "wuyedesk.accounts.middleware.IdleTimeoutMiddleware",
    "wuyedesk.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "wuyedesk.audit.context.AuditContextMiddleware",
    "wuyedesk.core.middleware.ThrottledMiddleware",
]

ROOT_URLCONF = "wuyedesk.urls"
WSGI_APPLICATION = "wuyedesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wuyedesk.web.context_processors.navigation",
            ],
        },
    },
    # The hottest fragments only (docs/architecture.md): the queue page's rows, form widgets.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [PACKAGE_DIR / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "wuyedesk.core.jinja2.environment",
            "extensions": ["jinja2.ext.i18n"],
            "filter_libraries": [
                "wuyedesk.core.templatetags.wuyedesk",
                "wuyedesk.tickets.templatetags.ticket_tags",
            ],
        },
    },
]

# Widgets render through the project's Jinja2 engine (Django's Jinja2 widget templates, found
# through the django.forms app), so a project template may override one of Django's
# (jinja2/django/forms/widgets/select.html); core/forms.py gives the figures.
FORM_RENDERER = "wuyedesk.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{HOME / 'wuyedesk.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# Django's own backends with a few changes for speed (see each module's docstring).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "wuyedesk.core.postgresql"
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # psycopg prepares a statement on the server once a connection has run it
        # `prepare_threshold` times, so the busiest reads (the session's user, a page of
        # list rows, intake's lookups) are parsed and planned once per connection, not per
        # request. Preparing needs server-side binding (Django's default binds on the
        # client, where psycopg prepares nothing). Behind PgBouncer in transaction mode
        # older than 1.21 (or without max_prepared_statements), set
        # DB_PREPARED_STATEMENTS=0 (docs/operations.md).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "server_side_binding": True,
                "prepare_threshold": env_int("DB_PREPARE_THRESHOLD", 5),
            }
        )
    if not env_bool("DB_JIT", False):
        # PostgreSQL compiles a query whose estimated cost passes jit_above_cost: a home's
        # list of ten rows joined to its names at 1,000,000 tickets spent 52 ms compiling to
        # run in 1 ms (bench/README.md, issue #12 Speed). Pages run short queries; off.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "wuyedesk.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=2147418112;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "wuyedesk.accounts.backends.StaffBackend",
    "wuyedesk.accounts.backends.ResidentPhoneBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Residents log in with a mobile number: axes stores a digest instead of the number (PIPL).
AXES_USERNAME_CALLABLE = "wuyedesk.accounts.backends.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "mobile"]

# The client's address behind PROXY_COUNT reverse proxies (lib/network.py), for the rate
# limits, the axes lockout and the audit rows alike.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
RATELIMIT_IP_META_KEY = "wuyedesk.lib.network.client_address"
AXES_CLIENT_IP_CALLABLE = "wuyedesk.lib.network.client_address"

# Staff two-factor login (django-otp): which posts must use it is a company setting.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "WuyeDesk")

LANGUAGE_CODE = env_str("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
# wuyedesk/static (vendor/, wuyedesk/) belongs to no app, so the app finder would miss it.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = HOME / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "wuyedesk.core.static.StaticStorage"},
}
if env_bool("WUYEDESK_TESTING", False):
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 12) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wuyedesk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Residents' SMS/WeChat notices: a gateway that takes a signed JSON POST (docs/notifications.md).
# Empty URL: the channel is off and residents are not offered it.
NOTIFY_WEBHOOK_URL = env_str("NOTIFY_WEBHOOK_URL")
NOTIFY_WEBHOOK_SECRET = env_str("NOTIFY_WEBHOOK_SECRET")
NOTIFY_WEBHOOK_TIMEOUT = float(env_str("NOTIFY_WEBHOOK_TIMEOUT", "5"))  # seconds per attempt
NOTIFY_WEBHOOK_RETRIES = env_int("NOTIFY_WEBHOOK_RETRIES", 5)
NOTIFY_WEBHOOK_RETRY_DELAY = env_int("NOTIFY_WEBHOOK_RETRY_DELAY", 30)  # doubles each retry
# Portal sign-up (docs/security.md, "Resident sign-up"): linking to a resident needs a one-time
# code sent to the number through that gateway; without a gateway an assistant decides.
SIGNUP_CODE_DIGITS = env_int("SIGNUP_CODE_DIGITS", 6)
SIGNUP_CODE_TTL_MINUTES = env_int("SIGNUP_CODE_TTL_MINUTES", 10)
SIGNUP_CODE_MAX_TRIES = env_int("SIGNUP_CODE_MAX_TRIES", 5)  # wrong or right, per code
# Sign-ups whose number was never proven are deleted, password hash and all, after this long.
SIGNUP_UNVERIFIED_KEEP_HOURS = env_int("SIGNUP_UNVERIFIED_KEEP_HOURS", 24)
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The email channel (docs/email.md): the IMAP mailbox residents write to. No host: no polling.
MAIL_IMAP_HOST = env_str("MAIL_IMAP_HOST")
MAIL_IMAP_PORT = env_int("MAIL_IMAP_PORT", 993)
MAIL_IMAP_SECURITY = env_str("MAIL_IMAP_SECURITY", "ssl")  # ssl, starttls or none
MAIL_IMAP_USER = env_str("MAIL_IMAP_USER")
MAIL_IMAP_PASSWORD = env_str("MAIL_IMAP_PASSWORD")
MAIL_IMAP_FOLDER = env_str("MAIL_IMAP_FOLDER", "INBOX")
MAIL_IMAP_DONE_FOLDER = env_str("MAIL_IMAP_DONE_FOLDER")  # empty: processed mail is marked seen
MAIL_MAX_MB = env_int("MAIL_MAX_MB", 50)
MAIL_FROM = env_str("MAIL_FROM", DEFAULT_FROM_EMAIL)
MAIL_DEFAULT_COMMUNITY = env_str("MAIL_DEFAULT_COMMUNITY")  # community code for unknown senders
MAIL_CATEGORY = env_str("MAIL_CATEGORY", "OTHER")

_redis_url = env_str("REDIS_URL")
HUEY = {
    "name": "wuyedesk",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "consumer": {
        "workers": env_int("HUEY_WORKERS", 2),
        "worker_type": "thread",
        # SIGTERM (systemd's stop) lets running jobs finish for this long, then stops them;
        # SIGINT stops at once. A job stopped midway is run again (core/jobs.py).
        "graceful_signal": "TERM",
        "shutdown_timeout": env_int("HUEY_SHUTDOWN_SECONDS", 30),
    },
}
# Periodic jobs (core/jobs.py): a job's lock is anybody's after this many minutes (longer
# than any run takes), and a job not finished for this many of its periods is logged as an
# ERROR and flagged on the administrator's page.
PERIODIC_JOB_LOCK_MINUTES = env_int("PERIODIC_JOB_LOCK_MINUTES", 15)
PERIODIC_JOB_STALE_PERIODS = env_int("PERIODIC_JOB_STALE_PERIODS", 3)
if _redis_url:
    HUEY |= {"huey_class": "huey.PriorityRedisHuey", "url": _redis_url}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(HOME / "huey.sqlite3")}

# What pages keep between requests (sessions, posts and scopes, choice lists; see
# core/reference.py) must be shared by every process that serves requests: a file cache in
# WUYEDESK_HOME on one machine, Redis (the same REDIS_URL) across machines.
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HOME / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Scale-out (issue #17 points 1-2: deploy/, docs/operations.md "Several machines") --------
# Of all running workers, the one holding this lease enqueues the periodic jobs; a standby
# takes over within this many seconds (plus a third of it) of the holder's death
# (core/scheduler.py).
SCHEDULER_LEASE_SECONDS = env_int("SCHEDULER_LEASE_SECONDS", 30)
# PgBouncer in transaction mode (DB_POOL_MODE=transaction): a server connection serves
# another client after each transaction, so nothing may outlive one: no server-side cursors
# (Django's iterator() would otherwise keep a named cursor), and no prepared statements
# unless PgBouncer is 1.21 or later with max_prepared_statements set (then set
# DB_PREPARED_STATEMENTS=1 explicitly). Session mode (or no pooler) needs nothing.
DB_POOL_MODE = env_str("DB_POOL_MODE", "session")
if DB_POOL_MODE == "transaction" and DATABASES["default"]["ENGINE"] == "wuyedesk.core.postgresql":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    if not env_bool("DB_PREPARED_STATEMENTS", False):
        for _option in ("server_side_binding", "prepare_threshold"):
            DATABASES["default"].get("OPTIONS", {}).pop(_option, None)
    # PgBouncer refuses a startup `options` parameter: set `ALTER ROLE … SET jit = off`
    # on the server instead (docs/operations.md).
    DATABASES["default"].get("OPTIONS", {}).pop("options", None)
# Media (attachments, raw mails, report PDFs) on S3-compatible storage when MEDIA_S3_BUCKET
# is set (django-storages, extra `s3`), so that every web and worker machine sees the same
# files. The bucket stays private: files reach users only through the application's views,
# which check permissions and stream the file (core/downloads.py); no bucket URL is ever
# handed out (querystring_auth stays on, so even a stray .url would be a signed, short-lived
# one).
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION", "us-east-1"),
            "access_key": env_str("MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_KEY") or None,
            "addressing_style": env_str("MEDIA_S3_ADDRESSING_STYLE", "path"),
            "default_acl": None,  # the bucket's own (private) policy
            "querystring_auth": True,
            "querystring_expire": env_int("MEDIA_S3_URL_SECONDS", 60),
            "signature_version": "s3v4",
            "file_overwrite": False,
            "location": env_str("MEDIA_S3_PREFIX"),
        },
    }
# --- end of scale-out ----------------------------------------------------------------------

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 20) * 1024 * 1024

# --- Observability (#17 point 5; docs/operations.md, "Observability") -------------------
# Every request gets an id (a trusted proxy's X-Request-ID, else a new one), returned in the
# X-Request-ID header and carried into the huey tasks it enqueues (core/observability.py);
# requests are counted and timed for the metrics endpoint /system/metrics (web/metrics.py).
MIDDLEWARE = [
    "wuyedesk.core.observability.RequestIdMiddleware",
    "wuyedesk.core.observability.MetricsMiddleware",
    *MIDDLEWARE,
]
# A Prometheus server scrapes /system/metrics with `Authorization: Bearer METRICS_TOKEN`;
# empty: only a signed-in system administrator may read it.
METRICS_TOKEN = env_str("METRICS_TOKEN")
# Logs go to standard error, one JSON object a line (LOG_FORMAT=json, the default) with the
# request id; LOG_FORMAT=plain for reading by eye. Mobile and ID numbers that a message
# might still carry are masked on the way out (lib/logcontext.py).
LOG_FORMAT = env_str("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            # "time": ISO 8601 in UTC, whatever TIME_ZONE says.
            "fmt": "%(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,  # Chinese messages stay readable
        },
    },
    "filters": {"personal_data": {"()": "wuyedesk.lib.logcontext.PersonalDataFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes logs usernames of failed logins; residents' usernames are phone digests anyway.
        "axes": {"level": "WARNING"},
        "django.db.backends": {"level": "INFO"},
        # The huey consumer adds a plain handler of its own unless the logger has one: ours,
        # so that its lines are JSON too. Its INFO lines (three per periodic task per
        # minute) drown the tasks' own results.
        "huey": {
            "handlers": ["console"],
            "level": env_str("HUEY_LOG_LEVEL", "WARNING"),
            "propagate": False,
        },
    },
}
# --- end of observability ---------------------------------------------------------------

NAV_LABEL = _("物业客服台")
