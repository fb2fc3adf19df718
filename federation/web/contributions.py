"""What the generic pages add themselves: the menu's home, imports and admin; a person's registers
and her history."""

from collections import defaultdict
from itertools import groupby

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from federation.core import history, policy
from federation.core.masking import is_birth_field, is_id_number_field, is_phone_field
from federation.core.models import year_settings
from federation.ledgers.imports.framework import may_import
from federation.ledgers.packs import may_build
from federation.web import todos  # noqa: F401 - the to-dos of every home (reminders, imports)
from federation.web.pages import (
    MenuEntry,
    MenuGroup,
    PersonSection,
    add_menu_entry,
    add_menu_group,
    add_person_section,
)
from federation.web.registers import on_person_page

add_menu_group(MenuGroup("home", _("首页"), 0, url_name="home"))
add_menu_group(MenuGroup("imports", _("导入"), 40, url_name="imports:start", shown=may_import))
add_menu_group(MenuGroup("admin", _("管理"), 90, url_name="admin:index", shown=lambda user: user.is_staff))
# The inspection pack (迎检材料, federation.ledgers.packs): the period's ledgers in one ZIP, after 年度归档.
add_menu_entry(MenuEntry("registers", _("迎检材料"), "exports:pack", 95, section=2, shown=may_build))


def _person_registers(*, person, user):
    """Return a person's entries in the registers shown on her page, by year (latest first; this
    year's are active, an earlier year's ended with its year), and the registers she fits and is
    not entered in this year.

    One query a register she may read, one for the year's settings.
    """
    this_year = timezone.localdate().year
    settings = year_settings(this_year)
    entries, offered, readable = [], [], False
    for register in on_person_page():
        own = []
        if user.has_perm(register.view_permission):
            readable = True
            own = [(register, entry) for entry in register.entries_of(person, user)]
            entries += own
        entered = any(getattr(entry, "year", None) == this_year for _register, entry in own)
        if (
            not entered
            and user.has_perm(register.add_permission)
            and register.offered_to(person, settings=settings)
        ):
            offered.append((register, f"{reverse(register.url_name('create'))}?person={person.pk}"))
    entries.sort(key=lambda pair: -(getattr(pair[1], "year", None) or 0))
    years = [
        {"year": year, "active": year == this_year, "entries": list(rows)}
        for year, rows in groupby(entries, key=lambda pair: getattr(pair[1], "year", None))
    ]
    if not (readable or offered):
        return None
    return {"years": years, "offered": offered, "this_year": this_year}


add_person_section(PersonSection("registers", 10, "federation/_person_registers.html", _person_registers))


# -- her history -----------------------------------------------------------------------------------

KINDS = {"created": _("登记"), "changed": _("修改"), "deleted": _("删除"), "restored": _("恢复")}


def _shown_value(field: models.Field, value, *, user, related: dict) -> str:
    """Return a stored value of ``field`` as ``user`` may read it (masked as everywhere else)."""
    if value in (None, ""):
        return "—"
    if is_id_number_field(field.name):
        return policy.id_number_for(user, value)
    if is_phone_field(field.name):
        return policy.phone_for(user, value)
    if is_birth_field(field.name) and not policy.can_see_full_id_number(user):
        return _g("（不显示）")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return str(related.get((field.related_model, value), "—"))
    if value is True:
        return _g("是")
    if value is False:
        return _g("否")
    return str(value)


def _related(events) -> dict:
    """Return the records the events' foreign keys name, by (model, id): one query a model."""
    wanted = defaultdict(set)
    for event in events:
        for change in event.changes:
            if isinstance(change.field, models.ForeignKey):
                wanted[change.field.related_model] |= {v for v in (change.old, change.new) if v is not None}
    return {
        (model, pk): obj
        for model, ids in wanted.items()
        for pk, obj in model._base_manager.in_bulk(list(ids)).items()
    }


def _person_history(*, person, user):
    """Return her record's history as a timeline: when, who, what (values masked for a masked role)."""
    events = history.events(person, limit=30)
    related = _related(events)
    rows = []
    for event in events:
        user_row = event.user
        rows.append(
            {
                "at": event.at,
                "who": (user_row.get_full_name() or user_row.get_username()) if user_row else _g("系统"),
                "kind": KINDS[event.kind],
                "reason": event.reason,
                "changes": [
                    (
                        change.field.verbose_name,
                        _shown_value(change.field, change.old, user=user, related=related),
                        _shown_value(change.field, change.new, user=user, related=related),
                    )
                    for change in event.changes
                ],
            }
        )
    return {"events": rows} if rows else None


add_person_section(PersonSection("history", 90, "federation/_person_history.html", _person_history))
