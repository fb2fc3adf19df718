"""Who acts: a signed-in user, or the command line acting as the named system user.

The command line (``export_ledger``, ``import_ledger``) acts as :class:`SystemActor`, scoped to the
one unit it is given, unless it is told to act as a real user (``--as``). Its history rows and its
export and import records name the system user (:func:`system_user`), an account that can never
sign in.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from federation.core.models import County, Membership, Township, Village
from federation.core.roles import Role, role_permissions
from federation.core.scoping import membership_of

SYSTEM_USERNAME = "system"


def system_user() -> Any:
    """Return the system user (created the first time): inactive, with no usable password."""
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"first_name": "命令行", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def actor_name(actor: Any) -> str:
    """Return the name a record of an export or an import gives its actor (命令行 for the command line)."""
    if actor is None or isinstance(actor, SystemActor):
        return _("命令行")
    return (actor.get_full_name() or actor.get_username())[:150]


class SystemActor:
    """A user-like actor for the command line: scoped to exactly one unit, with a township's permissions.

    The scoping rule (``federation.core.scoping.scope_q``) reads its membership as it reads any user's:
    a village gives the rows of that village, a township those of its villages, a county those of
    its townships. Nothing else in the code knows it is not a person. Its permissions are those of
    the township staff role, so it sees whole ID numbers.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_superuser = False
    is_staff = False
    pk = None
    id = None
    username = SYSTEM_USERNAME

    def __init__(self, unit: Village | Township | County):
        if isinstance(unit, Village):
            self.membership = Membership(role=Role.VILLAGE_DIRECTOR, village=unit)
        elif isinstance(unit, Township):
            self.membership = Membership(role=Role.TOWNSHIP_STAFF, township=unit)
        elif isinstance(unit, County):
            self.membership = Membership(role=Role.COUNTY_VIEWER, county=unit)
        else:
            raise TypeError(f"not an org unit: {unit!r}")
        self.unit = unit
        self._permissions = frozenset(role_permissions()[Role.TOWNSHIP_STAFF])

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        """Return True for the permissions of the township staff role."""
        return perm in self._permissions

    def get_full_name(self) -> str:
        return ""

    @property
    def history_user(self) -> Any:
        """Return the system user, whom the history and the records of exports and imports name."""
        return system_user()

    def __str__(self) -> str:
        return f"系统（{unit_label(self.unit)}）"


def unit_by_code(code: str) -> Village | Township | County | None:
    """Return the village or township of a 12-digit division code, or the county of a 6-digit one."""
    code = (code or "").strip()
    if len(code) == 12 and code.isdigit():
        return (
            Village.objects.select_related("township").filter(code=code).first()
            or Township.objects.filter(code=code).first()
        )
    if len(code) == 6 and code.isdigit():
        return County.objects.filter(code=code).first()
    return None


def unit_label(unit: Village | Township | County | None) -> str:
    """Return a unit's name as the ledger's 填报单位: 幸福乡红旗村, 幸福乡 or 示范县."""
    if isinstance(unit, Village):
        return f"{unit.township.name}{unit.name}"
    return unit.name if unit is not None else "全部"


def user_unit(user: Any) -> Village | Township | County | None:
    """Return the unit of the user's membership (None for a superuser without one)."""
    membership = getattr(user, "membership", None) if isinstance(user, SystemActor) else membership_of(user)
    if membership is None:
        return None
    unit = membership.unit
    if isinstance(unit, Village):
        unit = Village.objects.select_related("township").get(pk=unit.pk)
    return unit


def command_actor(unit: Village | Township | County, username: str | None = None) -> Any:
    """Return who a command acts as for ``unit``: the system user, or the user ``username`` (``--as``).

    Raise ``ValueError`` with the reason when there is no such active user or ``unit`` is not hers.
    """
    if not username:
        return SystemActor(unit)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or username == SYSTEM_USERNAME:
        raise ValueError(_("没有名为“%(name)s”的在用账号。") % {"name": username})
    villages = Village.objects.filter(pk=unit.pk) if isinstance(unit, Village) else unit_villages(unit)
    mine = Village.objects.for_user(user)
    if not villages.exists() or villages.exclude(pk__in=mine.values("pk")).exists():
        raise ValueError(
            _("“%(unit)s”不在 %(name)s 的工作范围内。") % {"unit": unit_label(unit), "name": username}
        )
    return user


def unit_villages(unit: Village | Township | County):
    """Return the villages of an org unit."""
    if isinstance(unit, Village):
        return Village.objects.filter(pk=unit.pk)
    if isinstance(unit, Township):
        return Village.objects.filter(township=unit)
    return Village.objects.filter(township__county=unit)
