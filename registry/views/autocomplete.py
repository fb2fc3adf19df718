"""What a form's person or household field offers as one types (``federation.core.forms.AutocompleteSelect``).

Read through the scope (``for_user``: a director finds her village's residents only), searched by
name, whole ID number or its last four characters (``selectors.person_search``), at most
``LIMIT`` rows. The ID number is shown as the user's role may see it (masked for the county).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import JsonResponse
from django.utils import timezone
from django.views import View

from federation.core import policy
from federation.core.mixins import ScopedViewMixin
from registry import selectors
from registry.forms.registers import person_label
from registry.models import Household, Person, Relation

#: The most rows an answer holds: a name is typed until the person is among them.
LIMIT = 20


class _AutocompleteView(ScopedViewMixin, View):
    """What a field offers for ``q`` (at most ``LIMIT`` rows, none for an empty ``q``), as JSON."""

    def get(self, request, *args, **kwargs):
        search = request.GET.get("q", "").strip()[:30]
        if not search:
            return JsonResponse({"results": []})
        return JsonResponse({"results": [self.result(row) for row in self.rows(search)[:LIMIT]]})

    def rows(self, search: str) -> QuerySet:
        """Return the rows of the user's scope that ``search`` finds."""
        raise NotImplementedError

    def result(self, row) -> dict[str, Any]:
        """Return how ``row`` is offered: its ``value`` and ``text``, and what else the field shows."""
        raise NotImplementedError


class PersonAutocompleteView(_AutocompleteView):
    """The persons of the user's scope matching ``q``; ``sex`` (F or M), ``alive=1`` and
    ``registered=1`` (the women's registers) narrow them as the form's field does."""

    model = Person
    permission_required = "registry.view_person"

    def rows(self, search):
        query = self.request.GET
        qs = selectors.person_search(self.get_queryset(), search)
        if query.get("sex") in ("F", "M"):
            qs = qs.filter(sex=query["sex"])
        if query.get("alive") == "1":
            qs = qs.filter(deceased=False)
        if query.get("registered") == "1":
            qs = qs.filter(selectors.in_womens_registers(year=timezone.localdate().year))
        return qs.select_related("village", "household__group")

    def result(self, person):
        user = self.request.user
        return {
            "value": person.pk,
            "text": person_label(person, user),
            "id_number": policy.id_number_for(user, person.id_number),
        }


class HouseholdAutocompleteView(_AutocompleteView):
    """The households of the user's scope whose 户号 is ``q`` or one of whose members is named so (or
    has that ID number, whole or its last four)."""

    model = Household
    permission_required = "registry.view_household"

    def rows(self, search):
        members = selectors.person_search(Person.objects.for_user(self.request.user), search)
        qs = self.get_queryset().filter(
            Q(number=search) | Q(number=search.zfill(4)) | Q(pk__in=members.values("household_id"))
        )
        return qs.select_related("village", "group").prefetch_related("members")

    def result(self, household):
        return {"value": household.pk, "text": household_label(household)}


def household_label(household: Household) -> str:
    """Return how a household is offered: its village, group and 户号, and its head's name."""
    head = next((m.name for m in household.members.all() if m.relation == Relation.HEAD), "")
    return f"{household.village.name} {household}" + (f"（户主 {head}）" if head else "")
