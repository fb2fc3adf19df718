"""What the site's middleware classes share."""

from __future__ import annotations

from typing import Any


class SignedInAnswerMiddleware:
    """A middleware that acts on the answer to a signed-in user's request (:meth:`signed_in`), once the
    view has made it; any other answer passes as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self.signed_in(request, response)
        return response

    def signed_in(self, request: Any, response: Any) -> None:
        """Act on ``response``, the answer to a signed-in user's ``request``."""
        raise NotImplementedError
