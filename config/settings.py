"""Settings for Opt-Out Guide, read from the environment (django-environ).

One module for every environment. Defaults are safe for production (DEBUG off,
secure cookies); `make run` turns DEBUG on for local development, and SQLite
under var/ is the embedded default so a fresh checkout runs with no service.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; real environment wins

DEBUG = env.bool("DEBUG", default=False)
# HTTPS decides secure and __Host- cookies, HSTS and the redirect. It is on
# whenever DEBUG is off, unless a test or a plain-HTTP local run turns it off.
HTTPS = env.bool("HTTPS", default=not DEBUG)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off, e.g. "
            "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105
# Earlier keys, while a rotation settles: what they signed (emailed links) or sealed (sessions,
# two-factor secrets) still opens. Run `manage.py rotate_mfa_secrets` before dropping one (docs/DEPLOY.md).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # allauth's session list uses naturaltime
    "django_htmx",
    "simple_history",
    "requests_app",
    # Background tasks (reminder emails) kept in the database; `manage.py db_worker` runs them.
    "django_tasks_db",
    # Accounts. Its pages are restyled by templates/account, mfa, usersessions and allauth (DIRS wins).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    # Outermost, so that even a response made by an error in the middleware below it (a bad Host
    # header seen by SecurityMiddleware's redirect) carries the Content-Security-Policy.
    "requests_app.web.middleware.ErrorResponseMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Refuses an oversized body by its Content-Length, before anything reads it or opens a session.
    "requests_app.web.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # `?lang=fr` shows one page in French (the hreflang alternates' URLs): requests_app/web/language_choice.py.
    "requests_app.web.language_choice.LanguageParameterMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Keeps the idle timeout and records each signed-in session (IP, browser, last seen) so people
    # can see and end them: allauth's UserSessionsMiddleware, but once a SESSION_TOUCH_INTERVAL.
    "requests_app.accounts.activity.ActivityMiddleware",
    # Staff must have two-factor authentication before they reach /admin/.
    "requests_app.accounts.middleware.StaffMFAMiddleware",
    # no-store on private pages, Clear-Site-Data after sign-out.
    "requests_app.accounts.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view that loses the database answers 503 (middleware errors reach handler500, which does the same).
    "requests_app.web.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "requests_app.web.language_choice.languages",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Reuse connections for a minute (health-checked before each request, below): opening a PostgreSQL
# connection per request costs more than most of our pages.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# With persistent connections, check a reused connection before each request, so the site recovers
# by itself after the database restarts instead of failing on a dead connection.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and a management command share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits, the guide's version and page fragments live in the cache, so every worker of every
# server must share it: production's default is a table in the site's own database (created by
# `migrate`: requests_app/web/shared_cache.py), Redis when CACHE_URL names one. A development server
# is one process, where the local-memory cache is enough. `check --deploy` warns on a per-process one.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://opt-out-guide" if DEBUG else "dbcache://opt_out_guide_cache"
    )
}
# Several sites (or test runs) sharing one Redis database keep apart by a prefix on every key.
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="")
# Sessions live in the database (Django's database engine, with the data encrypted at rest:
# requests_app/accounts/sessions.py): every server behind a load balancer sees the same sessions
# whatever the cache is, and a session ended on one server (sign-out, account deletion) is ended on all.
# `cached_db` would save a read per request only with a shared cache, and with the local-memory
# default it would let a server keep serving a stale copy of an ended session.
SESSION_ENGINE = "requests_app.accounts.sessions"

# Background tasks (django.tasks). django-tasks-db keeps them in the database, the one stateful
# service, and `manage.py db_worker` runs them; tests run them immediately.
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The one place a language is switched on. The UI catalogues for French, Spanish, Italian, Dutch,
# Polish, Portuguese and Swedish are complete in locale/, and dates, the switcher, the alternates,
# the letter-language choice and the emails are built and tested for all nine
# (tests/factories/languages.py, NINE); each waits for its guide content and letter templates
# (issue #13). Enabling one is adding its line here, e.g. ("fr", _("French")).
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("sv", _("Swedish")),
]
# The languages in which the shipped guide (requests_app/guide/data) has every text, letter and form
# label: tests/guide/test_content_translations.py fails on any object missing a translation in one of
# these or in LANGUAGES. Add a language here once its content rows are complete, then to LANGUAGES.
CONTENT_COMPLETE_LANGUAGES = [code for code, _name in LANGUAGES]
# locale/ is ours (makemessages keeps it in step with the code); locale_overrides/ rewords strings of
# the libraries we use (allauth's German says "du", ours says "Sie"). Both win over the libraries'.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 (the console in development,
# a local MTA otherwise).
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_email_options = {
    option: _email[key]
    for key, option in [
        ("EMAIL_HOST", "host"),
        ("EMAIL_PORT", "port"),
        ("EMAIL_HOST_USER", "username"),
        ("EMAIL_HOST_PASSWORD", "password"),
        ("EMAIL_USE_TLS", "use_tls"),
        ("EMAIL_USE_SSL", "use_ssl"),
    ]
    if _email.get(key) not in (None, "")
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": _email_options if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Opt-Out Guide <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in emails sent outside a request (reminders) point: the site's public address.
_first_host = next((host.lstrip(".") for host in ALLOWED_HOSTS if host not in ("*", "")), "127.0.0.1:8000")
SITE_URL = env.str("SITE_URL", default=f"{'https' if HTTPS else 'http'}://{_first_host}").rstrip("/")

# How long (seconds) a server trusts its last look at the guide content's version before asking the
# database again (requests_app/guide/content.py): an editor's change shows everywhere within this time.
GUIDE_VERSION_TTL = env.float("GUIDE_VERSION_TTL", default=5.0)

# Security. Strict CSP with nonces and no third-party origin anywhere.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# An idle timeout: the session ends SESSION_COOKIE_AGE seconds after the last request (to within
# SESSION_TOUCH_INTERVAL), because requests_app.accounts.activity saves the session and pushes its expiry forward
# once an interval rather than on every request. People use this site on shared and borrowed
# devices, so two hours idle is the default.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 2)
SESSION_TOUCH_INTERVAL = env.int("SESSION_TOUCH_INTERVAL", default=60)
CSRF_COOKIE_HTTPONLY = True
# Django's own CSRF failure page carries an inline style that the CSP blocks: ours is plain.
CSRF_FAILURE_VIEW = "requests_app.web.errors.csrf_failure"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are bound to this exact origin: no Domain, Path=/, Secure.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and container health checks probe over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Accounts: django-allauth, email and password only (no username), verified email, two-factor
# authentication for everyone who wants it and for every member of staff.
AUTH_USER_MODEL = "auth.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/plan/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "requests_app.accounts.adapter.AccountAdapter"
# Usernames are random (see AccountAdapter): pages and emails name people by their address.
ACCOUNT_USER_DISPLAY = "requests_app.accounts.adapter.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account, changed by verifying the new one first.
ACCOUNT_CHANGE_EMAIL = True
# A GET (a mail scanner following the link) must not confirm an address; the page asks for a click.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Tell people by email when their password or email address changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Never email an address that has no account here (a reset form would otherwise mail strangers).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Opt-Out Guide] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# No "remember me": a session lasts until the browser closes or the idle timeout, whichever is first.
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
# Counted in the cache (CACHE_URL), so several servers need a shared cache such as Redis.
# "key" is the email address typed (hashed before it becomes a cache key), "ip" the client.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
    # Not account actions, but the same mechanism (requests_app/web/throttle.py): /verify/ parses PDFs of
    # up to 20 MB for anyone, and each PDF download or export renders one.
    "verify_evidence": "30/m/ip",
    "render_pdf": "30/m/ip",
    # Screenshots (requests_app/tracking/views.py): decoding and scaling one costs up to a few seconds.
    # Per person ("user"): a request's ten in a minute, and at most 60 an hour; per address ("ip"):
    # a little more, for people sharing one connection. Over it, the file field says to wait.
    "upload_screenshot": "10/m/user,60/h/user,20/m/ip",
}
# Behind a load balancer, the client address is the last one the trusted proxies appended.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=1 if env.bool("BEHIND_PROXY", default=False) else 0
)
# TOTP secrets and recovery-code seeds are encrypted at rest under a key derived from SECRET_KEY.
MFA_ADAPTER = "requests_app.accounts.mfa_secrets.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Opt-Out Guide"
# One 30-second step either side, for phones whose clocks drift; each code still works only once.
MFA_TOTP_TOLERANCE = 1
USERSESSIONS_TRACK_ACTIVITY = True

# Bodies. Everything but a file upload is small: a form's fields are at most 2 MB in all and at
# most 200 of them (the longest wizard page has a few dozen); one file a request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 2
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# RequestSizeLimitMiddleware refuses a body whose Content-Length is over its route's limit with 413
# before reading it: a screenshot is at most 10 MB (uploads.MAX_BYTES), an evidence PDF to check at
# most 20 MB (evidence/upload.py, MAX_UPLOAD_BYTES); each with room for the form's other fields.
REQUEST_BODY_LIMITS = {
    "tracking:record_filing": 11 * 1024 * 1024,
    "tracking:add_attachment": 11 * 1024 * 1024,
    "evidence:verify": 21 * 1024 * 1024,
}
REQUEST_BODY_DEFAULT_LIMIT = DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024

# Evidence signing (requests_app/evidence/signing_key.py): the Ed25519 private key itself (PEM, or a base64
# 32-byte seed) or, better, the path of a PEM file readable only by the app's user. With neither,
# a development server (DEBUG) makes one under var/, and production refuses to sign.
EVIDENCE_SIGNING_KEY = env.str("EVIDENCE_SIGNING_KEY", default="", multiline=True)
EVIDENCE_SIGNING_KEY_FILE = env.str("EVIDENCE_SIGNING_KEY_FILE", default="")
# After a key rotation, records signed with an earlier key still verify when its public key stays
# listed here: one or more PEM blocks, in the variable itself or in a file named by
# EVIDENCE_RETIRED_PUBLIC_KEYS_FILE.
_PEM_END = "-----END PUBLIC KEY-----"


def _pem_blocks(text: str) -> list[str]:
    return [block.strip() + "\n" + _PEM_END + "\n" for block in text.split(_PEM_END) if block.strip()]


_retired = env.str("EVIDENCE_RETIRED_PUBLIC_KEYS", default="", multiline=True)
if _retired_file := env.str("EVIDENCE_RETIRED_PUBLIC_KEYS_FILE", default=""):
    _retired += "\n" + Path(_retired_file).read_text(encoding="ascii")
EVIDENCE_RETIRED_PUBLIC_KEYS = _pem_blocks(_retired)

# The evidence PDFs' own signature (PAdES; requests_app/evidence/pdf_certificate.py): the leaf's PEM
# chain (leaf first, root last) and its ECDSA P-256 key, each in the variable or in a file. With
# neither, a development server (DEBUG) makes a small CA under var/evidence_pdf/; production refuses.
EVIDENCE_PDF_CERT = env.str("EVIDENCE_PDF_CERT", default="", multiline=True)
EVIDENCE_PDF_CERT_FILE = env.str("EVIDENCE_PDF_CERT_FILE", default="")
EVIDENCE_PDF_KEY = env.str("EVIDENCE_PDF_KEY", default="", multiline=True)
EVIDENCE_PDF_KEY_FILE = env.str("EVIDENCE_PDF_KEY_FILE", default="")
# Roots retired by a rotation, still trusted for PDFs signed before it (PEM certificates).
EVIDENCE_PDF_RETIRED_ROOTS = env.str("EVIDENCE_PDF_RETIRED_ROOTS", default="", multiline=True)
if _retired_roots_file := env.str("EVIDENCE_PDF_RETIRED_ROOTS_FILE", default=""):
    EVIDENCE_PDF_RETIRED_ROOTS += "\n" + Path(_retired_roots_file).read_text(encoding="ascii")
# An RFC 3161 time-stamping authority (requests_app/evidence/tsa.py): with a URL, each PDF signature
# and each chain head carries its token (PAdES B-T); without, the PDF says its time is this site's.
EVIDENCE_TSA_URL = env.str("EVIDENCE_TSA_URL", default="")
EVIDENCE_TSA_USERNAME = env.str("EVIDENCE_TSA_USERNAME", default="")
EVIDENCE_TSA_PASSWORD = env.str("EVIDENCE_TSA_PASSWORD", default="")
EVIDENCE_TSA_TIMEOUT = env.float("EVIDENCE_TSA_TIMEOUT", default=5.0)
# The roots of the authorities whose tokens /verify/ trusts (PEM certificates; the configured TSA's).
EVIDENCE_TSA_ROOTS = env.str("EVIDENCE_TSA_ROOTS", default="", multiline=True)
if _tsa_roots_file := env.str("EVIDENCE_TSA_ROOTS_FILE", default=""):
    EVIDENCE_TSA_ROOTS += "\n" + Path(_tsa_roots_file).read_text(encoding="ascii")

# Logs never carry personal data: no request bodies, no emails, no letter text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # SQL at DEBUG carries parameters (email addresses, letter text): never log it.
        "django.db.backends": {"level": "INFO"},
        # pyHanko logs every oddity of a PDF it reads; uploads to /verify/ are anyone's junk.
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}
