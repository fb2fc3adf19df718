"""Idle sessions end after SESSION_COOKIE_AGE (30 minutes); a request moves the end on at most once a
minute (``SESSION_REFRESH_SECONDS``).

Saving the session on every request (``SESSION_SAVE_EVERY_REQUEST``) would write to the database on
every page anyone reads: three more queries and a commit a page, the busiest table of the database
written while the office only reads. Moving the end on once a minute keeps the idle limit to within
a minute and writes once a minute a user.
"""

from __future__ import annotations

import time

from django.conf import settings

from federation.web.middleware import SignedInAnswerMiddleware

#: Where in the session the time of its last refresh is kept (seconds since the epoch).
REFRESHED_KEY = "_refreshed_at"


class IdleSessionMiddleware(SignedInAnswerMiddleware):
    """Refresh a logged-in session's end when its last refresh is older than SESSION_REFRESH_SECONDS."""

    def signed_in(self, request, response) -> None:
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # marks it modified: SessionMiddleware saves it, a new end
