"""What outreach adds to a person's file (一人一档): visits, screenings, petitions, teams, lectures, honours.

Imported by ``outreach.contributions``. Every section reads through the scoping rule
(``for_user``): the screenings only for the roles with the health-data permission, the
domestic-violence cases only for those ``PetitionQuerySet.for_user`` keeps them for. A screening
shown on the file is a read of it, recorded in the access log as its own page records it
(``reads``, which the person's page records).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from federation.core import access
from federation.web.pages import PersonSection, add_person_section
from outreach.models import (
    HEALTH_DATA_PERMISSION,
    HonourNomination,
    Lecture,
    Petition,
    RedBannerAward,
    Screening,
    Visit,
    VolunteerMember,
)

#: The latest visits the file lists; the rest are a click away (the visits' list, searched by her name).
VISITS_SHOWN = 10


def visits(*, person, user) -> dict | None:
    """Return her latest visits, how many she had this year, and the link to record one (with her
    chosen; the saved visit brings the user back to her file). Visits are to women (``outreach.rules``):
    nothing for a man who has none."""
    qs = Visit.objects.for_user(user).filter(person=person).order_by("-visited_on", "-pk")
    shown = list(qs[: VISITS_SHOWN + 1])
    if not shown and person.sex != "F":
        return None
    year = timezone.localdate().year
    add_url = ""
    if user.has_perm("outreach.add_visit") and not person.deceased:
        back = urlencode({"person": person.pk, "next": person.get_absolute_url()})
        add_url = f"{reverse('outreach:visit_create')}?{back}"
    return {
        "visits": shown[:VISITS_SHOWN],
        "more": len(shown) > VISITS_SHOWN,
        "this_year": qs.filter(visited_on__year=year).count() if shown else 0,
        "year": year,
        "add_url": add_url,
        "list_url": f"{reverse('outreach:visit_list')}?{urlencode({'q': person.name})}",
    }


def screenings(*, person, user) -> dict | None:
    """Return her two-cancer screenings (health data: ``Screening.objects.for_user`` keeps them for
    the roles allowed to read them), each recorded as read."""
    rows = list(Screening.objects.for_user(user).filter(person=person).order_by("-year", "kind"))
    for row in rows:
        row.person = person  # the access log reads her village from it
    add_url = ""
    if user.has_perm("outreach.add_screening") and person.sex == "F":
        back = urlencode({"person": person.pk, "next": person.get_absolute_url()})
        add_url = f"{reverse('outreach:screening_create')}?{back}"
    if not rows and not add_url:
        return None
    return {"screenings": rows, "add_url": add_url, "reads": [(access.Kind.SCREENING, s) for s in rows]}


def petitions(*, person, user) -> dict | None:
    """Return the petitions she brought that ``user`` may read (``PetitionQuerySet.for_user``), without
    their text: when, how, what about, how handled, whether closed."""
    rows = list(Petition.objects.for_user(user).filter(person=person).order_by("-received_on", "-pk"))
    return {"petitions": rows} if rows else None


def teams(*, person, user) -> dict | None:
    """Return the volunteer teams she is a member of (as a resident, or as a village director)."""
    memberships = list(
        VolunteerMember.objects.for_user(user)
        .filter(person=person, team__deleted_at__isnull=True)
        .select_related("team__village")
        .order_by("team__name")
    )
    return {"memberships": memberships} if memberships else None


#: The latest sessions the file lists.
LECTURES_SHOWN = 20


def lectures(*, person, user) -> dict | None:
    """Return the lectures and training sessions she attended that ``user`` sees, latest first."""
    qs = (
        Lecture.objects.for_user(user)
        .filter(attendees=person)
        .select_related("village", "township")
        .order_by("-held_on", "-pk")
    )
    shown = list(qs[: LECTURES_SHOWN + 1])
    if not shown:
        return None
    return {"lectures": shown[:LECTURES_SHOWN], "more": len(shown) > LECTURES_SHOWN, "shown": LECTURES_SHOWN}


add_person_section(
    PersonSection("outreach.visits", 30, "outreach/_person_visits.html", visits, ("outreach.view_visit",))
)
add_person_section(
    PersonSection(
        "outreach.screenings",
        40,
        "outreach/_person_screenings.html",
        screenings,
        ("outreach.view_screening", HEALTH_DATA_PERMISSION),
    )
)
add_person_section(
    PersonSection(
        "outreach.petitions", 60, "outreach/_person_petitions.html", petitions, ("outreach.view_petition",)
    )
)
add_person_section(
    PersonSection(
        "outreach.teams", 70, "outreach/_person_teams.html", teams, ("outreach.view_volunteermember",)
    )
)
add_person_section(
    PersonSection(
        "outreach.lectures", 75, "outreach/_person_lectures.html", lectures, ("outreach.view_lecture",)
    )
)


def honours(*, person, user) -> dict | None:
    """Return her 三八红旗手 awards and her household's 最美家庭 proposals ``user`` sees, latest first."""
    awards = list(RedBannerAward.objects.for_user(user).filter(person=person).order_by("-year", "-pk"))
    families = []
    if person.household_id and user.has_perm("outreach.view_honournomination"):
        families = list(
            HonourNomination.objects.for_user(user)
            .filter(household_id=person.household_id)
            .select_related("household")
            .order_by("-year", "-pk")
        )
    if not (awards or families):
        return None
    return {"awards": awards, "families": families}


add_person_section(
    PersonSection(
        "outreach.honours", 78, "outreach/_person_honours.html", honours, ("outreach.view_redbanneraward",)
    )
)
