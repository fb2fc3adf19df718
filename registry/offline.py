"""The roster a director's phone keeps for entry without a network (issue 16, part B).

Only what entry needs: each household of her scope (group and number) and its living members'
names, sex, ages and masked ID numbers — never a whole ID number, a birth date, a phone or an
address. The page lists it; its JSON lets the phone's service worker answer the person fields of
the forms offline as the autocomplete answers them online.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render

from federation.api.offline import offline_enabled
from federation.core import policy
from federation.core.masking import mask_id_number
from registry.forms.registers import person_label
from registry.models import Household, Person

#: At most this many persons are kept (a village has a few thousand).
ROSTER_LIMIT = 5000


def roster(user) -> list[dict]:
    """Return the households of ``user``'s scope with their living members, as the phone keeps them."""
    on = policy.ages_on()
    households = {
        h.pk: {"id": h.pk, "label": str(h), "village": h.village.name, "members": []}
        for h in Household.objects.for_user(user).select_related("group", "village")
    }
    persons = (
        Person.objects.for_user(user)
        .filter(deceased=False)
        .select_related("village", "household__group")
        .order_by("household_id", "id")[:ROSTER_LIMIT]
    )
    loose = {"id": None, "label": "未入户", "village": "", "members": []}
    for person in persons:
        row = {
            "id": person.pk,
            "name": person.name,
            "sex": person.sex,
            "sex_label": person.get_sex_display(),
            "age": policy.masked_age(person.birth_date, on),
            "id_number": mask_id_number(person.id_number),
            "text": person_label(person, age=True),
        }
        households.get(person.household_id, loose)["members"].append(row)
    out = [h for h in households.values() if h["members"]]
    return out + ([loose] if loose["members"] else [])


@login_required
def roster_page(request):
    """Return her village's households and persons as the phone keeps them."""
    if not offline_enabled(request.user):
        raise Http404
    return render(request, "offline/roster.html", {"households": roster(request.user)})


@login_required
def roster_data(request):
    """Return the roster as JSON, for the service worker's offline answers to the person fields."""
    if not offline_enabled(request.user):
        raise Http404
    return JsonResponse({"households": roster(request.user)}, json_dumps_params={"ensure_ascii": False})
