"""Throttles: each token has its own rate, and a user's tokens and session share hers (settings).

The counts are kept in the cache ``throttle`` (settings: a table of the database by default), which
every process and host of the site shares: a limit holds however many processes serve the API.
"""

from __future__ import annotations

from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

#: The cache alias the counts are kept in (settings.CACHES).
THROTTLE_CACHE = "throttle"


class SharedThrottle(SimpleRateThrottle):
    """DRF's throttle with its counts in the shared cache :data:`THROTTLE_CACHE`, not a process's own."""

    @property
    def cache(self):
        return caches[THROTTLE_CACHE]


class TokenThrottle(SharedThrottle):
    """The rate ``token`` for each personal token (a session request is not counted here)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        key = getattr(token, "token_key", None)
        return self.cache_format % {"scope": self.scope, "ident": key} if key else None


class UserThrottle(SharedThrottle):
    """The rate ``user`` for each user, whatever she calls with (her tokens and her session together)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
