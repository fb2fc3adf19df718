"""Test settings: the project's settings with fast password hashing and plain static storage."""

from federation.project.settings import *  # noqa: F403
from federation.project.settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — WhiteNoise looks there at start-up

from federation.project.settings import Q_CLUSTER  # noqa: E402

Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # background exports run inline in tests

# Figures counted live for every scope: a test's writes commit only when the test ends, so figures
# kept across views would not be forgotten within it (tests/outreach/test_outreach_figures.py keeps them).
FIGURES_LIVE_VILLAGES = 10**6

# A replica alias for the tests that prove reads go there (tests/core/test_replica.py): a second
# connection to the test database. Reads use it only where a test sets READ_REPLICA = "replica".
# A test's transaction is opened on it too: a plain BEGIN (a reader's), not IMMEDIATE, so that on
# SQLite's shared in-memory test database it does not wait for default's write lock.
from federation.project.settings import DATABASES  # noqa: E402

# A test database is thrown away: on PostgreSQL a commit need not wait for the disk. The transactional
# and browser tests commit thousands of times, and the flush after each of them too.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _postgresql = DATABASES["default"].setdefault("OPTIONS", {})
    _postgresql["options"] = f"{_postgresql.get('options', '')} -c synchronous_commit=off".strip()

_options = DATABASES["default"].get("OPTIONS", {})
_replica_options = {k: v for k, v in _options.items() if k != "transaction_mode"}
DATABASES = {
    **DATABASES,
    "replica": {**DATABASES["default"], "OPTIONS": _replica_options, "TEST": {"MIRROR": "default"}},
}
READ_REPLICA = ""
