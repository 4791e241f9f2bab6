"""Django settings: every value comes from a SOLDE_* environment variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }


def data_dir() -> Path:
    configured = os.environ.get("SOLDE_DATA_DIR")
    if configured:
        path = Path(configured)
    else:
        xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        path = Path(xdg) / "solde"
    path.mkdir(parents=True, exist_ok=True)
    return path


DATA_DIR = data_dir()


def _secret_key() -> str:
    key = os.environ.get("SOLDE_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Written once, readable by its owner only, so every process shares it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _flag("SOLDE_DEBUG")
BASE_URL = os.environ.get("SOLDE_BASE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("SOLDE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "django_htmx",
    "solde.companies",
    "solde.audit",
    "solde.customers",
    "solde.invoicing",
    "solde.payments",
    "solde.banking",
    "solde.mail",
    "solde.recurring",
    "solde.reminders",
    "solde.reports",
    "solde.api",
    "solde.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "solde.config.urls"
WSGI_APPLICATION = "solde.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "solde.web.company.navigation",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("SOLDE_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60)
        config.setdefault("TEST", {})
        if config["ENGINE"].endswith("postgresql"):
            # No JIT: it compiles each report query afresh (about 0.3 s at a million
            # invoices) for queries that run in well under a second without it.
            config.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "solde.sqlite3"),
        "OPTIONS": {
            # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two
            # issuers queue up instead of failing half-way on a lock upgrade.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            # A 64 MB page cache (the default is 2 MB): large ledgers keep their indexes in
            # memory while a bank run writes tens of thousands of rows; and the WAL is copied
            # back into the database every 10,000 pages (40 MB) rather than every 1,000.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                "PRAGMA wal_autocheckpoint=10000;"
            ),
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("SOLDE_LANGUAGE", "fr")
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "solde_language"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
TIME_ZONE = os.environ.get("SOLDE_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing directory
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

REDIS_URL = os.environ.get("SOLDE_REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "solde", "url": REDIS_URL, "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "solde",
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": False,
    }


def _email(url: str) -> dict:
    """Django's EMAIL_* settings from SOLDE_EMAIL_URL.

    smtp://user:pass@host:port   plain SMTP, upgraded with STARTTLS on port 587 (submission)
    smtp+starttls://…            STARTTLS on any port (also: ?starttls=1; ?starttls=0 turns it off)
    smtps://…                    implicit TLS (RFC 8314), port 465 by default
    ?timeout=N                   seconds before giving up on the server (default 30)
    User and password are percent-decoded, so an "@" in a login is written %40.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps", "smtp+starttls"}:
        raise ImproperlyConfigured(
            f"SOLDE_EMAIL_URL: unknown scheme {parts.scheme!r} (smtp, smtp+starttls, smtps)."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = parts.scheme == "smtps"
    port = parts.port or (465 if ssl else 25)
    starttls_default = parts.scheme == "smtp+starttls" or (not ssl and port == 587)
    starttls = query.get("starttls", "1" if starttls_default else "0").lower() in {"1", "true"}
    return {
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": starttls and not ssl,
        "EMAIL_TIMEOUT": int(query.get("timeout", "30")),
    }


# With SOLDE_EMAIL_URL, solde.mail delivers through SMTP; without it, every message is
# written as an .eml file in DATA_DIR/outbox (nothing leaves the machine). The URL itself
# is not kept as a setting: it holds a password that error pages would show.
_email_url = os.environ.get("SOLDE_EMAIL_URL", "")
EMAIL_DELIVERY = "smtp" if _email_url else "file"
_smtp = _email(_email_url or "smtp://localhost")
EMAIL_HOST = _smtp["EMAIL_HOST"]
EMAIL_PORT = _smtp["EMAIL_PORT"]
EMAIL_HOST_USER = _smtp["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _smtp["EMAIL_HOST_PASSWORD"]
EMAIL_USE_SSL = _smtp["EMAIL_USE_SSL"]
EMAIL_USE_TLS = _smtp["EMAIL_USE_TLS"]
EMAIL_TIMEOUT = _smtp["EMAIL_TIMEOUT"]
DEFAULT_FROM_EMAIL = os.environ.get("SOLDE_EMAIL_FROM", "Solde <noreply@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "solde.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["solde.api.permissions.CompanyMember"],
    "DEFAULT_PAGINATION_CLASS": "solde.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [],
    "DEFAULT_PARSER_CLASSES": ["solde.api.parsers.DecimalJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "solde.api.problems.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Solde API",
    "DESCRIPTION": "Customers, invoices, credit notes, payments, allocations and balances.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "InvoiceKindEnum": "solde.invoicing.models.Invoice.KIND_CHOICES",
        "AllocationKindEnum": "solde.payments.models.Allocation.KIND_CHOICES",
        "CustomerKindEnum": "solde.customers.models.Customer.KIND_CHOICES",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOLDE_LOG_LEVEL", "WARNING")},
}
