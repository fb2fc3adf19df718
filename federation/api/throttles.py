"""Throttles: each token has its own rate, and a user's tokens and session share hers (settings)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class TokenThrottle(SimpleRateThrottle):
    """The rate ``token`` for each personal token (a session request is not counted here)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = getattr(request, "auth", None)
        key = getattr(token, "token_key", None)
        return self.cache_format % {"scope": self.scope, "ident": key} if key else None


class UserThrottle(SimpleRateThrottle):
    """The rate ``user`` for each user, whatever she calls with (her tokens and her session together)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
