"""Settings, read from environment variables with safe defaults for the embedded (single machine) run.

The embedded default needs no server at all: SQLite for data, SQLite (through kombu's SQLAlchemy
transport) as the Celery broker, a file cache and the local filesystem for media. Production sets
DATABASE_URL, BROKER_URL, CACHE_URL and the S3 variables; the code does not change.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets `admin.ModelAdmin[Model]`-style generics be written for mypy and still run.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


if "BRIGHTKITCHEN_DATA_DIR" not in os.environ and env_bool("BRIGHTKITCHEN_TESTING"):
    # A test run without a data directory of its own gets a fresh one (its SQLite test database, file
    # cache and media), so two runs in one checkout never share a database or a rate limit; the
    # processes the tests start (workers, web servers) inherit it.
    os.environ["BRIGHTKITCHEN_DATA_DIR"] = tempfile.mkdtemp(prefix="brightkitchen-test-")
    os.environ["BRIGHTKITCHEN_DATA_DIR_OWNER"] = str(os.getpid())  # conftest removes it when done
DATA_DIR = Path(os.environ.get("BRIGHTKITCHEN_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)
if env_bool("BRIGHTKITCHEN_TESTING") and "BRIGHTKITCHEN_BENCH_REPORT" not in os.environ:
    # The bench tests' figures are not the machine's: they go to the run's own directory, never to the
    # checkout's docs/benchmarks.md.
    os.environ["BRIGHTKITCHEN_BENCH_REPORT"] = str(DATA_DIR / "benchmarks.md")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Embedded run: one random key per data directory, kept so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Fernet key(s) for camera source addresses at rest, comma-separated, newest first (rotation); unset:
# derived from SECRET_KEY with HKDF, so changing SECRET_KEY then makes stored camera addresses unreadable.
CAMERA_SECRET_KEY = os.environ.get("CAMERA_SECRET_KEY", "")
# How often each camera is probed (online state, codec, picture quality), in seconds.
CAMERA_PROBE_INTERVAL_S = int(os.environ.get("CAMERA_PROBE_INTERVAL_S", "300"))
# How long a worker holds a camera while probing it (longer than a probe can last: PROBE_TIMEOUT_S and
# the decoding); a worker that dies mid-probe leaves its cameras to the first sweep after that.
CAMERA_PROBE_LEASE_S = int(os.environ.get("CAMERA_PROBE_LEASE_S", "60"))
# How often a probe also diagnoses the picture (blur, darkness, frozen, …; three keyframes instead of one).
CAMERA_QUALITY_INTERVAL_S = int(os.environ.get("CAMERA_QUALITY_INTERVAL_S", "1800"))
# Live view: where browsers reach the WHEP relay (`brightkitchen relay`), the secret the web side signs
# viewing grants with and the relays check (default: derived from SECRET_KEY), how long a grant is good
# for, how long a camera's upstream stays open after its last viewer, and which page origins may call it.
RELAY_URL = os.environ.get("RELAY_URL", "http://127.0.0.1:8001")
RELAY_SECRET = os.environ.get("RELAY_SECRET", "")
RELAY_GRANT_TTL_S = int(os.environ.get("RELAY_GRANT_TTL_S", "60"))
RELAY_IDLE_CLOSE_S = float(os.environ.get("RELAY_IDLE_CLOSE_S", "10"))
RELAY_ALLOWED_ORIGINS = env_list("RELAY_ALLOWED_ORIGINS", "*")
RELAY_ICE_SERVERS = env_list("RELAY_ICE_SERVERS", "")  # e.g. stun:stun.example.gov.cn:3478

# Government identity providers (OpenID Connect): a JSON list of {"name", "label", "issuer", "client_id",
# "client_secret", "scope"}; each adds a "sign in with" button (accounts/oidc.py).
OIDC_PROVIDERS = os.environ.get("OIDC_PROVIDERS", "[]")
# Where people reach the platform: the links in e-mails, SMS and WeChat messages point here.
PLATFORM_URL = os.environ.get("PLATFORM_URL", "http://127.0.0.1:8000")
# Notification channels (notifications/channels.py); each is off until its settings are given.
# E-mail: SMTP, with STARTTLS (EMAIL_USE_TLS) or TLS from the start (EMAIL_USE_SSL).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "明厨亮灶 <noreply@brightkitchen.invalid>")
EMAIL_MESSAGE_DOMAIN = os.environ.get("EMAIL_MESSAGE_DOMAIN", "brightkitchen.invalid")
# SMS: Alibaba Cloud SendSms, or a gateway that speaks it.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_ACCESS_KEY_ID = os.environ.get("SMS_ACCESS_KEY_ID", "")
SMS_ACCESS_KEY_SECRET = os.environ.get("SMS_ACCESS_KEY_SECRET", "")
SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
SMS_TEMPLATE_CODE = os.environ.get("SMS_TEMPLATE_CODE", "")
# WeChat official account template messages.
WECHAT_GATEWAY_URL = os.environ.get("WECHAT_GATEWAY_URL", "")
WECHAT_APP_ID = os.environ.get("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = os.environ.get("WECHAT_APP_SECRET", "")
WECHAT_TEMPLATE_ID = os.environ.get("WECHAT_TEMPLATE_ID", "")
# Outbound-address policy (core.netpolicy) for camera sources and everything else the platform connects
# to: private, loopback and link-local addresses only inside these CIDR networks (comma-separated; loopback
# only by a network inside 127.0.0.0/8 or ::1). The test suite allows loopback (its test cameras) and the
# private ranges its examples use; production allows none of them until the operator lists a network.
OUTBOUND_ALLOWED_NETWORKS = env_list(
    "OUTBOUND_ALLOWED_NETWORKS",
    "127.0.0.0/8,::1/128,10.0.0.0/8,192.168.0.0/16" if env_bool("BRIGHTKITCHEN_TESTING") else "",
)
# The platform's own listening addresses (host:port, or a host for every port), never connected to; the
# relays of RELAY_URL and the names of ALLOWED_HOSTS are added. `serve` adds its --bind when unset.
PLATFORM_ADDRESSES = env_list("PLATFORM_ADDRESSES", "127.0.0.1:8000,[::1]:8000")
# "system": getaddrinfo; "offline": only address literals and localhost, never a DNS query (tests).
OUTBOUND_RESOLVER = os.environ.get(
    "OUTBOUND_RESOLVER", "offline" if env_bool("BRIGHTKITCHEN_TESTING") else "system"
)
DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("BRIGHTKITCHEN_HTTPS", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "brightkitchen.core.admin_site.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "brightkitchen.core",
    "brightkitchen.regions",
    "brightkitchen.organisations",
    "brightkitchen.accounts",
    "brightkitchen.schools",
    "brightkitchen.schedule",
    "brightkitchen.alerts",
    "brightkitchen.staff",
    "brightkitchen.records",
    "brightkitchen.purchases",
    "brightkitchen.hygiene",
    "brightkitchen.checklists",
    "brightkitchen.selfcheck",
    "brightkitchen.menus",
    "brightkitchen.incidents",
    "brightkitchen.rectifications",
    "brightkitchen.cameras",
    "brightkitchen.inspections",
    "brightkitchen.patrols",
    # After the apps whose data are its signals: its demo data grades what their demo data made.
    "brightkitchen.risk",
    "brightkitchen.dispatch",
    "brightkitchen.notifications",
    "brightkitchen.dashboards",
    "brightkitchen.bulletins",
    "brightkitchen.audit",
    "brightkitchen.demo",
    "brightkitchen.bench",
]

MIDDLEWARE = [
    "brightkitchen.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Deny by default: every page needs login unless its view is marked public on purpose.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "brightkitchen.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "brightkitchen.cameras.csp.RelayCSPMiddleware",
]

# Content-Security-Policy (django-csp): scripts and styles from the platform's own static files only, no
# inline script, style or event handler (forms.js, tiles.js, whep.js carry the behaviour); pictures and
# video from the platform (data:/blob: for the players and previews); the live players talk to the
# relays of RELAY_URL (added per request by cameras.csp). No page may be framed by another site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "media-src": ["'self'", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "brightkitchen.config.urls"
WSGI_APPLICATION = "brightkitchen.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "brightkitchen.core.context_processors.navigation",
                "brightkitchen.schools.context_processors.operating_bans",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'brightkitchen.sqlite3'}")
DATABASES: dict[str, Any] = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server, worker and scheduler read while one of them writes;
        # IMMEDIATE transactions take the write lock up front instead of failing half-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests run on a file, so worker processes started by the tests can open the same database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short dashboard queries over many rows: PostgreSQL's JIT compiles them for longer than they run
    # (600 ms of compilation for a 300 ms aggregate on the province data), so it is off for the app.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"

# --- Cache (login rate limiting, counters shared between processes) -------------------------------------
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

# --- Auth ------------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
TESTING = env_bool("BRIGHTKITCHEN_TESTING")
if TESTING:
    # Argon2 is slow on purpose; the test suite creates hundreds of users.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if TESTING and env_bool("BRIGHTKITCHEN_ZEAL", True):
    # Every request a test makes fails on an N+1 query (django-zeal: a relation loaded one row at a time
    # from the rows of one query), so each page and endpoint the tests call is guarded against them.
    INSTALLED_APPS.append("zeal")
    MIDDLEWARE.append("zeal.middleware.zeal_middleware")
    ZEAL_RAISE = True
    # get_for_model is cached per process; its first call for each model is not an N+1.
    ZEAL_ALLOWLIST = [{"model": "contenttypes.ContentType"}]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sign-in throttle (accounts.services.sign_in): growing delays per account-and-address pair, the offline
# CAPTCHA on an account after repeated failures from anywhere (never a lockout of the right password),
# and a limit per address over all accounts.
LOGIN_DELAY_AFTER = int(os.environ.get("LOGIN_DELAY_AFTER", "3"))
LOGIN_DELAY_BASE_S = int(os.environ.get("LOGIN_DELAY_BASE_S", "1"))
LOGIN_DELAY_MAX_S = int(os.environ.get("LOGIN_DELAY_MAX_S", "900"))
LOGIN_CAPTCHA_AFTER = int(os.environ.get("LOGIN_CAPTCHA_AFTER", "5"))
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "100"))
LOGIN_FAILURE_WINDOW_S = int(os.environ.get("LOGIN_FAILURE_WINDOW_S", "900"))
# Sensitive actions (creating or rotating an API token, changing users in the admin) ask for the password
# again when the sign-in (or the last confirmation) is older than this (accounts.reauth).
REAUTH_MAX_AGE_S = int(os.environ.get("REAUTH_MAX_AGE_S", "600"))
# Guessing display links (cameras.views.display): after this many unknown or revoked links from one address
# within the window, that address gets 429 for every link until the window ends.
DISPLAY_LINK_MAX_MISSES = int(os.environ.get("DISPLAY_LINK_MAX_MISSES", "20"))
DISPLAY_LINK_MISS_WINDOW_S = int(os.environ.get("DISPLAY_LINK_MISS_WINDOW_S", "900"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)

# --- Internationalisation ---------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
# The shared CSS and logo live in the package, not in an app, so the app finder never sees them.
STATICFILES_DIRS: list[Any] = [PACKAGE_DIR / "static"]
# Chart.js from the Debian package libjs-chart.js (scripts/bootstrap-system installs it): served from our
# own /static/, never from a CDN.
CHARTJS_DIR = Path(os.environ.get("CHARTJS_DIR", "/usr/share/javascript/chart.js"))
CHARTJS_AVAILABLE = (CHARTJS_DIR / "chart.min.js").exists()
if CHARTJS_AVAILABLE:
    STATICFILES_DIRS.append(("vendor/chartjs", CHARTJS_DIR))
# The Chinese font embedded in PDF bulletins (TrueType outlines; Debian package fonts-wqy-microhei).
BULLETIN_FONT = os.environ.get("BULLETIN_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
S3_BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
STORAGES: dict[str, Any] = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": S3_BUCKET,
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Celery ----------------------------------------------------------------------------------------------
CELERY_BROKER_URL = os.environ.get("BROKER_URL", f"sqla+sqlite:///{DATA_DIR / 'broker.sqlite3'}")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The beat schedule: each app registers its periodic tasks from its AppConfig.ready()
# (core.schedule.register_beat); config/celery.py hands them to the scheduler.

# --- Operations ------------------------------------------------------------------------------------------
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
# Reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For / X-Real-IP give the client's address
# (core.middleware.client_ip); none by default: the peer's address counts and the headers are ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
REGIONS_FILE = Path(os.environ.get("REGIONS_FILE", PACKAGE_DIR / "regions" / "data" / "pca-code.json"))

# Whether anyone may read the OpenAPI document and /api/v1/docs (they describe routes and schemas, never
# data); off: signed-in users only (core.api.docs_gate).
API_DOCS_PUBLIC = env_bool("API_DOCS_PUBLIC", True)

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
