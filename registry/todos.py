"""What registry puts in the 待办 card of a director's home: the register entries to check again.

An entry was judged by its register's rules when it was saved; a change since (a birthday past the
age limit on the year's reference date, a death, a husband back home, an income above the line, a
yearly setting moved) can leave it no longer fitting. Each entry of the year is judged again by its
own rules (``RegisterEntry.problems``, beside the models), and the result is kept per village
(``federation.core.figures``, "registry.recheck"): forgotten when a record of the village changes,
computed again on the next view, so the home and the header do not judge every entry every time.
"""

from __future__ import annotations

import datetime as dt

from federation.core import figures
from federation.core.models import yearly_values_kept
from federation.web.pages import HomeSection, add_home_section
from federation.web.registers import registers
from registry.models.registers import RegisterEntry
from registry.rules import judged_together

#: At most so many entries are listed (the count is of all of them).
LISTED = 10


def _entry_registers() -> list:
    return [r for r in registers if r.model is not None and issubclass(r.model, RegisterEntry)]


def entries_to_recheck(village_ids, *, year: int) -> dict[int, list]:
    """Return {village id: [entries failing their rules, [[register, name, first problem, url], …]]}
    of ``year``'s entries of ``village_ids`` not ended (up to ``LISTED`` listed a village)."""
    found: dict[int, list] = {}
    with yearly_values_kept():
        for register in _entry_registers():
            _recheck(register, village_ids, year, found)
    return found


def _recheck(register, village_ids, year: int, found: dict[int, list]) -> None:
    """Judge ``year``'s entries of ``register`` in ``village_ids`` into ``found`` (a few queries: the
    entries, then their households' members and incomes, whatever their number)."""
    entries = judged_together(
        register.model.objects.filter(year=year, village_id__in=village_ids, exited_on__isnull=True).order_by(
            "person__group_number", "person__name", "pk"
        )
    )
    for entry in entries:
        problems = entry.problems()
        if not problems:
            continue
        count, listed = found.setdefault(entry.village_id, [0, []])
        found[entry.village_id][0] = count + 1
        if len(listed) < LISTED:
            listed.append(
                [
                    str(register.title),
                    entry.person.name,
                    str(problems[0].message),
                    entry.get_absolute_url(),
                ]
            )


figures.add_figure(figures.Figure("registry.recheck", entries_to_recheck, empty=[0, []], always_kept=True))


def recheck_todo(*, user, village, today: dt.date, **_kwargs) -> dict | None:
    """Return the director's entries of this year that no longer fit their register (None: none)."""
    if not user.has_perm("registry.view_person"):
        return None
    count, listed = figures.values("registry.recheck", [village.pk], year=today.year)[village.pk]
    if not count:
        return None
    return {"count": count, "entries": listed, "year": today.year}


add_home_section(
    HomeSection("registry.recheck", "village", "todo", 25, "registry/home/_recheck.html", recheck_todo)
)
