"""What registry puts in the 待办 card of a director's home: the register entries to check again (待核实).

An entry was judged by its register's rules on its entry date; a change since (a birthday past the
age limit, a death, a husband back home, an income above the line, a yearly setting moved) can
leave it no longer fitting. Each entry of the year active today is judged again on today's date by
its own rules (``registry.recheck.proposals``), and the result is kept per village
(``federation.core.figures``, "registry.recheck", by day): forgotten when a record of the village
changes, computed again on the next view, so the home, the header and the township's counts do not
judge every entry every time. The card links to the 待核实 page (``registry:recheck``).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from federation.core import figures
from federation.core.models import Village
from federation.web.pages import HomeSection, add_home_section
from registry.recheck import proposals

#: At most so many entries are listed (the count is of all of them).
LISTED = 10


def entries_to_recheck(village_ids, *, on: str) -> dict[int, list]:
    """Return {village id: [entries proposed for exit on ``on`` (ISO date), [[register, name, the rule's
    message, url], …]]} of the entries of ``village_ids`` active that day (up to ``LISTED`` listed a
    village)."""
    found: dict[int, list] = {}
    day = dt.date.fromisoformat(on)
    for proposal in proposals(village_ids, on=day):
        entry = proposal.entry
        count, listed = found.setdefault(entry.village_id, [0, []])
        found[entry.village_id][0] = count + 1
        if len(listed) < LISTED:
            listed.append(
                [
                    str(proposal.register.title),
                    entry.person.name,
                    str(proposal.exit.problems[0].message),
                    entry.get_absolute_url(),
                ]
            )
    return found


figures.add_figure(figures.Figure("registry.recheck", entries_to_recheck, empty=[0, []], always_kept=True))


def recheck_counts(village_ids, today: dt.date) -> dict[int, int]:
    """Return {village id: how many of its entries are proposed for exit today} (kept figures)."""
    kept = figures.values("registry.recheck", list(village_ids), on=today.isoformat())
    return {pk: value[0] for pk, value in kept.items()}


def recheck_todo(*, user, village, today: dt.date, **_kwargs) -> dict | None:
    """Return the director's entries active today that no longer fit their register (None: none)."""
    if not user.has_perm("registry.view_person"):
        return None
    count, listed = figures.values("registry.recheck", [village.pk], on=today.isoformat())[village.pk]
    if not count:
        return None
    return {"count": count, "entries": listed, "year": today.year, "url": reverse("registry:recheck")}


def township_recheck_todo(*, user, today: dt.date, villages=None, **_kwargs) -> dict | None:
    """Return the villages of a township's user with entries to check again today, and how many each
    (None: none). The roles that keep the registers only: the county reads them."""
    if not user.has_perm("registry.change_leftbehindwoman"):
        return None
    if villages is None:
        villages = Village.objects.for_user(user).order_by("code")
    villages = list(villages)
    counts = recheck_counts([v.pk for v in villages], today)
    rows = [(village, counts[village.pk]) for village in villages if counts.get(village.pk)]
    if not rows:
        return None
    return {
        "villages": rows,
        "count": len(rows),
        "total": sum(n for _v, n in rows),
        "year": today.year,
        "url": reverse("registry:recheck"),
    }


add_home_section(
    HomeSection("registry.recheck", "village", "todo", 25, "registry/home/_recheck.html", recheck_todo)
)
add_home_section(
    HomeSection(
        "registry.recheck_villages",
        "township",
        "todo",
        25,
        "registry/home/_recheck_villages.html",
        township_recheck_todo,
    )
)
