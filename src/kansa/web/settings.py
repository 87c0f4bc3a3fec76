"""Django settings, read from the environment; production refuses to start without a secret key."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

HERE = Path(__file__).resolve().parent
BASE_DIR = HERE

DEBUG = os.environ.get("KANSA_DEBUG", "0").lower() in {"1", "true", "yes"}
_secret = os.environ.get("KANSA_SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        # a guessable key would let anyone forge sessions and password-reset tokens
        raise ImproperlyConfigured(
            "KANSA_SECRET_KEY が未設定です / KANSA_SECRET_KEY is not set (required unless KANSA_DEBUG=1)")
    _secret = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = _secret

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KANSA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h.strip()]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "kansa.web.org",
    "kansa.web.trail",
    "kansa.web.accounts",
    "kansa.web.scans",
    "kansa.web.assessments",
    "kansa.web.audit",
    "kansa.web.fd",
    "django_tasks",
    "django_tasks_db",
]

# scans run on the database queue (SQLite or PostgreSQL); `kansa web worker` processes it
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
KANSA_UPLOAD_DIR = Path(os.environ.get("KANSA_UPLOAD_DIR", Path.cwd() / "kansa-web-uploads"))
KANSA_UPLOAD_MAX_BYTES = int(os.environ.get("KANSA_UPLOAD_MAX_BYTES", 200 * 1024**2))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024**2
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024**2

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kansa.web.accounts.middleware.RequireMfaMiddleware",
    "kansa.web.accounts.middleware.UserLanguageMiddleware",
    "kansa.web.accounts.middleware.IdleExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "kansa.web.urls"
WSGI_APPLICATION = "kansa.web.wsgi.application"

TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [HERE / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "django.template.context_processors.i18n",
        "kansa.web.org.scoping.context",
    ]},
}]

DATABASES = {"default": dj_database_url.parse(
    os.environ.get("DATABASE_URL", f"sqlite:///{Path.cwd() / 'kansa-web.sqlite3'}"), conn_max_age=60)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [HERE / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Tokyo"
USE_TZ = True

STATIC_URL = "/static/"
if os.environ.get("KANSA_STATIC_ROOT"):   # only for `collectstatic`; otherwise whitenoise reads the package
    STATIC_ROOT = Path(os.environ["KANSA_STATIC_ROOT"])
STATICFILES_DIRS = [HERE / "static"]
WHITENOISE_USE_FINDERS = True   # serve straight from the package when collectstatic has not run

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "org:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

# sessions and cookies: HTTPS-only outside debug, expire after 30 idle minutes (slid forward by
# accounts.middleware.IdleExpiryMiddleware, at most one write a minute) and at browser close
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = not DEBUG and os.environ.get("KANSA_INSECURE_HTTP", "0") != "1"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and os.environ.get("KANSA_BEHIND_PROXY", "0") != "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],          # no inline script: htmx and charts come from /static/
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}}

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "kansa"
OTP_TOTP_THROTTLE_FACTOR = 1

LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"axes": {"handlers": ["console"], "level": "WARNING"}}}

# mail (overdue-finding escalation): SMTP from the environment; KANSA_EMAIL_BACKEND=console prints instead
_EMAIL_BACKENDS = {"smtp": "django.core.mail.backends.smtp.EmailBackend",
                   "console": "django.core.mail.backends.console.EmailBackend"}
EMAIL_BACKEND = _EMAIL_BACKENDS.get(os.environ.get("KANSA_EMAIL_BACKEND", "smtp"), _EMAIL_BACKENDS["smtp"])
EMAIL_HOST = os.environ.get("KANSA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("KANSA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KANSA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KANSA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KANSA_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("KANSA_EMAIL_FROM", "kansa@localhost")
