"""What the generic pages add themselves: the menu's home, imports and admin; a person's registers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from federation.ledgers.imports.framework import may_import
from federation.web import todos  # noqa: F401 - the to-dos of every home (reminders, imports)
from federation.web.pages import MenuGroup, PersonSection, add_menu_group, add_person_section
from federation.web.registers import on_person_page

add_menu_group(MenuGroup("home", _("首页"), 0, url_name="home"))
add_menu_group(MenuGroup("imports", _("导入"), 40, url_name="imports:start", shown=may_import))
add_menu_group(MenuGroup("admin", _("管理"), 90, url_name="admin:index", shown=lambda user: user.is_staff))


def _person_registers(*, person, user):
    """Return a person's entries in the registers shown on her page, and the registers she can enter."""
    entries, offered = [], []
    for register in on_person_page():
        if user.has_perm(register.view_permission):
            entries += [(register, entry) for entry in register.entries_of(person, user)]
        if user.has_perm(register.add_permission) and register.offered_to(person):
            offered.append((register, f"{reverse(register.url_name('create'))}?person={person.pk}"))
    return {"entries": entries, "offered": offered} if entries or offered else None


add_person_section(PersonSection("registers", 10, "federation/_person_registers.html", _person_registers))
