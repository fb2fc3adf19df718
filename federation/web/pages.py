"""What the apps contribute to the shared pages: the menu, the home pages, a person's page, the overview.

The pages here and in the apps read these registries and never name an app. Each contribution
says who may see it (permissions, or a ``shown`` test of the user) and where it goes (``order``).
Apps add theirs from the modules their ``AppConfig.ready()`` imports (``<app>/contributions.py``),
and a register declaration (``federation.web.registers``) adds its menu entry and person-page
section by itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from federation.core import figures
from federation.core.addresses import kept_reverse
from federation.core.registries import Registry

UserTest = Callable[[Any], bool]


def _allowed(user: Any, permissions: Sequence[str], shown: UserTest | None) -> bool:
    if not all(user.has_perm(p) for p in permissions):
        return False
    return shown is None or bool(shown(user))


# -- the menu --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuGroup:
    """A top-level entry of the menu: a dropdown of entries, or one link when it has a ``url_name``."""

    key: str
    label: str
    order: int
    url_name: str = ""
    permissions: tuple[str, ...] = ()
    shown: UserTest | None = None


@dataclass(frozen=True)
class MenuEntry:
    """A link in a group's dropdown; entries of a group are ordered by ``order`` and split by ``section``."""

    group: str
    label: str
    url_name: str
    order: int
    section: int = 0
    permissions: tuple[str, ...] = ()
    shown: UserTest | None = None
    query: str = ""

    @property
    def key(self) -> str:
        return f"{self.group}:{self.url_name}:{self.query}"


menu_groups: Registry[MenuGroup] = Registry("menu group")
menu_entries: Registry[MenuEntry] = Registry("menu entry")


def add_menu_group(group: MenuGroup) -> MenuGroup:
    return menu_groups.add(group.key, group)


def add_menu_entry(entry: MenuEntry) -> MenuEntry:
    return menu_entries.add(entry.key, entry)


@dataclass(frozen=True)
class ShownEntry:
    label: str
    url: str
    divider_before: bool = False


@dataclass(frozen=True)
class ShownGroup:
    label: str
    url: str = ""
    entries: tuple[ShownEntry, ...] = ()


def _url(url_name: str, query: str = "") -> str | None:
    """Return the address of a menu link (None where its page does not exist), worked out once a
    process: the menu is on every page, and its 30-odd ``reverse`` calls were half its time."""
    url = kept_reverse(url_name)
    return f"{url}?{query}" if url and query else url


def menu_for(user: Any) -> list[ShownGroup]:
    """Return the menu ``user`` sees: each group she may open, with the entries she may follow.

    A dropdown with no entry for her is left out, as is anything whose page does not exist.
    """
    shown: list[ShownGroup] = []
    for group in menu_groups.sorted(key=lambda g: g.order):
        if not _allowed(user, group.permissions, group.shown):
            continue
        if group.url_name:
            url = _url(group.url_name)
            if url is not None:
                shown.append(ShownGroup(label=str(group.label), url=url))
            continue
        entries: list[ShownEntry] = []
        last_section = None
        own = [e for e in menu_entries if e.group == group.key]
        for entry in sorted(own, key=lambda e: (e.section, e.order)):
            if not _allowed(user, entry.permissions, entry.shown):
                continue
            url = _url(entry.url_name, entry.query)
            if url is None:
                continue
            divider = last_section is not None and entry.section != last_section
            entries.append(ShownEntry(label=str(entry.label), url=url, divider_before=divider))
            last_section = entry.section
        if entries:
            shown.append(ShownGroup(label=str(group.label), entries=tuple(entries)))
    return shown


# -- home pages ------------------------------------------------------------------------------------

#: Where a section goes on a home page: the figures at the top, cards in the middle, to-dos in
#: the 待办 card, buttons at the bottom.
PLACES = ("figures", "cards", "todo", "actions")


@dataclass(frozen=True)
class HomeSection:
    """A part of a home page: ``template`` rendered with ``data``, what ``context`` returns.

    ``level`` is "village" (a director's home, ``context(user=, village=, today=)``) or "township"
    (the home of the roles that see several villages, ``context(user=, today=)``, and ``villages=``:
    the villages she sees with their townships, in code order, when the home has read them; the
    header's count does not pass them). ``context``
    returns None to leave the section out. In the 待办 card a section's data says how many to-dos
    it holds (``data["count"]``): the card says 暂无待办事项 when none has any.
    """

    key: str
    level: str
    place: str
    order: int
    template: str
    context: Callable[..., Mapping[str, Any] | None]
    permissions: tuple[str, ...] = ()


home_sections: Registry[HomeSection] = Registry("home section")


def add_home_section(section: HomeSection) -> HomeSection:
    if section.place not in PLACES or section.level not in ("village", "township"):
        raise ValueError(f"home section {section.key!r}: unknown place or level")
    return home_sections.add(section.key, section)


