"""What log-in security does on a request: refuse an address over its limit, record each failure,
and keep a user whose password change the administrator demanded on the change page.

The rules are in ``federation.core.logins``; this module connects them to Django's authentication
(a backend and two signals, connected in ``WebConfig.ready``) and to every page (a middleware).
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from federation.core.logins import (
    address_is_refused,
    client_address,
    login_failure_record,
    must_change_password,
)

#: Where in the session a demanded password change is remembered from the log-in until it is made.
MUST_CHANGE_KEY = "_must_change_password"


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' lock on a user name at an address, after the limit per address across names.

    Every log-in (the log-in page, the admin's) passes here before a password is checked. An address
    over its limit is refused without checking the password; AxesMiddleware answers with
    ``federation.web.views.lockout_response``, which tells it is the address that is refused.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None and address_is_refused(client_address(request)):
            request.login_refused_for_address = True
            request.axes_locked_out = True  # AxesMiddleware's flag: answer with the lock-out page
            raise PermissionDenied
        return super().authenticate(request, username, password, **kwargs)


def record_login_failure(sender, credentials, request=None, **kwargs) -> None:
    """Keep the failed log-in (``user_login_failed``): the name typed, when, the address.

    Django has already replaced the password in ``credentials``; it is not read. A log-in refused
    because its address is over the limit is not recorded, so a refused address writes nothing.
    """
    if request is None or getattr(request, "login_refused_for_address", False):
        return
    login_failure_record(username=str(credentials.get("username") or ""), address=client_address(request))


def remember_password_change(sender, request, user, **kwargs) -> None:
    """Remember in the new session that ``user`` must change her password (``user_logged_in``)."""
    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[MUST_CHANGE_KEY] = True


class ForcedPasswordChangeMiddleware:
    """Send a user who must change her password to the change page from every other page but
    log-out, until she has changed it (the change page removes the session's mark).

    An API view (Django REST framework's, marked by its ``cls``) is let through: the API refuses
    her itself, 403 in its own shape (``federation.api.auth``), where a redirect would hand a
    script the change page as if its call had succeeded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(MUST_CHANGE_KEY) and request.user.is_authenticated:
            change = reverse("password_change")
            if request.path_info not in (change, reverse("logout")) and not _is_api_view(request.path_info):
                return redirect(change)
        return self.get_response(request)


def _is_api_view(path: str) -> bool:
    """Return True when ``path`` is served by a Django REST framework view (its ``cls``)."""
    try:
        return hasattr(resolve(path).func, "cls")
    except Resolver404:
        return False
