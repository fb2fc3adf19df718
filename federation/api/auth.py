"""Who calls the API: a personal token (django-rest-knox) whose every use is recorded, when and from
which address, or the session (the pages' own scripts, with CSRF). Either is refused while the
administrator demands that its user change her password (``federation.core.logins``): the pages
then send her to the change page, and the API answers 403 until she has changed it there."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import authentication, exceptions

from federation.api.models import TokenUse
from federation.core.logins import client_address, must_change_password


class PasswordChangeRequired(exceptions.PermissionDenied):
    """A call from a user the administrator demanded change her password: 403, whatever she calls with."""

    default_detail = _("管理员要求您修改密码：请先登录网站修改密码，再使用接口。")
    default_code = "password_change_required"


def _refuse_while_forced(found):
    """Return ``found`` (user, auth) unless its user must change her password first."""
    if found is not None and must_change_password(found[0]):
        raise PasswordChangeRequired
    return found


class RecordedTokenAuthentication(TokenAuthentication):
    """Knox's token authentication (hashed, expiring) that records each use on the token's ``TokenUse``."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            _user, token = found
            TokenUse.objects.filter(token=token).update(
                last_used_at=timezone.now(), last_used_from=client_address(request), uses=F("uses") + 1
            )
        return _refuse_while_forced(found)


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication (with its CSRF check), refused while a password change is demanded."""

    def authenticate(self, request):
        return _refuse_while_forced(super().authenticate(request))
