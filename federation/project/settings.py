"""Settings of the township women's federation office system.

Every value that differs between an office PC and a server comes from the environment
(see README.md, "Settings"). The defaults are those of the embedded run: SQLite in ``var/``,
served on 127.0.0.1 by gunicorn, static files served by the app itself.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("FEDERATION_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env(
    DEBUG=(bool, False),
    HTTPS=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or a random key kept in var/ for the embedded run."""
    if env.str("SECRET_KEY", default=""):
        return env.str("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "federation.core.admin_site.FederationAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 served by the app, no CDN
    "django_tomselect",  # Tom Select's script and styles, served from the package (the autocompletes)
    "django_q",  # background tasks (big exports) through the database: no broker to install
    "rest_framework",  # the REST API (federation.api)
    "knox",  # its personal tokens, stored hashed
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served by the app, no CDN
    "federation.core",
    "federation.ledgers",
    "federation.web",
    "federation.api",
    "registry",
    "outreach",
    "loans",
    "crosschecks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "federation.web.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "federation.web.login_security.ForcedPasswordChangeMiddleware",
    "federation.web.limits.RequestSizeLimitMiddleware",
    "federation.web.timeouts.StatementTimeoutMiddleware",
    "federation.web.yearly.YearlyValuesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "federation.web.privacy.NoStoreMiddleware",
    "federation.api.offline.KeepOfflineMiddleware",
    # Axes last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "federation.project.urls"
WSGI_APPLICATION = "federation.project.wsgi.application"

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
                "federation.web.context_processors.membership",
            ],
        },
    },
]


def _database(config: dict) -> dict:
    """Return ``config`` (from a database URL) with the options every connection of ours needs."""
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets gunicorn's workers read while one writes; IMMEDIATE avoids "database is locked"
        # on a write that started as a read.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
        return config
    config.setdefault("CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT compilation: the pages' queries are short, and a plan costed over the JIT threshold
        # (a county's candidates) spent 1 s compiling to run 30 ms (bench/scale_bench.py, issue 13).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASES = {
    "default": _database(env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")),
}
# A read replica (a PostgreSQL standby of the same data): the county's statistics and the exports
# read from it, everything else from "default" (federation.core.replica). Empty: no replica.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database(env.db("DATABASE_REPLICA_URL"))
READ_REPLICA = "replica" if "replica" in DATABASES else ""
DATABASE_ROUTERS = ["federation.core.replica.ReplicaRouter"]

# A web request's queries stop after this many seconds with a message (federation.web.timeouts);
# 0 for no limit. The background tasks are not bounded by it.
STATEMENT_TIMEOUT = env.float("STATEMENT_TIMEOUT", default=10)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "federation.web.login_security.LoginLimitBackend",  # axes' lock, and the limit per address
    "federation.core.backends.RoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "federation.core.logins.MinimumLengthValidator"},  # Django's, its message in Chinese
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "federation.core.logins.DemoPasswordValidator"},  # the README publishes it
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
# An idle session's end moves on at most once a minute, not with every request (federation.web.sessions).
SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Log-in security (federation.core.logins; README, "Log-in"). django-axes locks one user name at one
# address after five failures for 15 minutes: two directors behind one router do not lock each
# other, an attacker elsewhere does not lock `admin` out. A success forgives that name's failures at
# that address; the trail of failed log-ins (LoginFailure) stays.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "federation.web.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "federation.core.logins.client_address"
AXES_ENABLE_ADMIN = False  # the administrator's screens are federation.core.admin's, in Chinese
AXES_VERBOSE = False
# Across names: 30 failures from one address within 15 minutes refuse every log-in from it for
# 15 minutes (counted on the LoginFailure rows; axes has one limit for all its parameters).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=30)
LOGIN_ADDRESS_COOLOFF = timedelta(minutes=15)
# How long failed log-ins are kept for the administrator.
LOGIN_FAILURE_RETENTION_DAYS = env.int("LOGIN_FAILURE_RETENTION_DAYS", default=180)
# The addresses (or networks) of the reverse proxies in front of the app. Only a request from one
# of them has its client taken from X-Forwarded-For; by default the client is REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# The village women's director's title in this county: 村妇联主席 (since the reform) or 村妇代会主任
# (the 2014 plan's forms). Every page, ledger and message takes it from federation.core.labels.
DIRECTOR_TITLE = env.str("DIRECTOR_TITLE", default="村妇联主席")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The browser libraries npm installs (package.json, scripts/setup.sh), served from node_modules as they are.
STATICFILES_DIRS = [BASE_DIR / "static", ("idb", BASE_DIR / "node_modules" / "idb" / "build")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded papers live outside the web root and are served only through scoped views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Where ``manage.py backup`` writes when given no --output (federation.core.backups).
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(VAR_DIR / "backups")))

