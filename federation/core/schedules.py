"""The core's tasks in django-q2's schedule (daily, or every few minutes): each made once, after
``migrate`` (``CoreConfig``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def schedule_daily(name: str, func: str, *, at: dt.time | None = None) -> None:
    """Make sure ``func`` (a dotted path) runs daily under ``name``: once, and an administrator's
    changes to it stay; its first run tomorrow at ``at`` when given, else at once."""
    from django_q.models import Schedule

    defaults = {"func": func, "schedule_type": Schedule.DAILY}
    if at is not None:
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        defaults["next_run"] = timezone.make_aware(dt.datetime.combine(tomorrow, at))
    Schedule.objects.get_or_create(name=name, defaults=defaults)


def schedule_every(name: str, func: str, *, minutes: int) -> None:
    """Make sure ``func`` (a dotted path) runs every ``minutes`` under ``name``: once, and an
    administrator's changes to it stay."""
    from django_q.models import Schedule

    defaults = {"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes, "repeats": -1}
    Schedule.objects.get_or_create(name=name, defaults=defaults)
