"""Writes shared by every domain app: saving with a version check, soft delete and restore."""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext as _

from federation.core import history
from federation.core.models import DomainModel, PurgeRecord
from federation.core.scoping import require_in_scope


class StaleRecordError(ValidationError):
    """The record changed since the form was opened; ``changes`` lists (field label, value now)."""

    def __init__(self, changes: list[tuple[str, str]]):
        self.changes = changes
        super().__init__(
            _("保存失败：在您编辑期间，别人已修改了这条记录。请看下面的改动，核对后再保存。"), code="stale"
        )

    def as_form_error(self) -> ValidationError:
        """Return the error a form shows: the message, then each change as "label：value now"."""
        changes = [
            ValidationError("%(label)s：%(value)s", params={"label": label, "value": value or _("（空）")})
            for label, value in self.changes
        ]
        return ValidationError([ValidationError(self.message, code="stale"), *changes])


def _changed_fields(before: DomainModel, now: DomainModel) -> list[tuple[str, str]]:
    changes = []
    for field in type(now)._meta.concrete_fields:
        if field.name in {"updated_at", "version", "id_last4"}:
            continue
        if field.value_from_object(before) != field.value_from_object(now):
            if field.is_relation:
                shown = getattr(now, field.name)  # the village's name, not its id
            else:
                shown = getattr(now, f"get_{field.name}_display", lambda f=field: f.value_from_object(now))()
            changes.append((str(field.verbose_name), "" if shown is None else str(shown)))
    # What a record shows with it but keeps in records of its own (a household's yearly incomes).
    changes += now.changes_kept_elsewhere(since=before)
    return changes


def _as_of(current: DomainModel, version: int) -> DomainModel:
    """Return the record as it was at ``version`` (from its history), or ``current`` when none is kept."""
    past = current.history.filter(version=version).order_by("-history_date").first()
    return past.instance if past is not None else current


#: What a soft delete or a restore changes.
SOFT_DELETE_FIELDS = ["deleted_at", "version", "updated_at"]


def domain_record_check_version(
    instance: DomainModel, *, expected_version: int, original: DomainModel | None = None, lock: bool = True
) -> DomainModel:
    """Return the stored row of ``instance``; raise :class:`StaleRecordError` when it moved on.

    ``expected_version`` is the version the writer read (a form: the one it was opened at). The
    error names what changed since: against ``original``, else the row's history at that version.
    With ``lock`` (inside a transaction) the row stays locked until the transaction ends, so a check
    made while a form is validated still holds when the save that follows in it writes; without,
    it is a plain read (a form checked outside a transaction: its save checks again, locked).
    """
    stored = type(instance).all_objects
    current = (stored.select_for_update() if lock else stored).get(pk=instance.pk)
    if current.version != expected_version:
        raise StaleRecordError(_changed_fields(original or _as_of(current, expected_version), current))
    return current


