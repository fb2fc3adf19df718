"""Writes of the registry that are more than a form save: moving between villages, ending a register
entry, carrying last year's entries into the new year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from federation.core import figures, history
from federation.core.models import Village, VillageGroup
from federation.core.scoping import require_in_scope
from federation.core.services import domain_record_raise_version, domain_record_save
from federation.ledgers import archives
from registry.models import ExitReason, Household, Person, PersonsVillage, RegisterEntry

MOVED = "迁往他村"


def _require_move_permission(user, *villages: Village) -> None:
    if not user.has_perm("federation.move_between_villages"):
        raise PermissionDenied(_("只有乡镇妇联可以在村之间迁移户和人员。"))
    for village in villages:
        require_in_scope(user, village, _("只能在本乡镇的村之间迁移。"))


def _save_moved(record: Household | Person, *, user, **values: Any) -> None:
    """Set ``values`` on ``record`` (locked), raise its version, check it and save it with the move in its
    history."""
    for name, value in values.items():
        setattr(record, name, value)
    record.version += 1
    record.full_clean()
    history.save(record, actor=user, reason=MOVED)


def household_move(*, user, household: Household, to_group: VillageGroup, number: str = "") -> Household:
    """Move a household and its members to a group of another village; return the household.

    ``number`` is its household number in the new village (kept when empty). A township action
    (permission ``move_between_villages``), within the user's scope; the
    history of the household and of each member keeps where they were.
    """
    _require_move_permission(user, household.village, to_group.village)
    with transaction.atomic():
        household = Household.objects.select_for_update().get(pk=household.pk)
        old_village = household.village_id
        number = number.strip() or household.number
        _save_moved(household, user=user, village=to_group.village, group=to_group, number=number)
        members = list(Person.objects.select_for_update().filter(household=household))
        for member in members:
            member.village = to_group.village
            member.version += 1
            history.save(member, actor=user, reason=MOVED)
        records_follow(members, from_village=old_village)
    return household


def person_move(*, user, person: Person, to_household: Household, relation: str) -> Person:
    """Move a person into a household of another (or the same) village; return the person."""
    _require_move_permission(user, person.village, to_household.village)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        old_village = person.village_id
        _save_moved(
            person, user=user, village=to_household.village, household=to_household, relation=relation
        )
        records_follow([person], from_village=old_village)
    return person


def records_follow(persons: Iterable[Person], *, from_village: int | None) -> None:
    """Give the records that keep their person's village (the models of ``PersonsVillage``: the register
    entries, the visits) the village ``persons`` were moved to, from ``from_village``: its director no longer
    sees them, the new village's does. The one place a person's records follow her.

    Derived copies (as ``Person.group_number``): no version is raised and no history row written;
    both villages' kept figures are forgotten (``federation.core.figures``). Entries of a year closed
    (归档) in either village refuse the move (``ValidationError``, ``federation.ledgers.archives``).
    """
    by_village: dict[int, list[int]] = {}
    for person in persons:
        by_village.setdefault(person.village_id, []).append(person.pk)
    followers = [m for m in apps.get_models() if issubclass(m, PersonsVillage)]
    for village_id, person_ids in by_village.items():
        for model in followers:
            if archives.closes(model):  # a closed year's entries (归档) neither leave nor join a village
                places = list(
                    model.objects.filter(person_id__in=person_ids).values_list("village_id", "year")
                )
                archives.refuse_closed(model, [*places, *((village_id, year) for _village, year in places)])
            model.all_objects.filter(person_id__in=person_ids).update(village_id=village_id)
    figures.changed([from_village, *by_village])


# -- a register entry's exit, and next year from last year ------------------------------------------


def register_entry_exit(
    *,
    user,
    entry: RegisterEntry,
    exited_on: dt.date,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
) -> RegisterEntry:
    """End ``entry`` on ``exited_on`` (the first day it is no longer active) for ``reason`` (one of its
    register's ``exit_reasons``; ``note`` says why when 其他); return it.

    The entry is kept (never deleted) and its history names ``user`` and the exit. Refused
    (``ValidationError`` on the field) as the model refuses: an exit before the entry date, in the
    future or after its year, a reason the register does not offer, 其他 without a note.
    """
    entry.exited_on, entry.exit_reason, entry.exit_note = exited_on, reason, (note or "").strip()
    label = ExitReason(reason).label if reason in ExitReason.values else reason
    return domain_record_save(
        user=user,
        instance=entry,
        expected_version=expected_version,
        reason=_("退出：%(reason)s") % {"reason": label},
    )


def register_entry_keep(
    *, user, entry: RegisterEntry, note: str, on: dt.date, expected_version: int | None = None
) -> RegisterEntry:
    """Say that ``entry`` is still valid (仍然有效) although its rules fail on ``on``: its proposed exit
    (待核实) is not proposed again for the same failed rules until a record they read changes
    (``RegisterEntry.still_valid_for``); return it.

    ``note`` says why (required). The entry's register rules are not judged again here (they fail:
    that is what the director answers); its scope and a closed year (归档) are, and its history names
    ``user`` and the note.
    """
    note = (note or "").strip()
    if not note:
        raise ValidationError({"kept_note": _("请写明为什么仍然有效。")})
    problems = entry.problems(on)
    with transaction.atomic():
        require_in_scope(user, entry)
        archives.refuse_if_closed(entry)
        domain_record_raise_version(entry, expected_version=expected_version)
        entry.kept_at = timezone.now()
        entry.kept_by = user
        entry.kept_note = note[:200]
        entry.kept_codes = ",".join(sorted({p.rule for p in problems}))[:200]
        history.save(entry, actor=user, reason=_("核实仍然有效：%(note)s") % {"note": entry.kept_note})
    return entry


#: What a carried entry does not take from last year's: who it is of and when (the rest is copied).
_NOT_CARRIED = frozenset(
    {"id", "year", "entered_on", "exited_on", "exit_reason", "exit_note", "village", "version"}
    | {"created_at", "updated_at", "deleted_at"}
)


@dataclass
class CarriedRefusal:
    """Last year's entry that does not pass its rule on the new entry date, and why (Chinese)."""

    register: str
    entry: RegisterEntry
    reasons: list[str]


