"""Writes shared by every domain app: saving with a version check, soft delete and restore."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.models import DomainModel
from federation.core.scoping import require_in_scope


class StaleRecordError(ValidationError):
    """The record changed since the form was opened; ``changes`` lists (field label, value now)."""

    def __init__(self, changes: list[tuple[str, str]]):
        self.changes = changes
        super().__init__(
            _("保存失败：在您编辑期间，别人已修改了这条记录。请看下面的改动，核对后再保存。"), code="stale"
        )


def _changed_fields(before: DomainModel, now: DomainModel) -> list[tuple[str, str]]:
    changes = []
    for field in type(now)._meta.concrete_fields:
        if field.name in {"updated_at", "version", "id_last4"}:
            continue
        if field.value_from_object(before) != field.value_from_object(now):
            label = str(field.verbose_name)
            shown = getattr(now, f"get_{field.name}_display", lambda f=field: f.value_from_object(now))()
            changes.append((label, "" if shown is None else str(shown)))
    return changes


#: What a soft delete or a restore changes.
SOFT_DELETE_FIELDS = ["deleted_at", "version", "updated_at"]


def domain_record_save(
    *,
    user,
    instance: DomainModel,
    expected_version: int | None = None,
    original: DomainModel | None = None,
    reason: str | None = None,
) -> DomainModel:
    """Validate and save ``instance`` for ``user``; return it with its version raised by one.

    Refuse (``PermissionDenied``) a record outside what ``user`` may change, judged on the record
    as it would be saved, before and after validation (which may fill in its village).
    ``expected_version`` is the version the editor started from; when the stored row has moved on,
    raise :class:`StaleRecordError` naming what changed meanwhile, and save nothing. ``original``
    is the row as the editor saw it (used to tell what the other person changed). The history row
    names ``user`` and ``reason``.
    """
    model = type(instance)
    with transaction.atomic():
        require_in_scope(user, instance)
        if instance.pk is not None:
            current = model.all_objects.select_for_update().get(pk=instance.pk)
            require_in_scope(user, current)
            if expected_version is not None and current.version != expected_version:
                raise StaleRecordError(_changed_fields(original or current, current))
            instance.version = current.version + 1
        instance.full_clean()
        require_in_scope(user, instance)
        history.save(instance, actor=user, reason=reason)
    return instance


def domain_record_delete(*, user, instance: DomainModel, reason: str | None = None) -> None:
    """Soft-delete ``instance`` for ``user``: it leaves every list, and its history keeps the deletion."""
    require_in_scope(user, instance)
    with transaction.atomic():
        instance.mark_deleted()
        instance.version += 1
        history.save(instance, actor=user, reason=reason, update_fields=SOFT_DELETE_FIELDS)


def domain_record_restore(*, user, instance: DomainModel) -> None:
    """Bring a soft-deleted ``instance`` back; only roles with ``restore_deleted`` may."""
    if not user.has_perm("federation.restore_deleted"):
        raise PermissionDenied(_("只有乡镇妇联可以恢复已删除的记录。"))
    require_in_scope(user, instance)
    with transaction.atomic():
        instance.mark_restored()
        instance.version += 1
        instance.full_clean()
        history.save(instance, actor=user, update_fields=SOFT_DELETE_FIELDS)


def user_create(*, username: str, password: str, full_name: str, role: str, unit) -> object:
    """Create a user with her one membership; return the user.

    ``unit`` is the village, township or county the role belongs to (see ``ROLE_LEVEL``). The
    administrator is a superuser; the township roles may open the (scoped) admin.
    """
    from django.contrib.auth import get_user_model

    from federation.core.models import County, Membership, Township, Village
    from federation.core.roles import STAFF_ROLES, Role

    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username,
            password=password,
            first_name=full_name,
            is_staff=role in STAFF_ROLES,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        membership = Membership(
            user=user,
            role=role,
            village=unit if isinstance(unit, Village) else None,
            township=unit if isinstance(unit, Township) else None,
            county=unit if isinstance(unit, County) else None,
        )
        membership.full_clean()
        history.save(membership, actor=None, reason=_("新建账号"))
    return user
