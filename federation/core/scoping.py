"""The scoping rule: which rows a user sees. Written once; everything else calls it.

Every scoped model declares ``scope_path``, the lookup path from one of its rows to the village it
belongs to (``""`` for a village itself, ``"village"`` for a household, or a register entry or a
screening, which keeps its person's village, ``"pairing__village"`` for a pairing's follow-up). A
user sees the rows whose village lies in her membership's unit:

- village director: her village;
- township staff and chair: the villages of their township;
- county viewer: the villages of the townships of the county;
- administrator (role or superuser): every row, also rows that reach no village.

Deny by default: an anonymous or inactive user, or one without a membership, sees nothing, and a
row whose path reaches no village is seen by the administrator only.

The write side is :func:`require_in_scope`: every service of every app calls it before it saves
(and again after validation, which may fill in the village), so a record placed in another
village by a forged form field is refused whatever the form offered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from federation.core.roles import Level, Role

if TYPE_CHECKING:
    from federation.core.models import Membership


def membership_of(user) -> Membership | None:
    """Return the active user's membership, or None (anonymous, inactive, or no membership)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return user.membership
    except ObjectDoesNotExist:
        return None


def sees_everything(user) -> bool:
    """Return True for the administrator: a superuser or a member with the administrator role."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    membership = membership_of(user)
    return membership is not None and membership.role == Role.ADMINISTRATOR


def scope_q(user, path: str) -> Q | None:
    """Return the filter that keeps the rows reached through ``path`` inside the user's scope.

    ``None`` means the user sees no row at all; ``Q()`` means every row.
    """
    if sees_everything(user):
        return Q()
    membership = membership_of(user)
    if membership is None:
        return None
    level = membership.level
    if level == Level.VILLAGE:
        return Q(**{f"{path}__id" if path else "id": membership.village_id})
    if level == Level.TOWNSHIP:
        villages = Q(township_id=membership.township_id)
    elif level == Level.COUNTY:
        villages = Q(township__county_id=membership.county_id)
    else:
        return None
    if not path:
        return villages
    # The unit's villages as a subquery (``village_id IN (SELECT …)``), not joins from every row up
    # to the township and the county: the planner then reads a county's rows by their village index.
    from federation.core.models import Village

    return Q(**{f"{path}__in": Village.objects.filter(villages).values("pk")})


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user) -> ScopedQuerySet:
        """Return the rows of this queryset that ``user`` may see (see the module docstring)."""
        path = getattr(self.model, "scope_path", None)
        if path is None:
            raise ImproperlyConfigured(f"{self.model.__name__} declares no scope_path.")
        condition = scope_q(user, path)
        if condition is None:
            return self.none()
        if not condition:
            return self
        qs = self.filter(condition)
        # A path through a reverse relation (a township seen through its villages) can repeat rows.
        if "villages" in path.split("__") or "townships" in path.split("__"):
            qs = qs.distinct()
        return qs

    def editable_by(self, user) -> ScopedQuerySet:
        """Return the rows of this queryset ``user`` may change: her scope (a model may narrow it)."""
        return self.for_user(user)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass


def get_for_user_or_404(queryset_or_model, user, **lookup):
    """Return the one row matching ``lookup`` within ``user``'s scope, or raise Http404.

    A row outside the scope answers exactly as a row that does not exist.
    """
    from django.shortcuts import get_object_or_404

    qs = (
        queryset_or_model._default_manager.all() if isinstance(queryset_or_model, type) else queryset_or_model
    )
    return get_object_or_404(qs.for_user(user), **lookup)


#: The permission to write records that belong to a township as a whole (no village): township roles.
TOWNSHIP_RECORDS = "federation.change_township_records"


def _follow(instance, path: str):
    """Return what ``path`` (a__b__c) reaches from ``instance``, or None (also through a reverse path)."""
    value = instance
    for part in path.split("__") if path else ():
        if value is None:
            return None
        try:
            value = getattr(value, part)
        except (AttributeError, ObjectDoesNotExist):
            return None
    return value


def in_scope(user, instance) -> bool:
    """Return whether ``instance`` (saved or not) lies inside the part of the scope ``user`` may change.

    A record of a village: that village is in her scope. A record of a township as a whole (no
    village, a ``township_path``): she holds ``TOWNSHIP_RECORDS`` and the township is in her scope.
    The administrator may change everything.
    """
    from federation.core.models import Township, Village

    if sees_everything(user):
        return True
    if membership_of(user) is None:
        return False
    model = type(instance)
    path = getattr(model, "scope_path", None)
    if path is None:
        return False
    village = _follow(instance, path)
    if isinstance(village, Village):
        return Village.objects.for_user(user).filter(pk=village.pk).exists()
    township_path = getattr(model, "township_path", None)
    if township_path is None or not user.has_perm(TOWNSHIP_RECORDS):
        return False
    township = _follow(instance, township_path)
    return isinstance(township, Township) and Township.objects.for_user(user).filter(pk=township.pk).exists()


def require_in_scope(user, instance, message: str | None = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may change ``instance`` (see :func:`in_scope`)."""
    if not in_scope(user, instance):
        raise PermissionDenied(message or _("只能登记或修改本人负责范围内的记录。"))
