"""The to-dos of the generic pages on every home: the user's reminders and her imports to confirm."""

from __future__ import annotations

import time

from federation.core import figures
from federation.core.reminders import unread_for
from federation.ledgers.models import ImportRecord
from federation.web.pages import HomeSection, add_home_section


def reminders_todo(*, user, today, **_kwargs) -> dict | None:
    """Return the user's unread reminders (a register's deadline near), None when she has none."""
    reminders = unread_for(user, today)
    return {"reminders": reminders, "count": len(reminders)} if reminders else None


def imports_todo(*, user, **_kwargs) -> dict | None:
    """Return the user's own imports checked and waiting for her 确认导入 (only she may confirm them)."""
    checked = ImportRecord.objects.filter(user=user, status=ImportRecord.Status.CHECKED)
    waiting = list(checked.select_related("village").order_by("created_at", "pk")[:10])
    if not waiting:
        return None
    return {"imports": waiting, "count": len(waiting) if len(waiting) < 10 else checked.count()}


#: A kept figure whose value is when it was kept: forgotten with a village's figures when one of its
#: records changes, so a header's count taken after every marker of her villages still holds.
CHANGE_MARKER = "web.todo_marker"
figures.add_figure(
    figures.Figure(CHANGE_MARKER, lambda ids: dict.fromkeys(ids, time.time()), always_kept=True)
)


for level in ("village", "township"):
    add_home_section(
        HomeSection(
            f"web.reminders.{level}", level, "todo", 0, "federation/home/_reminders.html", reminders_todo
        )
    )
    add_home_section(
        HomeSection(f"web.imports.{level}", level, "todo", 90, "federation/home/_imports.html", imports_todo)
    )
