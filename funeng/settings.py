"""Django settings for Funeng; every deploy-specific value comes from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from funeng.config import ConfigError, database_config, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
# The development key only ever works with DEBUG on; production must provide its own.
_DEV_KEY = "funeng-insecure-development-key-never-use-in-production"
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", _DEV_KEY)
elif "SECRET_KEY" not in os.environ and env_bool("FUNENG_THROWAWAY_SECRET_KEY", False):
    # Set by the `funeng` command for one-off commands (funeng/cli.py): a key nobody else knows,
    # gone when the process ends. Servers and the worker never get here.
    SECRET_KEY = secrets.token_urlsafe(50)
else:
    SECRET_KEY = env_str("SECRET_KEY")  # raises ConfigError when missing
    if SECRET_KEY == _DEV_KEY or len(SECRET_KEY) < 32:
        raise ConfigError("SECRET_KEY must be a private value of at least 32 characters when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Bottom to top, as tests/platform/test_app_layers.py checks: an app imports only apps listed before it.
    "funeng.apps.core",
    "funeng.apps.audit",
    "funeng.apps.tasks",
    "funeng.apps.consents",
    "funeng.apps.enterprises",
    "funeng.apps.notifications",
    "funeng.apps.accounts",
    "funeng.apps.providers",
    "funeng.apps.library",
    "funeng.apps.finance",
    "funeng.apps.lending",
    "funeng.apps.assessment",
    "funeng.apps.policies",
    "funeng.apps.matching",
    "funeng.apps.shared_workforce",
    "funeng.apps.supply_chain",
    "funeng.apps.designations",
    "funeng.apps.shared_manufacturing",
    "funeng.apps.monitoring",
    "funeng.apps.portals",
    "funeng.apps.api",
    "funeng.apps.demo",
]

MIDDLEWARE = [
    "funeng.apps.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "funeng.apps.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "funeng.apps.core.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a flagged failed login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Axes only watches login attempts and refuses locked-out ones; ModelBackend checks the password.
# API tokens never pass through authenticate(), so token calls are neither counted nor locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "funeng.urls"
WSGI_APPLICATION = "funeng.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'funeng.sqlite3'}"), str(BASE_DIR)
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first: new and re-hashed passwords use it; older PBKDF2 hashes still verify.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# zh-Hans is the default UI language; English is the switch. Msgids are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Production serves what `collectstatic` wrote: hashed names cached for a year, gzip/brotli copies.
# The development server finds files in place.
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploaded files (assessment evidence) live outside the package and outside git (var/ is ignored);
# there is no MEDIA_URL: files are served only by access-checked views, never as static files.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# The learned re-ranker of matchmaking (`funeng matching_train` writes it); when the file is missing
# or unusable, matches are ranked by the hand-tuned blend.
MATCHING_MODEL_PATH = Path(env_str("MATCHING_MODEL_PATH", str(VAR_DIR / "models" / "matching_ltr.json")))

# Long work runs in `funeng worker`, which reads its queue from the database: no broker to run.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# IP address, that pair is refused for the cool-off time. Keying on the pair keeps an attacker
# from locking a colleague out from another address, and keeps one office (a shared NAT address)
# usable while one of its users is locked. A second, higher limit counts the address alone
# (funeng.apps.accounts.lockout): many usernames tried from one address lock that address.
AXES_HANDLER = "funeng.apps.accounts.lockout.LockoutHandler"
AXES_IP_FAILURE_LIMIT = env_int("AXES_IP_FAILURE_LIMIT", 30)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "funeng.apps.accounts.views.lockout_response"
# Behind a reverse proxy every request comes from the proxy's address; name how many trusted
# proxies append to X-Forwarded-For so the client's own address is the one counted.
_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if _PROXY_COUNT > 0:
    AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# A working day; the cookie also ends with the browser so a shared office PC does not stay signed in.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# A reset link is used right away; an hour limits the damage of a mailbox read later by someone else.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Sign-ups (enterprise claims, provider applications) and password resets per client address:
# at most THROTTLE_ATTEMPTS posts of each within the window, counted in the database so that all
# web workers share the count (funeng.apps.core.throttle). Above it the visitor gets a 429 page.
THROTTLE_ATTEMPTS = env_int("THROTTLE_ATTEMPTS", 10)
THROTTLE_WINDOW = timedelta(minutes=env_int("THROTTLE_WINDOW_MINUTES", 60))

# An online check that a claimant acts for the enterprise (电子营业执照 / 法人实名): the dotted path
# of a class implementing funeng.apps.accounts.verifiers.ClaimVerifier. Empty: the option is not
# offered, and a claim needs a claim code or documents an official reviews. The development stub
# approves every claim, so it is the default only with DEBUG on; a system check refuses it otherwise.
CLAIM_VERIFIER = env_str(
    "CLAIM_VERIFIER", "funeng.apps.accounts.verifiers.DevelopmentStubVerifier" if DEBUG else ""
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe /healthz over plain HTTP on the private network; it reveals no data.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Bulk imports stream files; keep uploads on disk rather than in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "funeng@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        # One line per request with its duration and id (REQUEST_LOG_LEVEL=WARNING silences it).
        "funeng.request": {"level": env_str("REQUEST_LOG_LEVEL", "INFO"), "propagate": True},
        "funeng.worker": {"level": "INFO", "propagate": True},
    },
}