# The key that seals the loan signatures (federation.core.keys): the environment variable
# SIGNING_KEY when set, or else this file, created with a random key (mode 0600) on first use.
# It is never stored in the database; back it up apart from it (README, "Running a real office").
SIGNING_KEY_FILE = Path(env.str("SIGNING_KEY_FILE", default=str(VAR_DIR / "signing_key")))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# django-csp: scripts only from the app's own static files, or inline with the page's nonce
# (``nonce="{{ request.csp_nonce }}"``); styles from the app (style="" attributes allowed: Bootstrap's
# progress bars and the charts use them); nothing framed, no plug-ins, forms post only to the app.
from csp.constants import NONCE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_NAME = "fl_session"
# Entry without a network: what a director's phone keeps is wiped after this many days without a
# successful sync (and at log-out, and when another user signs in on it). README, "Entry without a network".
OFFLINE_WIPE_DAYS = env.int("OFFLINE_WIPE_DAYS", default=7)
CSRF_COOKIE_HTTPONLY = False
if env("HTTPS"):
    # Production behind TLS: python manage.py check --deploy --fail-level WARNING passes.
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Background tasks (django-q2) with the ORM broker: the tasks wait in the project's own database,
# so the embedded run needs nothing more than `manage.py qcluster`, which scripts/serve.sh starts.
# One worker by default: an office PC has two cores and gunicorn needs the other. A big export
# takes minutes, hence the long timeout; a failed export is not retried (the user asks again).
# The task queue: in the database (django-q2's ORM broker) unless Q_BROKER_URL names a Redis
# (redis://host:6379/0): then the web and any number of `manage.py qcluster` hosts share its queue.
# Those hosts need the same DATABASE_URL (PostgreSQL), SECRET_KEY and FEDERATION_VAR_DIR (shared).
Q_BROKER_URL = env.str("Q_BROKER_URL", default="")
Q_CLUSTER = {
    "name": "federation",
    **({"redis": Q_BROKER_URL} if Q_BROKER_URL else {"orm": "default"}),
    "workers": env.int("Q_WORKERS", default=1),
    "timeout": env.int("Q_TIMEOUT", default=3600),
    "retry": env.int("Q_TIMEOUT", default=3600) + 300,
    "max_attempts": 1,
    "ack_failures": True,
    "poll": 1,
    "save_limit": 200,
    "catch_up": False,
    "label": "后台任务",
    # Q_SYNC=true runs each task inline, in the process that queued it (tests, debugging).
    "sync": env.bool("Q_SYNC", default=False),
}
# A running import or export beats every TASK_HEARTBEAT_SECONDS; one silent for TASK_STALE_SECONDS
# had its worker die (killed, a power cut) and is marked failed, its queue row (locked until
# "retry" above) deleted: the user starts it again at once (federation.ledgers.liveness).
TASK_HEARTBEAT_SECONDS = env.float("TASK_HEARTBEAT_SECONDS", default=5)
TASK_STALE_SECONDS = env.float("TASK_STALE_SECONDS", default=600)
# At most this many exports of one user queued or running at once: the worker is everyone's.
EXPORTS_QUEUED_PER_USER = env.int("EXPORTS_QUEUED_PER_USER", default=2)

