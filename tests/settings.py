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
# kept across views would not be forgotten within it. tests/core/test_figures.py turns keeping on.
FIGURES_LIVE_VILLAGES = 10**6
