"""What a form's person or household field offers as one types (``federation.core.forms.AutocompleteSelect``).

Read through the scope (``for_user``: a director finds her village's residents only), searched by
name, whole ID number or its last four characters (``selectors.person_search``), at most
``LIMIT`` rows. The ID number is shown as the user's role may see it (masked for the county).
"""

from __future__ import annotations

from django.db.models import Q
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


class PersonAutocompleteView(ScopedViewMixin, View):
    """The persons of the user's scope matching ``q``; ``sex`` (F or M), ``alive=1`` and
    ``registered=1`` (the women's registers) narrow them as the form's field does."""

    model = Person
    permission_required = "registry.view_person"

    def get(self, request, *args, **kwargs):
        search = request.GET.get("q", "").strip()[:30]
        if not search:
            return JsonResponse({"results": []})
        qs = selectors.person_search(self.get_queryset(), search)
        if request.GET.get("sex") in ("F", "M"):
            qs = qs.filter(sex=request.GET["sex"])
        if request.GET.get("alive") == "1":
            qs = qs.filter(deceased=False)
        if request.GET.get("registered") == "1":
            qs = qs.filter(selectors.in_womens_registers(year=timezone.localdate().year))
        rows = qs.select_related("village", "household__group")[:LIMIT]
        user = request.user
        return JsonResponse(
            {
                "results": [
                    {
                        "value": person.pk,
                        "text": person_label(person, user),
                        "id_number": policy.id_number_for(user, person.id_number),
                    }
                    for person in rows
                ]
            }
        )


class HouseholdAutocompleteView(ScopedViewMixin, View):
    """The households of the user's scope whose 户号 is ``q`` or one of whose members is named so (or
    has that ID number, whole or its last four)."""

    model = Household
    permission_required = "registry.view_household"

    def get(self, request, *args, **kwargs):
        search = request.GET.get("q", "").strip()[:30]
        if not search:
            return JsonResponse({"results": []})
        members = selectors.person_search(Person.objects.for_user(request.user), search)
        qs = self.get_queryset().filter(
            Q(number=search) | Q(number=search.zfill(4)) | Q(pk__in=members.values("household_id"))
        )
        rows = qs.select_related("village", "group").prefetch_related("members")[:LIMIT]
        return JsonResponse(
            {"results": [{"value": household.pk, "text": household_label(household)} for household in rows]}
        )


def household_label(household: Household) -> str:
    """Return how a household is offered: its village, group and 户号, and its head's name."""
    head = next((m.name for m in household.members.all() if m.relation == Relation.HEAD), "")
    return f"{household.village.name} {household}" + (f"（户主 {head}）" if head else "")
