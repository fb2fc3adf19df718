"""What loans puts in the 待办 card of each home: the applications waiting for a step the user takes.

A director: the drafts returned to her for changes (with the reason) and the applications waiting
for her village signature. The township chair: the loans to sign or stamp; the township staff: the
loans to prepare (the credit cooperative's decision, the disbursement). Each with its wait in days.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Max
from django.db.models.functions import Coalesce
from django.utils import timezone

from federation.web.pages import HomeSection, add_home_section
from loans.models import LoanApplication, Transition
from loans.selectors import waiting_moves
from loans.states import Action, Status

#: At most so many applications are listed; the count is of all of them.
LISTED = 20


def waiting_for(*, user, today: dt.date) -> list[dict]:
    """Return the applications waiting for a step ``user`` may take, the longest waiting first, each
    as {application, move, days (waiting), returned (the reason it was sent back, or None)}.

    A draft is waiting only when it was returned for changes: her own new drafts are not to-dos.
    """
    moves = waiting_moves(user)
    if not moves:
        return []
    applications = list(
        LoanApplication.objects.for_user(user)
        .filter(status__in=list(moves))
        .select_related("village", "applicant")
        .annotate(waiting_since=Coalesce(Max("transitions__at"), "created_at"))
        .order_by("waiting_since", "pk")
    )
    drafts = [a.pk for a in applications if a.status == Status.DRAFT]
    last_step: dict[int, tuple[str, str]] = {}
    if drafts:
        for application_id, action, reason in (
            Transition.objects.filter(application_id__in=drafts)
            .order_by("application_id", "at", "pk")
            .values_list("application_id", "action", "reason")
        ):
            last_step[application_id] = (action, reason)
    rows = []
    for application in applications:
        returned = None
        if application.status == Status.DRAFT:
            action, reason = last_step.get(application.pk, ("", ""))
            if action != Action.RETURN:
                continue
            returned = reason
        rows.append(
            {
                "application": application,
                "move": moves[application.status],
                "days": (today - timezone.localdate(application.waiting_since)).days,
                "returned": returned,
            }
        )
    return rows


def loans_todo(*, user, today: dt.date, **_kwargs) -> dict | None:
    """Return the home's to-do of the loans waiting for ``user`` (None when none waits)."""
    rows = waiting_for(user=user, today=today)
    return {"loans": rows[:LISTED], "count": len(rows)} if rows else None


for level in ("village", "township"):
    add_home_section(
        HomeSection(
            f"loans.waiting.{level}",
            level,
            "todo",
            5,
            "loans/home/_waiting.html",
            loans_todo,
            permissions=("loans.view_loanapplication",),
        )
    )