@dataclass
class CarryResult:
    """What carrying ``year - 1`` into ``year`` did (or, ``dry_run``, would do)."""

    year: int
    on: dt.date
    dry_run: bool
    created: list[tuple[str, RegisterEntry]] = field(default_factory=list)
    refused: list[CarriedRefusal] = field(default_factory=list)
    already: int = 0

    def counts(self) -> dict[str, dict[str, int]]:
        """Return {register title: {"created": n, "refused": n}}."""
        counts: dict[str, dict[str, int]] = {}
        for title, _entry in self.created:
            counts.setdefault(title, {"created": 0, "refused": 0})["created"] += 1
        for refusal in self.refused:
            counts.setdefault(refusal.register, {"created": 0, "refused": 0})["refused"] += 1
        return counts


class _DryRun(Exception):
    """Raised to roll a dry run's writes back."""


def entry_registers() -> list[Any]:
    """Return the declared registers of persons (their models are ``RegisterEntry``), in menu order."""
    from federation.web.registers import registers

    return [r for r in registers if r.model is not None and issubclass(r.model, RegisterEntry) and r.path]


def register_carry_over(
    *, user, year: int, villages: Iterable[Village], on: dt.date | None = None, dry_run: bool = False
) -> CarryResult:
    """Carry the entries of ``year - 1`` active on its 31 December into ``year``, village by village
    (``villages``, each within ``user``'s scope); return what was created and what was refused.

    Each new entry copies last year's (guardian, reasons, needs…) with the entry date ``on``
    (1 January of ``year`` by default) and is judged by its register's rule on that date, as a form
    would judge it (``full_clean``); the ones that fail are listed with the rule's reasons. All in one
    transaction: nothing is half done. An entry the person has in ``year`` already is not created
    again, so a second run creates nothing twice. ``dry_run`` judges everything and writes nothing.
    """
    on = on or dt.date(year, 1, 1)
    villages = list(villages)
    for village in villages:
        require_in_scope(user, village)
    result = CarryResult(year=year, on=on, dry_run=dry_run)
    last_day = dt.date(year - 1, 12, 31)
    try:
        with transaction.atomic():
            for register in entry_registers():
                _carry_register(user, register, villages, year, on, last_day, result)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _carry_register(user, register, villages, year, on, last_day, result: CarryResult) -> None:
    model = register.model
    title = str(register.title)
    if not user.has_perm(register.add_permission):
        return
    old = (
        model.objects.for_user(user)
        .filter(year=year - 1, village__in=villages)
        .filter(RegisterEntry.active_on_q(last_day))
        .select_related("person__village", "person__household__group")
        .order_by("village_id", "person__group_number", "person__name", "pk")
    )
    taken = set(model.objects.filter(year=year, village__in=villages).values_list("person_id", flat=True))
    for entry in old:
        if entry.person_id in taken:
            result.already += 1
            continue
        values = {
            f.attname: getattr(entry, f.attname)
            for f in model._meta.concrete_fields
            if f.name not in _NOT_CARRIED
        }
        new = model(**values, year=year, entered_on=on)
        new.fill_derived()  # her village, which the scope check reads before the save
        try:
            domain_record_save(user=user, instance=new, reason=_("由 %(year)s 年度结转") % {"year": year - 1})
        except ValidationError as exc:
            result.refused.append(CarriedRefusal(title, entry, list(exc.messages)))
            continue
        taken.add(entry.person_id)
        result.created.append((title, new))
