"""What registry adds to a person's file (一人一档): her household and family.

Imported by ``registry.contributions``; the file's other sections come from the register
declarations (``federation.web.contributions``) and the other apps' ``person_file`` modules.
"""

from __future__ import annotations

from django.utils import timezone

from federation.core import policy
from federation.core.models import year_settings
from federation.web.pages import PersonSection, add_person_section
from registry.models import Person, Relation

#: The order of a household's members on the page: the head first, then the spouse, …
RELATION_ORDER = {relation: n for n, relation in enumerate(Relation.values)}


def ages_shown_on(user):
    """Return the day the ages ``user`` is shown are counted on: today for a role that sees birth
    dates, else this year's reference date (统计截止日: a fixed day that tells no birthday)."""
    return timezone.localdate() if policy.can_see_full_id_number(user) else policy.ages_on()


def age_for(user, person: Person) -> int | None:
    """Return the age ``user`` is shown of ``person`` (on :func:`ages_shown_on`)."""
    return policy.masked_age(person.birth_date, ages_shown_on(user))


def family(*, person: Person, user) -> dict | None:
    """Return her household and its other members ``user`` sees (with relation and age), in one query."""
    if person.household_id is None:
        return None
    members = (
        Person.objects.for_user(user)
        .filter(household_id=person.household_id)
        .exclude(pk=person.pk)
        .only("pk", "name", "sex", "relation", "birth_date", "deceased", "village_id", "household_id")
    )
    on = ages_shown_on(user)
    rows = sorted(members, key=lambda m: (RELATION_ORDER.get(m.relation, 99), m.birth_date or on))
    return {
        "household": person.household,
        "members": [(m, policy.masked_age(m.birth_date, on)) for m in rows],
        "ages_today": policy.can_see_full_id_number(user),
    }


add_person_section(PersonSection("registry.family", 5, "registry/_person_family.html", family))


def aid_and_pairings(*, person: Person, user) -> dict | None:
    """Return her grants (春蕾计划, 贫困母亲) and pairings ``user`` sees, each pairing with its
    follow-ups' count and latest day, and the links to record either for her: a grant for a woman or
    girl, a pairing for a child or a woman (None: nothing to show, e.g. for a grown man with none)."""
    from urllib.parse import urlencode

    from django.db.models import Count, Max, Q
    from django.urls import reverse

    from registry.models import AidRecord, Pairing

    grants = list(AidRecord.objects.for_user(user).filter(person=person).order_by("-year", "kind"))
    alive = Q(follow_ups__deleted_at__isnull=True)
    pairings = list(
        Pairing.objects.for_user(user)
        .filter(person=person)
        .annotate(
            follow_up_count=Count("follow_ups", filter=alive),
            last_follow_up=Max("follow_ups__on", filter=alive),
        )
        .order_by("-since", "-pk")
    )
    back = urlencode({"person": person.pk, "next": person.get_absolute_url()})
    add_aid = ""
    if user.has_perm("registry.add_aidrecord") and person.sex == "F" and not person.deceased:
        add_aid = f"{reverse('registry:aidrecord_create')}?{back}"
    add_pairing = ""
    child = (person.age_on(timezone.localdate()) or 0) < year_settings(
        timezone.localdate().year
    ).child_age_limit
    if user.has_perm("registry.add_pairing") and (child or person.sex == "F") and not person.deceased:
        add_pairing = f"{reverse('registry:pairing_create')}?{back}"
    if not (grants or pairings or add_aid or add_pairing):
        return None
    return {"grants": grants, "pairings": pairings, "add_aid": add_aid, "add_pairing": add_pairing}


add_person_section(PersonSection("registry.aid", 15, "registry/_person_aid.html", aid_and_pairings))
