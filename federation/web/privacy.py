"""Pages and files with personal data stay out of every cache: the browser's, a shared PC's, a proxy's.

Every answer of the app to a signed-in user is ``Cache-Control: private, no-store`` (lists, a
person's page, the ledgers' downloads, the loan approval form): the back button of the next user
of an office PC shows nothing of the last one's work, and no proxy keeps a copy. Static files are
served before this (WhiteNoise) and keep their long cache; an answer that set its own cache rule keeps it.
"""

from __future__ import annotations

from django.utils.cache import patch_cache_control

from federation.web.middleware import SignedInAnswerMiddleware


class NoStoreMiddleware(SignedInAnswerMiddleware):
    """Mark an answer to a signed-in user ``private, no-store``, unless it set its own cache rule."""

    def signed_in(self, request, response) -> None:
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
