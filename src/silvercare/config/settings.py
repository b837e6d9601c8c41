"""SilverCare settings: every value comes from the environment (12-factor).

SILVERCARE_ENV selects defaults: ``development`` (the default, what ``make run`` uses),
``test`` or ``production``. Production refuses to start without explicit secrets.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/silvercare
PROJECT_DIR = Path(os.environ.get("SILVERCARE_HOME", BASE_DIR.parent.parent))

ENV = os.environ.get("SILVERCARE_ENV", "development")
if ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"SILVERCARE_ENV must be development, test or production, not {ENV!r}"
    )
PRODUCTION = ENV == "production"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def required(name: str, dev_default: str) -> str:
    value = os.environ.get(name)
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{name} must be set when SILVERCARE_ENV=production")
    return dev_default


SECRET_KEY = required("SECRET_KEY", "insecure-development-key-change-me-" + "0" * 20)
# Off unless asked for explicitly (SILVERCARE_DEBUG=1): debug pages print settings, SQL and
# local variables, personal data included. Never in production.
DEBUG = env_bool("SILVERCARE_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("SILVERCARE_DEBUG must not be on when SILVERCARE_ENV=production")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "silvercare.config.apps.AxesConfig",  # django-axes, named in Chinese
    "django_otp",
    "silvercare.config.apps.TotpConfig",  # django_otp.plugins.otp_totp
    "django_tasks",
    "silvercare.config.apps.TasksDatabaseConfig",  # django_tasks_db
    "silvercare.common",
    "silvercare.regions",
    "silvercare.accounts",
    "silvercare.audit",
    "silvercare.elders",
    "silvercare.assessments",
    "silvercare.subsidies",
    "silvercare.training",
    "silvercare.falldetect",
    "silvercare.monitoring",
    "silvercare.alerts",
    "silvercare.assistive",
    "silvercare.rental",
    "silvercare.homecare",
    "silvercare.adaptation",
    "silvercare.industry",
    "silvercare.supervision",
    "silvercare.canteens",
    "silvercare.portal",
    "silvercare.indicators",
    "silvercare.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "silvercare.common.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "silvercare.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "silvercare.config.urls"
WSGI_APPLICATION = "silvercare.config.wsgi.application"

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
                "silvercare.accounts.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DEFAULT_SQLITE = PROJECT_DIR / "var" / "silvercare.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication and login security ------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if ENV == "test":
    # Argon2 is deliberately slow; tests create many users. Production keeps argon2 first.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A ceiling per IP address across usernames (accounts.lockout): guessing one password against
# many usernames from one address stops here.
AXES_HANDLER = "silvercare.accounts.lockout.AddressCeilingHandler"
SILVERCARE_LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "30"))
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Staff roles must use a TOTP second factor; on by default in production.
SILVERCARE_REQUIRE_STAFF_2FA = env_bool("SILVERCARE_REQUIRE_STAFF_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "SilverCare"

# The SMS gateway of the portal's phone sign-in (portal.sms): a dotted class path. The console
# backend prints the code (development) and keeps it in an outbox (tests).
SILVERCARE_SMS_BACKEND = os.environ.get(
    "SILVERCARE_SMS_BACKEND", "silvercare.portal.sms.ConsoleBackend"
)
if PRODUCTION and SILVERCARE_SMS_BACKEND.endswith(".ConsoleBackend"):
    import warnings

    warnings.warn("SILVERCARE_SMS_BACKEND is the console: no code reaches a phone", stacklevel=1)
# One-time sign-in codes: minutes valid, wrong tries per code, requests per phone (per hour,
# and the wait between two), requests per address per hour.
SILVERCARE_OTP_MINUTES = int(os.environ.get("SILVERCARE_OTP_MINUTES", "5"))
SILVERCARE_OTP_WRONG_TRIES = 5
SILVERCARE_OTP_PER_PHONE_HOUR = int(os.environ.get("SILVERCARE_OTP_PER_PHONE_HOUR", "5"))
SILVERCARE_OTP_RESEND_SECONDS = 60
SILVERCARE_OTP_PER_IP_HOUR = int(os.environ.get("SILVERCARE_OTP_PER_IP_HOUR", "20"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = False  # htmx reads it to send X-CSRFToken
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}


# --- Personal data protection ---------------------------------------------------------------
# SILVERCARE_FIELD_KEYS: comma-separated "key-id:base64(32 bytes)"; the first is used to
# encrypt, every listed key can decrypt (rotation). SILVERCARE_HASH_KEY: base64 key for the
# keyed lookup hashes (HMAC-SHA256).
def _dev_key(label: str) -> str:
    return base64.b64encode(hashlib.sha256(f"{SECRET_KEY}:{label}".encode()).digest()).decode()


def _parse_field_keys(raw: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for part in raw.split(","):
        if not part.strip():
            continue
        kid, sep, material = part.strip().partition(":")
        if not sep or not kid.isalnum():
            raise ImproperlyConfigured("SILVERCARE_FIELD_KEYS entries look like 'k1:<base64>'")
        key = base64.b64decode(material)
        if len(key) != 32:
            raise ImproperlyConfigured(f"SILVERCARE_FIELD_KEYS key {kid!r} must be 32 bytes")
        keys[kid] = key
    if not keys:
        raise ImproperlyConfigured("SILVERCARE_FIELD_KEYS names no key")
    return keys


SILVERCARE_FIELD_KEYS = _parse_field_keys(
    required("SILVERCARE_FIELD_KEYS", "dev1:" + _dev_key("field"))
)
SILVERCARE_HASH_KEY = base64.b64decode(required("SILVERCARE_HASH_KEY", _dev_key("hash")))
if len(SILVERCARE_HASH_KEY) < 32:
    raise ImproperlyConfigured("SILVERCARE_HASH_KEY must be at least 32 bytes (base64)")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static files (front-end packages come from npm at install time) ------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
NODE_MODULES = PROJECT_DIR / "node_modules"
if NODE_MODULES.is_dir():
    STATICFILES_DIRS.append(("vendor", NODE_MODULES))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# WhiteNoise serves static files without DEBUG: from the apps' and npm's folders outside
# production (re-scanned on each request in development), from collectstatic in production.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = ENV == "development"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_task_backend = os.environ.get("SILVERCARE_TASKS", "immediate" if ENV == "test" else "database")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured("SILVERCARE_TASKS must be 'database' or 'immediate'")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Region-level policy knobs live in the database; these are only deployment facts.
SILVERCARE_SERVICE_CIRCLE_METRES = int(os.environ.get("SILVERCARE_SERVICE_CIRCLE_METRES", "1000"))
SILVERCARE_IMPORT_CHUNK = 500

# --- Indicators map (docs/indicators.md, "Map") ----------------------------------------------
# A community lies in a 15-minute service circle when a service point is within this many
# metres of its centre: 15 minutes at an older person's ~4 km/h is 1,000 m. The same walking
# distance as the regions API's service circle (one variable sets both).
INDICATORS_SERVICE_CIRCLE_M = SILVERCARE_SERVICE_CIRCLE_METRES
# A base map's tile URL template ("https://tile.example/{z}/{x}/{y}.png", "{s}" for
# subdomains, or a path on this site such as "/tiles/{z}/{x}/{y}.png"); its origin is added
# to the map page's img-src. Empty (the default): no tiles, the map draws on a plain
# background, offline. The attribution the tile provider asks for is shown beside it (HTML).
INDICATORS_MAP_TILES = os.environ.get("SILVERCARE_MAP_TILES", "").strip()
INDICATORS_MAP_ATTRIBUTION = os.environ.get("SILVERCARE_MAP_ATTRIBUTION", "").strip()


def map_tile_source(template: str) -> str:
    """The CSP source that lets a page load the tiles of ``template``: "" for none or for
    tiles on this site, else the scheme and host ("{s}" subdomains as a wildcard)."""
    import re
    from urllib.parse import urlsplit

    if not template:
        return ""
    if not all(part in template for part in ("{z}", "{x}", "{y}")):
        raise ImproperlyConfigured("SILVERCARE_MAP_TILES must contain {z}, {x} and {y}")
    if template.startswith("/") and not template.startswith("//"):
        return ""
    parts = urlsplit(template)
    host = parts.netloc.replace("{s}", "*")
    if parts.scheme not in {"https", "http"} or not re.fullmatch(
        r"(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?", host
    ):
        raise ImproperlyConfigured(
            "SILVERCARE_MAP_TILES must be an http(s) URL template or a path on this site"
        )
    return f"{parts.scheme}://{host}"


INDICATORS_MAP_TILE_SOURCE = map_tile_source(INDICATORS_MAP_TILES)

# --- Device telemetry (docs/devices.md) ------------------------------------------------------
# mqtt://user:password@host:port — unset means no broker: HTTPS batch ingest only.
MQTT_URL = os.environ.get("MQTT_URL", "")
# A reading stamped further than this in the future is rejected (device clocks drift).
SILVERCARE_INGEST_FUTURE_TOLERANCE_S = int(
    os.environ.get("SILVERCARE_INGEST_FUTURE_TOLERANCE_S", "300")
)
# A fall found by the server-side detector waits this long for the wearer to cancel it on the
# device before a fall alert is raised (docs/fall-detection.md, "In the product").
SILVERCARE_FALL_CONFIRM_SECONDS = int(os.environ.get("SILVERCARE_FALL_CONFIRM_SECONDS", "30"))
# The ingest worker's batch window and per-device flood limit (token bucket).
SILVERCARE_INGEST_BATCH_SIZE = int(os.environ.get("SILVERCARE_INGEST_BATCH_SIZE", "2000"))
SILVERCARE_INGEST_BATCH_WINDOW_MS = int(os.environ.get("SILVERCARE_INGEST_BATCH_WINDOW_MS", "50"))
SILVERCARE_INGEST_DEVICE_RATE = float(os.environ.get("SILVERCARE_INGEST_DEVICE_RATE", "20"))
SILVERCARE_INGEST_DEVICE_BURST = int(os.environ.get("SILVERCARE_INGEST_DEVICE_BURST", "100"))
# --- Alert notifications (alerts.channels) ---------------------------------------------------
# SMS and voice: POST {"channel","to","text","alert_id"} to this gateway; unset = not sent.
ALERTS_GATEWAY_URL = os.environ.get("ALERTS_GATEWAY_URL", "")
ALERTS_GATEWAY_TIMEOUT = float(os.environ.get("ALERTS_GATEWAY_TIMEOUT", "3"))
# Webhook for the "webhook" channel; the emergency relay's phone and webhook (ladder last step).
ALERTS_WEBHOOK_URL = os.environ.get("ALERTS_WEBHOOK_URL", "")
ALERTS_EMERGENCY_PHONE = os.environ.get("ALERTS_EMERGENCY_PHONE", "")
ALERTS_EMERGENCY_WEBHOOK_URL = os.environ.get("ALERTS_EMERGENCY_WEBHOOK_URL", "")
APP_NAME = _("SilverCare")
