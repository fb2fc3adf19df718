"""What loans adds to a person's file (一人一档): her microloan applications with their steps.

Imported by ``loans.contributions``; read through the scoping rule (``for_user``): an application
stays in the village where it was filed.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse

from federation.web.pages import PersonSection, add_person_section
from loans.models import LoanApplication, Transition


def loans(*, person, user) -> dict | None:
    """Return her applications ``user`` sees, latest first, each with its steps (two queries), and
    the link to draft one for her."""
    steps = Prefetch("transitions", queryset=Transition.objects.order_by("at", "pk"), to_attr="steps")
    applications = list(
        LoanApplication.objects.for_user(user)
        .filter(applicant=person)
        .prefetch_related(steps)
        .order_by("-applied_on", "-pk")
    )
    add_url = ""
    if user.has_perm("loans.add_loanapplication") and person.sex == "F" and not person.deceased:
        add_url = f"{reverse('loans:application_create')}?applicant={person.pk}"
    if not applications and not add_url:
        return None
    return {"applications": applications, "add_url": add_url}


add_person_section(
    PersonSection("loans", 50, "loans/_person_loans.html", loans, ("loans.view_loanapplication",))
)