# Uploads: an import file and a loan's paper are at most 5 MB. A request whose body is larger than
# REQUEST_MAX_BYTES (5 MB and room for the form) is refused before it is read (federation.web.limits,
# 413); the reverse proxy caps it as well (nginx client_max_body_size). An accepted upload is kept
# in memory, so no copy of a register is left in the system's temporary folder.
REQUEST_MAX_BYTES = env.int("REQUEST_MAX_BYTES", default=6 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = REQUEST_MAX_BYTES
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # the form fields besides the files: Django's 2.5 MB

# The access log (federation.core.access): who read whose personal data, when and from where. Kept
# ACCESS_LOG_RETENTION_DAYS days (never fewer than 183, six months) and pruned by a daily task.
# The address recorded is federation.core.logins.client_address's (TRUSTED_PROXIES), as for log-ins.
ACCESS_LOG_RETENTION_DAYS = env.int("ACCESS_LOG_RETENTION_DAYS", default=183)

# The departments' lists uploaded for a cross-check (crosschecks, 比对核实), their rows and
# differences, are deleted CROSSCHECK_RETENTION_DAYS days after their upload by a daily task.
CROSSCHECK_RETENTION_DAYS = env.int("CROSSCHECK_RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# Per-village figures of the pages of many villages (federation.core.figures): a scope of more than
# FIGURES_LIVE_VILLAGES villages reads them kept, each village's forgotten when its records change
# and computed again after FIGURES_MAX_AGE_SECONDS at the latest.
FIGURES_LIVE_VILLAGES = env.int("FIGURES_LIVE_VILLAGES", default=1)
FIGURES_MAX_AGE_SECONDS = env.float("FIGURES_MAX_AGE_SECONDS", default=600)

# The REST API (federation.api; README, "The API"): the session (with CSRF, for the pages' own
# scripts) or a personal token (django-rest-knox: stored hashed, expiring after API_TOKEN_DAYS days,
# each use recorded by federation.api.auth). Throttled per token and per user; lists page by cursor.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "federation.api.auth.RecordedTokenAuthentication",
        "federation.api.auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": [
        "federation.api.throttles.TokenThrottle",
        "federation.api.throttles.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="240/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "federation.api.pagination.Cursor",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "federation.api.schema.FederationSchema",
    "EXCEPTION_HANDLER": "federation.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# The throttles' counts (federation.api.throttles) are kept where every process and every host of
# the site reads them: in Django's default cache (memory) each of gunicorn's processes kept its own,
# so N processes let N times the rate through. By default a table of the database (DatabaseCache;
# `migrate` makes it, federation.api.apps): on SQLite in WAL the two throttles of a request cost
# 2.2 ms there, against 4.1 ms in files under var/ (FileBasedCache) and 0.1 ms in memory (measured
# on the two-core office machine, 500 requests' get and set). API_THROTTLE_CACHE_URL names another
# cache (django-environ's form, e.g. redis://127.0.0.1:6379/1 where a Redis is at hand).
# The default cache stays in memory: nothing else of the site uses a cache.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": env.cache_url("API_THROTTLE_CACHE_URL", default="dbcache://api_throttle_cache"),
}
KNOX_TOKEN_MODEL = "knox.AuthToken"  # named: the migration of federation.api refers to it
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": API_TOKENS_PER_USER,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "乡镇妇联工作台账系统 API",
    "DESCRIPTION": "Registers, outreach and microloans under the same rules and scope as the pages.",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {},
    "DISABLE_ERRORS_AND_WARNINGS": True,
    # The schema is built and checked by the suite (tests/api, schemathesis), not by every `check --deploy`.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}
