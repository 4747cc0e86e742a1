"""Settings for the conference program site.

One module for every deployment: each difference is read from the environment
(see docs/operators/settings.md).
"""

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from conference.proxies import trusted_networks
from conference.staticfiles import hashed_files_for_a_year

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("DJANGO_DEBUG")

# Only for development, with debug on. With debug off and no DJANGO_SECRET_KEY the key stays
# empty: every way of serving the site refuses to start (conference/serving.py), while
# commands that serve and sign nothing (makemigrations, migrate, collectstatic) still run.
DEVELOPMENT_SECRET_KEY = "development-only-key-never-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's widget templates, for FORM_RENDERER below.
    "django.forms",
    "corsheaders",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Every version of every talk (program/changes.py reads it for the changes page).
    "simple_history",
    # Failed admin logins are counted per user and per address (docs/operators/security.md).
    "axes",
    "program",
]

MIDDLEWARE = [
    # /healthz for load balancers: first, so that no Host check or HTTPS redirect applies
    # (program/machinery/health.py).
    "program.machinery.health.HealthCheckMiddleware",
    # One spelling of each host name, so one cached copy and one address on the pages
    # (program/machinery/hosts.py).
    "program.machinery.hosts.HostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Public pages forbid inline script and style (program/machinery/middleware.py).
    "program.machinery.middleware.ContentSecurityPolicyMiddleware",
    # Static files, each encoding with its own ETag (conference/staticfiles.py).
    "conference.staticfiles.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # ETag on every GET without one, and 304 for a matching If-None-Match.
    "django.middleware.http.ConditionalGetMiddleware",
    # gzip or brotli for pages, API and feeds built for one request (below ConditionalGet:
    # each encoding has its own ETag, compared with If-None-Match). Cached responses are
    # stored compressed.
    "conference.compression.CompressionMiddleware",
    # Answers that never read the session go out untouched (program/machinery/sessions.py).
    "program.machinery.sessions.SessionMiddleware",
    # The private headers on the 301, 413 and CSRF 403 of a speaker's link
    # (machinery/private.py).
    "program.machinery.private.PrivateAnswersMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads the whole form: a too large upload is not read.
    "program.machinery.middleware.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The talk history names who made each change (program/machinery/history.py).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view's PermissionDenied: the 403 page and one warning line, no traceback.
    "program.machinery.middleware.PermissionDeniedMiddleware",
    # 503 when every password check of this process is busy (program/machinery/logins.py).
    "program.machinery.logins.LoginsBusyMiddleware",
    # Turns a refused login (too many failures) into the lockout page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conference.urls"

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
            ],
        },
    },
    # The rows of the long lists (2,000-talk programs), where Django's engine is too slow:
    # program/pages/listing.py renders them from templates/jinja2/ (autoescaped).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
    },
]

# Widgets render with the templates above, so templates/ may hold widget templates too
# (the admin's conference-time input: program/admin/times.py).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "conference.wsgi.application"

# DATABASE_URL set but empty (DATABASE_URL= in a shell or an env file) is unset, as for
# CACHE_URL: the SQLite file, not a KeyError on every command.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes share the file (gunicorn workers, an import beside the site). WAL lets
    # readers go on while one writes; a transaction that will write takes the write lock when
    # it begins (IMMEDIATE), so two never deadlock on upgrading a read lock ("database is
    # locked" at once, whatever the timeout); a writer waits up to 20 s for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# How mail leaves (speakers' links, mail to a session's speakers): DJANGO_EMAIL_URL, such as
# smtp://user:password@mail.example.org:587/?tls=True&_default_from_email=program@example.org
# (dj-email-url's forms: smtp, smtps, submission). Unset or empty: printed to the console,
# so `make serve` shows the mail it would send (docs/operators/settings.md).
_email_url = os.environ.get("DJANGO_EMAIL_URL", "").strip() or "console://"
try:
    _email = dj_email_url.parse(_email_url)
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]  # absent for a scheme dj-email-url does not know
except (KeyError, ValueError) as error:
    raise ImproperlyConfigured(
        "DJANGO_EMAIL_URL: not a mail URL such as smtp://user:password@host:587/?tls=True "
        f"({type(error).__name__}: {error})."
    ) from None
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 30  # seconds: a stuck server never holds a worker
DEFAULT_FROM_EMAIL = _email.get("DEFAULT_FROM_EMAIL") or "program@localhost"