def domain_record_raise_version(
    instance: DomainModel, *, expected_version: int | None, original: DomainModel | None = None
) -> DomainModel:
    """Give ``instance`` the version after the stored row's, refusing a stale write; return the stored row.

    Every write of a record that exists goes through it: forms, the admin, imports, services, soft
    delete and restore. ``expected_version`` as in :func:`domain_record_check_version`; ``None``
    checks nothing (the writer read the row under this lock itself). Call it inside a transaction.
    """
    if expected_version is None:
        current = type(instance).all_objects.select_for_update().get(pk=instance.pk)
    else:
        current = domain_record_check_version(instance, expected_version=expected_version, original=original)
    instance.version = current.version + 1
    return current


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
    is the row as the editor saw it (used to tell what the other person changed; by default the
    row's history at ``expected_version``). The history row names ``user`` and ``reason``.
    """
    with transaction.atomic():
        require_in_scope(user, instance)
        if instance.pk is not None:
            current = domain_record_raise_version(
                instance, expected_version=expected_version, original=original
            )
            require_in_scope(user, current)
        instance.full_clean()
        require_in_scope(user, instance)
        history.save(instance, actor=user, reason=reason)
    return instance


def domain_record_delete(*, user, instance: DomainModel, reason: str | None = None) -> None:
    """Soft-delete ``instance`` for ``user``: it leaves every list, and its history keeps the deletion.

    Raise ``ValidationError`` when the record refuses it (``check_delete``: an entry of a closed year).
    """
    require_in_scope(user, instance)
    instance.check_delete()
    with transaction.atomic():
        domain_record_raise_version(instance, expected_version=None)
        instance.mark_deleted()
        history.save(instance, actor=user, reason=reason, update_fields=SOFT_DELETE_FIELDS)


def domain_record_restore(*, user, instance: DomainModel) -> None:
    """Bring a soft-deleted ``instance`` back; only roles with ``restore_deleted`` may."""
    if not user.has_perm("federation.restore_deleted"):
        raise PermissionDenied(_("只有乡镇妇联可以恢复已删除的记录。"))
    require_in_scope(user, instance)
    with transaction.atomic():
        domain_record_raise_version(instance, expected_version=None)
        instance.mark_restored()
        instance.full_clean()
        history.save(instance, actor=user, update_fields=SOFT_DELETE_FIELDS)


#: A run of digits as long as an ID number (15 or 18 characters): never kept in a purge record's label.
_ID_NUMBER_LIKE = re.compile(r"\d{14}[\dXx]+")


def purge_label(instance) -> str:
    """Return the label a purge record keeps of ``instance``: its name as lists show it, no ID number."""
    return _ID_NUMBER_LIKE.sub("…", str(instance))[:200]


def domain_records_purge(*, user, records: Sequence[DomainModel], reason: str) -> list[PurgeRecord]:
    """Delete soft-deleted ``records`` (of one model) for good, with their history; return the purge records.

    Only the administrator may (``PermissionDenied`` otherwise), with a reason (``ValidationError``
    when blank). Every record must be soft-deleted first; what its model declares to go with it
    (``on_delete=CASCADE``, e.g. a household's incomes) goes too, and one that another record still
    needs (``PROTECT``: a person with visits, an application with signatures) refuses the whole
    purge with a message naming what holds it. Each record deleted gets a :class:`PurgeRecord`
    (who, when, model, pk, a label without ID numbers, the reason); nothing is kept of its history.
    """
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied(_("只有系统管理员可以彻底删除记录。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写彻底删除的原因。"), code="no_reason")
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    using = router.db_for_write(model)
    with transaction.atomic(using=using):
        locked = list(model.all_objects.select_for_update().filter(pk__in=[r.pk for r in records]))
        alive = [r for r in locked if not r.is_deleted]
        if alive:
            raise ValidationError(
                _("“%(obj)s”没有被删除：只能彻底删除已删除的记录。") % {"obj": alive[0]}, code="alive"
            )
        collector = Collector(using=using)
        try:
            collector.collect(locked)
        except (ProtectedError, RestrictedError) as exc:
            held = exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            kinds = sorted({str(type(o)._meta.verbose_name) for o in held})
            raise ValidationError(
                _("还有别的记录用着它（%(kinds)s），不能彻底删除：请先处理那些记录。")
                % {"kinds": "、".join(kinds)},
                code="protected",
            ) from None
        name = (user.get_full_name() or user.get_username())[:150]
        purged = [
            PurgeRecord(
                purged_by=user,
                purged_by_name=name,
                model=obj._meta.label_lower,
                model_name=str(obj._meta.verbose_name),
                object_pk=str(obj.pk),
                label=purge_label(obj),
                reason=reason,
            )
            for objs in collector.data.values()
            for obj in objs
        ]
        gone = {m: [o.pk for o in objs] for m, objs in collector.data.items()}
        collector.delete()
        for gone_model, pks in gone.items():  # the history too, the "-" row the delete just wrote with it
            kept = getattr(gone_model, "history", None)
            if kept is not None:
                pk_name = gone_model._meta.pk.attname
                kept.model.objects.filter(**{f"{pk_name}__in": pks}).delete()
        PurgeRecord.objects.bulk_create(purged)
    return purged


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
