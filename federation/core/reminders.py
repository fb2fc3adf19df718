"""Reminders before a deadline, made by a daily job of the task queue and read on the home page.

What falls due comes from the apps, as data: each adds a source with :func:`add_source`, a
function ``source(today=, until=)`` that returns the :class:`Due` items whose day lies after
``today`` and not after ``until`` (a register's deadline, the users responsible for it). The core
names no app: it knows only the days before a deadline that remind of it, a yearly setting
(``YearSettings.reminder_days``, 14, 7 and 1 by default). Nothing is sent outside the system: a
reminder is a row (:class:`~federation.core.models.Reminder`) its user sees until she marks it read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone

from federation.core.models import Membership, Reminder, year_settings
from federation.core.registries import Registry
from federation.core.roles import ROLE_LEVEL, Level, Role
from federation.core.schedules import schedule_daily

REMINDER_SCHEDULE = "台账期限每日提醒"


@dataclass(frozen=True)
class Due:
    """Something due on ``due_on`` that ``user_ids`` are responsible for; ``key`` names it uniquely.

    ``message(days_left)`` says it to them, ``url`` opens where it is done.
    """

    key: str
    due_on: dt.date
    user_ids: tuple[int, ...]
    message: Callable[[int], str]
    url: str = ""


Source = Callable[..., Iterable[Due]]
sources: Registry[Source] = Registry("reminder source")


def add_source(key: str, source: Source) -> Source:
    return sources.add(key, source)


def who_answers() -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Return who is reminded of what a unit owes: ({village id: its directors' user ids},
    {township id: its staff's and chair's user ids}), active users only."""
    directors: dict[int, list[int]] = {}
    township_users: dict[int, list[int]] = {}
    members = Membership.objects.filter(user__is_active=True).values_list(
        "user_id", "role", "village_id", "township_id"
    )
    for user_id, role, village_id, township_id in members:
        if role == Role.VILLAGE_DIRECTOR:
            directors.setdefault(village_id, []).append(user_id)
        elif ROLE_LEVEL[role] == Level.TOWNSHIP:
            township_users.setdefault(township_id, []).append(user_id)
    return directors, township_users


def reminder_day(due_on: dt.date, today: dt.date) -> int | None:
    """Return which of the reminder days (the deadline year's setting) ``today`` falls in, or None.

    The smallest setting not below the days left: with 14, 7, 1, a deadline 10 days away is in its
    "14 days" reminder, 7 to 2 days away in its "7 days" one. A day the job did not run is caught up
    the next day, and each reminder is made once (its key names the day it stands for).
    """
    left = (due_on - today).days
    if left < 1:
        return None
    fitting = [day for day in year_settings(due_on.year).reminder_day_list if left <= day]
    return min(fitting) if fitting else None


def create_due(today: dt.date | None = None) -> int:
    """Make the reminders due on ``today`` (default: today) that do not exist yet; return how many.

    The task queue runs it every day (``federation.core.reminders.create_due``); run twice, it makes
    nothing twice.
    """
    today = today or timezone.localdate()
    horizon = max(max(year_settings(year).reminder_day_list) for year in (today.year, today.year + 1))
    until = today + dt.timedelta(days=horizon)
    wanted: dict[tuple[int, str], Reminder] = {}
    for source in sources:
        for due in source(today=today, until=until):
            day = reminder_day(due.due_on, today)
            if day is None:
                continue
            key = f"{due.key}:{day}"
            message = str(due.message((due.due_on - today).days))
            for user_id in due.user_ids:
                wanted[(user_id, key)] = Reminder(
                    user_id=user_id, key=key, message=message[:300], url=due.url, due_on=due.due_on
                )
    if not wanted:
        return 0
    existing = set(
        Reminder.objects.filter(key__in={key for _user, key in wanted}).values_list("user_id", "key")
    )
    new = [reminder for pair, reminder in wanted.items() if pair not in existing]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def unread_for(user, today: dt.date | None = None) -> list[Reminder]:
    """Return ``user``'s unread reminders whose deadline is not past, the nearest first (a deadline
    gone by is the home's late registers' business)."""
    today = today or timezone.localdate()
    return list(
        Reminder.objects.filter(user=user, read_at__isnull=True)
        .exclude(due_on__lt=today)
        .order_by("due_on", "pk")
    )


def mark_read(*, user, reminder: Reminder) -> Reminder:
    """Mark ``user``'s own ``reminder`` read (another user's is refused: the view gives 404)."""
    if reminder.user_id != user.pk:
        raise PermissionError("a reminder is marked read by its own user only")
    if reminder.read_at is None:
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


def schedule_reminders() -> None:
    """Make sure the daily reminders are scheduled in django-q (once; an administrator's changes
    stay): at 06:00, before the office opens."""
    schedule_daily(REMINDER_SCHEDULE, "federation.core.reminders.create_due", at=dt.time(6, 0))