# "editions" keeps the built public responses (megabytes for a large edition's program
# page; program/machinery/responses.py), apart from the small entries of "default"
# (throttle counts), so they never push those out. Both must be shared by every process
# that answers requests or writes data: Redis (CACHE_URL) across machines, else files in
# DJANGO_CACHE_DIR on one machine (several gunicorn workers, a management command). The
# site answers from the database when either fails (conference/cache.py). An empty
# DJANGO_CACHE_DIR keeps each process's cache in its own memory (the tests: one process).
CACHE_DIR = os.environ.get("DJANGO_CACHE_DIR", str(BASE_DIR / "var" / "cache"))
if os.environ.get("CACHE_URL"):
    CACHES = {
        alias: {
            "BACKEND": "conference.cache.ResilientRedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": alias,
        }
        for alias in ("default", "editions")
    }
elif CACHE_DIR:
    CACHES = {
        alias: {
            "BACKEND": "conference.cache.ResilientFileBasedCache",
            "LOCATION": str(Path(CACHE_DIR) / alias),
            "OPTIONS": {"MAX_ENTRIES": 3000},
        }
        for alias in ("default", "editions")
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "editions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "editions",
            "OPTIONS": {"MAX_ENTRIES": 300},
        },
    }
# A kept response is answered until a write moves the data version (its key then changes);
# copies no request asks for any more are dropped after this long, which frees their room
# (program/machinery/responses.py). Never a reason to rebuild an unchanged page.
RESPONSE_SECONDS = 7 * 24 * 3600
# Cache-Control of public pages, API and feeds: browsers and proxies (a CDN) keep them
# PROXY_SECONDS, and a proxy may answer STALE_SECONDS more while it fetches a new copy.
PROXY_SECONDS = 10
STALE_SECONDS = 30

