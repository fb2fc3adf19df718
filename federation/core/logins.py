"""Log-in security: the client's address, the limit per address, the trail of failed log-ins,
unlocking, and the password change the administrator can demand.

Two limits hold (README, "Log-in"):

- one user name at one address: django-axes locks it after ``AXES_FAILURE_LIMIT`` failures for
  ``AXES_COOLOFF_TIME`` (``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``), so two
  directors behind one router do not lock each other and an attacker elsewhere does not lock
  ``admin`` out of the office;
- one address across names: ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures within
  ``LOGIN_ADDRESS_COOLOFF`` refuse every log-in from it for ``LOGIN_ADDRESS_COOLOFF``. Axes has one
  failure limit for all its lock-out parameters (it locks when the largest count reaches it), so it
  cannot say 5 for a name and 30 for an address; the rows of failed log-ins, kept anyway for the
  administrator, are the counter.
"""

from __future__ import annotations

import datetime as dt
import ipaddress

from django.conf import settings
from django.contrib.auth import password_validation
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core.models import ForcedPasswordChange, LoginFailure


def _trusted_proxies() -> tuple:
    """Return the networks of ``TRUSTED_PROXIES`` (one address is a network of one)."""
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in settings.TRUSTED_PROXIES)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_proxies())


def client_address(request) -> str | None:
    """Return the address the request comes from (django-axes' ``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES`` (the reverse proxy in front of the
    app): then the right-most address of ``X-Forwarded-For`` that is not a trusted proxy, the one
    the proxy saw. A client can write anything to the left of what the proxy appends, so nothing
    further left is believed, and without a trusted proxy the header is not read at all.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([part for part in forwarded if part]):
        if _is_trusted_proxy(address):
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            return remote
    return remote


def address_is_refused(address: str | None, *, now: dt.datetime | None = None) -> bool:
    """Return True when log-ins from ``address`` are refused: it reached the limit per address
    within the last ``LOGIN_ADDRESS_COOLOFF`` and the administrator has not released it."""
    if not address:
        return False
    now = now or timezone.now()
    return LoginFailure.objects.filter(
        ip_address=address,
        blocks_address=True,
        released_at__isnull=True,
        attempted_at__gte=now - settings.LOGIN_ADDRESS_COOLOFF,
    ).exists()


def login_failure_record(*, username: str, address: str | None) -> LoginFailure:
    """Record one failed log-in and return it; mark it as the one that refuses its address when it
    brings the address's failures within ``LOGIN_ADDRESS_COOLOFF`` to ``LOGIN_ADDRESS_FAILURE_LIMIT``.

    Rows older than ``LOGIN_FAILURE_RETENTION_DAYS`` are pruned here: failed log-ins are rare, a
    refused address writes no more rows, and no scheduled job is needed for them.
    """
    now = timezone.now()
    with transaction.atomic():
        LoginFailure.objects.filter(
            attempted_at__lt=now - dt.timedelta(days=settings.LOGIN_FAILURE_RETENTION_DAYS)
        ).delete()
        failure = LoginFailure.objects.create(
            username=(username or "")[:150], ip_address=address, attempted_at=now
        )
        if address:
            recent = LoginFailure.objects.filter(
                ip_address=address,
                released_at__isnull=True,
                attempted_at__gte=now - settings.LOGIN_ADDRESS_COOLOFF,
            ).count()
            if recent >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
                failure.blocks_address = True
                failure.save(update_fields=["blocks_address"])
    return failure


def user_unlock(*, username: str, address: str | None = None) -> int:
    """Lift the lock of ``username`` (at ``address`` only, when given; else at every address) and
    return how many lock records were removed. The trail of failed log-ins stays."""
    from axes.utils import reset

    if address:
        return reset(username=username, ip=address)
    return reset(username=username)


def address_unlock(*, address: str) -> int:
    """Release ``address``: its failures stop counting towards the limit per address and the locks
    of every name at it are lifted. Return how many failures were released. The rows stay."""
    from axes.utils import reset

    with transaction.atomic():
        released = LoginFailure.objects.filter(ip_address=address, released_at__isnull=True).update(
            released_at=timezone.now()
        )
        reset(ip=address)
    return released


def password_change_require(*, user, by) -> None:
    """Demand that ``user`` change her password at her next log-in (the administrator, ``by``)."""
    ForcedPasswordChange.objects.get_or_create(user=user, defaults={"required_by": by})


def password_change_waive(*, user) -> None:
    """Withdraw the demand that ``user`` change her password (also once she has changed it)."""
    ForcedPasswordChange.objects.filter(user=user).delete()


def must_change_password(user) -> bool:
    """Return True when the administrator demanded that ``user`` change her password."""
    return ForcedPasswordChange.objects.filter(user=user).exists()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, with its refusal in Chinese: Django 5.2 rewrote that message and its
    Chinese translation still has the old text, so the page showed it in English."""

    def get_error_message(self) -> str:
        return _("密码长度太短。密码必须包含至少 %(min_length)d 个字符。") % {"min_length": self.min_length}


class DemoPasswordValidator:
    """Refuse the demo's published password: whoever read the README could log in with it."""

    def validate(self, password: str, user=None) -> None:
        from django.core.exceptions import ValidationError

        from federation.core.demo import DEMO_PASSWORD

        if password == DEMO_PASSWORD:
            raise ValidationError(_("这是演示系统公开的密码，不能使用，请另设一个。"), code="demo_password")

    def get_help_text(self) -> str:
        return _("不能使用演示系统公开的密码。")
