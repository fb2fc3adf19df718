"""Personal tokens (django-rest-knox) whose every use is recorded: when and from which address."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from knox.auth import TokenAuthentication

from federation.api.models import TokenUse
from federation.core.logins import client_address


class RecordedTokenAuthentication(TokenAuthentication):
    """Knox's token authentication (hashed, expiring) that records each use on the token's ``TokenUse``."""

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is not None:
            _user, token = found
            TokenUse.objects.filter(token=token).update(
                last_used_at=timezone.now(), last_used_from=client_address(request), uses=F("uses") + 1
            )
        return found
