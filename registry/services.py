"""Writes of the registry that are more than a form save: moving between villages."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from federation.core import figures, history
from federation.core.models import Village, VillageGroup
from federation.core.scoping import require_in_scope
from federation.ledgers import archives
from registry.models import Household, Person, PersonsVillage

MOVED = "迁往他村"


def _require_move_permission(user, *villages: Village) -> None:
    if not user.has_perm("federation.move_between_villages"):
        raise PermissionDenied(_("只有乡镇妇联可以在村之间迁移户和人员。"))
    for village in villages:
        require_in_scope(user, village, _("只能在本乡镇的村之间迁移。"))


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
        household.village = to_group.village
        household.group = to_group
        household.number = number.strip() or household.number
        household.version += 1
        household.full_clean()
        history.save(household, actor=user, reason=MOVED)
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
        person.village = to_household.village
        person.household = to_household
        person.relation = relation
        person.version += 1
        person.full_clean()
        history.save(person, actor=user, reason=MOVED)
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
