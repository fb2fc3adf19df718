"""What registry contributes to the core's registries: imported once, by ``registry.apps``."""

import random

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core import access
from federation.core.demo import add_demo
from federation.web.pages import (
    HomeSection,
    MenuEntry,
    MenuGroup,
    VillageFigure,
    add_home_section,
    add_menu_entry,
    add_menu_group,
    add_village_figure,
)
from federation.web.registers import declare_package
from registry import (
    api,  # noqa: F401 - its resources of the API: households, the persons' form
    demo,
    permissions,  # noqa: F401 - grants the roles their permissions
    person_file,  # noqa: F401 - a person's file: her household and family
    selectors,
    todos,  # noqa: F401 - its to-dos on the director's home
)
from registry.demo_registers import seed_registers
from registry.models import Household, Person


def _registers(seed: int):
    year = timezone.localdate().year
    count = seed_registers(rng=random.Random(seed), township=demo.demo_township(), year=year)
    return demo.counted("台账登记", count)


add_demo("registry", demo.township_report, order=10)
add_demo("registry.registers", _registers, order=20)


add_home_section(
    HomeSection(
        "registry.figures", "village", "figures", 10, "registry/home/_figures.html", selectors.village_figures
    )
)
add_home_section(
    HomeSection(
        "registry.missing_id",
        "village",
        "todo",
        20,
        "registry/home/_missing_id.html",
        selectors.missing_id_todo,
    )
)
add_home_section(
    HomeSection("registry.actions", "village", "actions", 10, "registry/home/_actions.html", dict)
)
add_village_figure(
    VillageFigure(
        "registry.households", _("户数"), 10, lambda ids: selectors.counts_by_village(Household, ids)
    )
)
add_village_figure(
    VillageFigure(
        "registry.persons",
        _("居民"),
        20,
        lambda ids: selectors.counts_by_village(Person, ids),
        url_name="registry:person_list",
    )
)

add_menu_group(
    MenuGroup(
        "households",
        _("户籍"),
        10,
        url_name="registry:household_list",
        permissions=("registry.view_household",),
    )
)
add_menu_group(
    MenuGroup(
        "persons", _("居民"), 20, url_name="registry:person_list", permissions=("registry.view_person",)
    )
)
add_menu_group(MenuGroup("registers", _("台账"), 30, permissions=("registry.view_person",)))
# The year-end snapshots of the yearly registers (federation.ledgers.archives), after the registers.
add_menu_entry(
    MenuEntry(
        "registers",
        _("年度归档"),
        "archives:list",
        90,
        section=2,
        permissions=("ledgers.view_ledgerarchive",),
    )
)

# 待核实 (registry.views.recheck): the entries the facts no longer fit, for those who keep the registers.
add_menu_entry(
    MenuEntry(
        "registers",
        _("待核实"),
        "registry:recheck",
        80,
        section=2,
        permissions=("registry.change_leftbehindwoman",),
    )
)

add_menu_group(
    MenuGroup("access_log", _("访问记录"), 80, url_name="registry:access_log", shown=access.may_search)
)
access.person_of.add("registry.person", lambda person: person.pk)

declare_package("registry.registers")
api.search_person_registers()