# The lockout check comes first, so a locked-out login never costs a password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "program.machinery.logins.BoundedModelBackend",
]
# After 5 failed logins for one user name from one address (an IPv6 /64), that name is
# refused from that address for 15 minutes (django-axes; a login during the lockout starts
# the 15 minutes again). Name and address together: by name alone, anyone could keep an
# organiser locked out from everywhere with five wrong passwords.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address the API throttle counts too: X-Forwarded-For only from DJANGO_TRUSTED_PROXIES,
# an IPv6 client by its /64.
AXES_CLIENT_IP_CALLABLE = "conference.proxies.client_ip"
AXES_LOCKOUT_CALLABLE = "program.machinery.logins.locked_out"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Dates and times with their timezone named (conference/formats/en/formats.py).
FORMAT_MODULE_PATH = ["conference.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names, and a .gz and a .br (brotli is installed) beside each compressible file.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_ADD_HEADERS_FUNCTION = hashed_files_for_a_year
# Source maps (the API documentation's are megabytes) are read only by browsers' developer
# tools: compressing them with brotli took more than half of collectstatic's 40 s of CPU.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# Uploaded files (speaker photos, program/photos.py): a folder by default, which the front
# proxy serves at MEDIA_URL (the development server serves it itself), or an S3-compatible
# bucket through django-storages (docs/operators/photos.md).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
# The origin photos come from when it is not the site's own: the public pages'
# Content-Security-Policy lets images load from it (program/machinery/middleware.py).
MEDIA_ORIGIN = None
if os.environ.get("DJANGO_MEDIA_BUCKET"):
    public_url = urlsplit(os.environ.get("DJANGO_MEDIA_PUBLIC_URL", ""))
    if public_url.scheme not in ("http", "https") or not public_url.netloc:
        raise ImproperlyConfigured(
            "DJANGO_MEDIA_BUCKET needs DJANGO_MEDIA_PUBLIC_URL: the address the public reads the "
            "bucket at, such as https://photos.example.org or https://s3.example.org/bucket."
        )
    MEDIA_ORIGIN = f"{public_url.scheme}://{public_url.netloc}"
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["DJANGO_MEDIA_BUCKET"],
            # Another provider's S3 API (MinIO, Ceph, Garage, R2...); AWS when empty.
            "endpoint_url": os.environ.get("DJANGO_MEDIA_ENDPOINT_URL") or None,
            # Public URLs are plain strings: no signature, no request to the bucket.
            "custom_domain": f"{public_url.netloc}{public_url.path.rstrip('/')}",
            "url_protocol": f"{public_url.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            # Every photo has a new name, so its copy may be kept for good.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }

FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# Backups (program/backups.py) keep times to the microsecond.
SERIALIZATION_MODULES = {"exactjson": "program.machinery.serialization"}

LOGIN_URL = "admin:login"

# Where the admin is served ("admin/" by default): another path keeps the bots that try
# /admin/ off the login page.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
ADMIN_PATH_SEGMENT = r"[A-Za-z0-9_~-][A-Za-z0-9._~-]*"  # no "." or ".." segments
# First segments the site answers itself. Under current/ the offline worker would take the
# admin's pages for the edition's (templates/offline/sw.js answers /current/... offline).
ADMIN_PATH_TAKEN = ("api", "static", "media", "current")
if (
    not re.fullmatch(rf"{ADMIN_PATH_SEGMENT}(/{ADMIN_PATH_SEGMENT})*/", ADMIN_PATH)
    or ADMIN_PATH.split("/")[0] in ADMIN_PATH_TAKEN
):
    raise ImproperlyConfigured(
        f"DJANGO_ADMIN_PATH: “{ADMIN_PATH}” is not a path such as admin/ or organisers/ "
        "(letters, digits, ., _, ~ and -; not under api/, static/, media/ or current/)."
    )

# Any site or app may read the API and the feeds, without credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# Headers a script may read beyond the CORS-safelisted ones: the ETag to send back, the
# throttle's Retry-After, and Link where a response sends one (docs/api/json.md).
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Link"]
CORS_URLS_REGEX = (
    r"^/(api/.*|[^/]+/(program\.ics|talks/[^/]+\.ics|schedule\.(xml|json)|changes\.atom))$"
)

# Proxies whose X-Forwarded-For is believed (conference/proxies.py); none by default.
TRUSTED_PROXIES = trusted_networks(os.environ.get("DJANGO_TRUSTED_PROXIES", ""))

# The JSON API (program/api/): read-only JSON, anonymous clients throttled per address
# (program/api/throttling.py). DJANGO_API_RATE=none turns the throttle off.
API_ANONYMOUS_RATE = os.environ.get("DJANGO_API_RATE", "120/minute").strip()
if API_ANONYMOUS_RATE.lower() == "none":
    API_ANONYMOUS_RATE = None
elif not re.fullmatch(r"[1-9][0-9]*/(second|minute|hour|day|[smhd])", API_ANONYMOUS_RATE):
    raise ImproperlyConfigured(
        f"DJANGO_API_RATE: “{API_ANONYMOUS_RATE}” is not a rate such as 120/minute "
        "(per second, minute, hour or day), or none."
    )
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # Public and read-only: no logins, so responses never vary with the session cookie.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["program.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Conference program API",
    "DESCRIPTION": "Read-only JSON of the published editions, talks, speakers and rooms. "
    + (
        f"Anonymous clients may make {API_ANONYMOUS_RATE.replace('/', ' requests per ')}."
        if API_ANONYMOUS_RATE
        else ""
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The interactive documentation is served by us, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "program.api.schema.declare_query_values",
    ],
}

# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, on the default port (443:
# addresses name no port, program/machinery/hosts.py).
SERVED_OVER_HTTPS = env_flag("DJANGO_HTTPS")
if SERVED_OVER_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Allows a domain's owner to submit it to the browsers' preload list (hstspreload.org
    # takes registered domains only, so on program.example.org it has no effect).
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No private link's secret in a log line (program/machinery/secret_logs.py).
    "filters": {"hide_secrets": {"()": "program.machinery.secret_logs.HideSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_secrets"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
