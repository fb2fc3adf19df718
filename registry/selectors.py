"""Reads of the registry: lists and summaries, always through the scoping rule."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from federation.models import Village
from registry.models import Household, Person


def person_list(
    *, user, search: str = "", group_id: int | None = None, village_id: int | None = None
) -> QuerySet[Person]:
    """Return the persons ``user`` sees, searched by name, whole ID number or its last 4 characters."""
    qs = Person.objects.for_user(user).select_related("village", "household__group")
    search = search.strip()
    if search:
        upper = search.upper()
        if len(upper) == 4 and (upper[:3].isdigit() and (upper[3].isdigit() or upper[3] == "X")):
            qs = qs.filter(Q(id_last4=upper) | Q(name__contains=search))
        elif len(upper) in (15, 18) and upper[:15].isdigit():
            qs = qs.filter(id_number=upper)
        else:
            qs = qs.filter(name__contains=search)
    if group_id:
        qs = qs.filter(household__group_id=group_id)
    if village_id:
        qs = qs.filter(village_id=village_id)
    return qs


def household_list(
    *, user, search: str = "", group_id: int | None = None, village_id: int | None = None
) -> QuerySet[Household]:
    """Return the households ``user`` sees, searched by number, address or a member's name."""
    qs = Household.objects.for_user(user).select_related("village", "group")
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(number=search) | Q(address__contains=search) | Q(members__name__contains=search)
        ).distinct()
    if group_id:
        qs = qs.filter(group_id=group_id)
    if village_id:
        qs = qs.filter(village_id=village_id)
    return qs


def village_summary(*, village: Village) -> dict:
    """Return the figures of a village director's home page: counts and what is left to do."""
    persons = Person.objects.filter(village=village)
    return {
        "village": village,
        "household_count": Household.objects.filter(village=village).count(),
        "person_count": persons.count(),
        "women_count": persons.filter(sex="F", deceased=False).count(),
        "missing_id_count": persons.filter(Q(id_number__isnull=True) | Q(id_number="")).count(),
        "missing_id": persons.filter(Q(id_number__isnull=True) | Q(id_number=""))[:10],
    }
