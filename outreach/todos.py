"""What outreach puts in the 待办 card of each home, and the reminders before a register's deadline.

A director: her left-behind women still owed a visit this year (the year's end the deadline). The
township: its villages late on a register, and each village's women still owed a visit. The county:
its townships late on a register. The deadlines' reminders (``federation.core.reminders``) go to
the directors of the villages that have not reported the register yet, and to their township.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from federation.core.models import Village
from federation.core.reminders import Due, add_source, who_answers
from federation.core.roles import Level
from federation.core.scoping import membership_of
from federation.web.pages import HomeSection, add_home_section
from federation.web.registers import by_deadline_key
from outreach.models import RegisterReport, register_deadlines, year_bounds
from outreach.rules import ReportStatus, visits_owed
from outreach.selectors import report_table, township_report_table, visits_by_village, women_owed_visits


def _level(user) -> str | None:
    membership = membership_of(user)
    if membership is None:
        return Level.COUNTY if user.is_superuser else None
    return membership.level


def visits_todo(*, user, today: dt.date, **_kwargs) -> dict | None:
    """Return a director's left-behind women still owed a visit this year, and the year's last day."""
    if not user.has_perm("outreach.view_visit"):
        return None
    count = women_owed_visits(user=user, year=today.year).count()
    if not count:
        return None
    return {
        "count": count,
        "year": today.year,
        "deadline": year_bounds(today.year)[1],
        "per_woman": visits_owed(year=today.year),
    }


def late_villages_todo(*, user, today: dt.date, villages=None, **_kwargs) -> dict | None:
    """Return a township's villages whose registers are past their deadline and not reported yet."""
    if _level(user) != Level.TOWNSHIP or not user.has_perm("outreach.view_registerreport"):
        return None
    table = report_table(user=user, year=today.year, today=today, villages=villages)
    late = [
        (village, [cell for cell in cells if cell.status == ReportStatus.OVERDUE])
        for village, cells in table.rows
    ]
    late = [(village, cells) for village, cells in late if cells]
    return {"villages": late, "count": len(late), "year": today.year} if late else None


def late_townships_todo(*, user, today: dt.date, villages=None, **_kwargs) -> dict | None:
    """Return the county's townships with a village past a register's deadline and not reported yet."""
    if _level(user) != Level.COUNTY or not user.has_perm("outreach.view_registerreport"):
        return None
    table = township_report_table(user=user, year=today.year, today=today, villages=villages)
    late = []
    for township, cells in table.rows:
        overdue = [cell for cell in cells if cell.overdue]
        if overdue:
            late.append((township, [(by_deadline_key(cell.register), cell) for cell in overdue]))
    return {"townships": late, "count": len(late), "year": today.year} if late else None


def village_visits_todo(*, user, today: dt.date, villages=None, **_kwargs) -> dict | None:
    """Return a township's villages whose left-behind women are still owed visits this year."""
    if _level(user) != Level.TOWNSHIP or not user.has_perm("outreach.view_visit"):
        return None
    rows = [
        row for row in visits_by_village(user=user, year=today.year, villages=villages) if row.women_short
    ]
    if not rows:
        return None
    return {
        "villages": rows,
        "count": len(rows),
        "year": today.year,
        "deadline": year_bounds(today.year)[1],
        "per_woman": visits_owed(year=today.year),
    }


add_home_section(
    HomeSection("outreach.visits_todo", "village", "todo", 30, "outreach/home/_visits_todo.html", visits_todo)
)
add_home_section(
    HomeSection(
        "outreach.late_villages",
        "township",
        "todo",
        10,
        "outreach/home/_late_villages.html",
        late_villages_todo,
    )
)
add_home_section(
    HomeSection(
        "outreach.late_townships",
        "township",
        "todo",
        10,
        "outreach/home/_late_townships.html",
        late_townships_todo,
    )
)
add_home_section(
    HomeSection(
        "outreach.village_visits",
        "township",
        "todo",
        20,
        "outreach/home/_village_visits.html",
        village_visits_todo,
    )
)


# --- reminders before a register's deadline --------------------------------------------------------


def deadlines_due(*, today: dt.date, until: dt.date) -> list[Due]:
    """Return the registers due after ``today`` and by ``until`` that a village has not reported yet:
    one item a village (its directors) and one a township (its staff and chair), by register."""
    items: list[Due] = []
    villages = list(Village.objects.select_related("township").order_by("code"))
    directors, township_users = who_answers()
    for year in sorted({today.year, until.year}):
        due = {key: day for key, day in register_deadlines(year).items() if today < day <= until}
        if not due:
            continue
        reported = set(
            RegisterReport.objects.filter(year=year, register__in=list(due)).values_list(
                "village_id", "register"
            )
        )
        report_url = f"{reverse('outreach:report_list')}?year={year}"
        for register, due_on in due.items():
            declared = by_deadline_key(register)
            title = str(declared.title) if declared else register
            open_by_township: dict = {}
            for village in villages:
                if (village.pk, register) in reported:
                    continue
                open_by_township.setdefault(village.township, []).append(village)
                items.append(
                    Due(
                        key=f"deadline:{year}:{register}:village{village.pk}",
                        due_on=due_on,
                        user_ids=tuple(directors.get(village.pk, ())),
                        message=_village_message(title, due_on),
                        url=reverse("home") + "#reports-due",
                    )
                )
            for township, open_villages in open_by_township.items():
                items.append(
                    Due(
                        key=f"deadline:{year}:{register}:township{township.pk}",
                        due_on=due_on,
                        user_ids=tuple(township_users.get(township.pk, ())),
                        message=_township_message(title, due_on, len(open_villages)),
                        url=report_url,
                    )
                )
    return items


def _village_message(title: str, due_on: dt.date):
    return lambda days: (
        _("%(title)s %(month)d月%(day)d日截止上报，还有 %(days)d 天，本村还没有上报。")
        % {
            "title": title,
            "month": due_on.month,
            "day": due_on.day,
            "days": days,
        }
    )


def _township_message(title: str, due_on: dt.date, villages: int):
    return lambda days: (
        _("%(title)s %(month)d月%(day)d日截止上报，还有 %(days)d 天，%(villages)d 个村还没有上报。")
        % {
            "title": title,
            "month": due_on.month,
            "day": due_on.day,
            "days": days,
            "villages": villages,
        }
    )


add_source("outreach.deadlines", deadlines_due)