@dataclass(frozen=True)
class ShownSection:
    template: str
    data: Mapping[str, Any]


def home_page(user: Any, *, level: str, today: dt.date, **kwargs: Any) -> dict[str, list[ShownSection]]:
    """Return the sections of a home page by place, each with the data its template shows."""
    places: dict[str, list[ShownSection]] = {place: [] for place in PLACES}
    sections = [s for s in home_sections if s.level == level]
    for section, shown in _shown(sections, user=user, today=today, **kwargs):
        places[section.place].append(shown)
    return places


def todo_count(user: Any, *, level: str, today: dt.date, **kwargs: Any) -> int:
    """Return how many to-dos the 待办 card of this home holds: its sections' ``data["count"]`` summed
    (the count the page header shows beside the user's name)."""
    sections = [s for s in home_sections if s.level == level and s.place == "todo"]
    shown = _shown(sections, user=user, today=today, **kwargs)
    return sum(int(section.data.get("count") or 0) for _section, section in shown)


def _shown(sections, **context: Any):
    """Yield (section, what it shows) of each section the context's user may see that shows something."""
    for section in sorted(sections, key=lambda s: s.order):
        if not _allowed(context["user"], section.permissions, None):
            continue
        data = section.context(**context)
        if data is not None:
            yield section, ShownSection(section.template, data)


@dataclass(frozen=True)
class VillageFigure:
    """A column of the villages table of the township's home: ``counts(village_ids)`` -> {village id: n}.

    Each village's count is kept between views (``federation.core.figures``, "home.<key>").
    """

    key: str
    label: str
    order: int
    counts: Callable[[Sequence[int]], Mapping[int, int]]
    permissions: tuple[str, ...] = ()
    #: A list page that takes ``?village=``: the village's name links to the first such page.
    url_name: str = ""

    @property
    def stored_name(self) -> str:
        return f"home.{self.key}"


village_figures: Registry[VillageFigure] = Registry("village figure")


def add_village_figure(figure: VillageFigure) -> VillageFigure:
    figures.add_figure(
        figures.Figure(
            figure.stored_name,
            lambda ids: figure.counts(ids),
            refresh_params=lambda today: [{}],
            combine=figures.summed,
        )
    )
    return village_figures.add(figure.key, figure)


def village_figures_for(
    user: Any, villages: Sequence[Any], *, by_township: bool = False
) -> list[tuple[VillageFigure, list[tuple[Any, int]]]]:
    """Return each figure ``user`` may see with its (village, count) for ``villages`` (the villages she
    sees), or, ``by_township``, its (township, count) for each of their townships (the county's home:
    kept per township, ``federation.core.figures.township_values``)."""
    return [
        (figure, figures.unit_values(figure.stored_name, villages, by_township=by_township))
        for figure in village_figures.sorted(key=lambda f: f.order)
        if _allowed(user, figure.permissions, None)
    ]


# -- a person's page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSection:
    """A part of a person's page: ``template`` with ``context(person=, user=)`` (None leaves it out).

    ``context`` reads through the scoping rule (``for_user``); ``permissions`` are what seeing the
    part at all takes. Its data may name ``reads``: (``federation.core.access.Kind``, record) pairs
    that showing it is a read of (a screening's result), which the page records in the access log.
    """

    key: str
    order: int
    template: str
    context: Callable[..., Mapping[str, Any] | None]
    permissions: tuple[str, ...] = ()


person_sections: Registry[PersonSection] = Registry("person section")


def add_person_section(section: PersonSection) -> PersonSection:
    return person_sections.add(section.key, section)


def person_page(person: Any, user: Any) -> list[ShownSection]:
    """Return the sections of ``person``'s page that ``user`` may see, in order."""
    return [shown for _section, shown in _shown(person_sections, person=person, user=user)]


# -- the overview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverviewChart:
    """A chart another app adds to the township overview: ``chart(user=, year=, township=)`` -> a Chart
    or None; ``township`` is the one the county viewer opened (``?township=``), else None."""

    key: str
    order: int
    chart: Callable[..., Any]
    permissions: tuple[str, ...] = ()


overview_charts: Registry[OverviewChart] = Registry("overview chart")


def add_overview_chart(chart: OverviewChart) -> OverviewChart:
    return overview_charts.add(chart.key, chart)


def overview_charts_for(user: Any, *, year: int, township: Any = None) -> list[Any]:
    """Return the contributed charts ``user`` may see for ``year`` (of ``township`` alone when given)."""
    charts = []
    for item in overview_charts.sorted(key=lambda c: c.order):
        if _allowed(user, item.permissions, None):
            chart = item.chart(user=user, year=year, township=township)
            if chart is not None:
                charts.append(chart)
    return charts
