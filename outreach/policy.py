"""Where a user may write an outreach record: the write side of the scope.

Reading goes through each model's ``for_user``; this module answers, for a record about to be
saved, whether it lies inside what the user may change. The services ask it again after a form
has validated, so a forged id in a hidden field cannot place a record in another village.
"""

from __future__ import annotations

from federation.core.models import Township, Village
from federation.core.roles import Role
from federation.core.scoping import membership_of, sees_everything


def _follow(instance, path: str):
    value = instance
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def may_write(user, instance) -> bool:
    """Return True when ``instance`` (saved or not) lies inside the part of the scope ``user`` may change.

    A record of a village: that village is in her scope. A township-level record (no village, a
    ``township_path``): a township role or the administrator, and the township is in her scope;
    a village director never writes township-level records.
    """
    if sees_everything(user):
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    model = type(instance)
    village = _follow(instance, model.scope_path)
    if village is not None:
        return Village.objects.for_user(user).filter(pk=village.pk).exists()
    township_path = getattr(model, "township_path", None)
    if township_path is None or membership.role == Role.VILLAGE_DIRECTOR:
        return False
    township = _follow(instance, township_path)
    return township is not None and Township.objects.for_user(user).filter(pk=township.pk).exists()


def can_see_health_data(user) -> bool:
    """Return True when the user's role may read a person's screening results."""
    return bool(user and user.is_authenticated and user.has_perm("outreach.view_health_data"))


def can_see_domestic_violence(user) -> bool:
    """Return True when the user's role may read domestic-violence cases."""
    return bool(user and user.is_authenticated and user.has_perm("outreach.view_domestic_violence"))
