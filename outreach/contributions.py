"""What outreach contributes to the core's registries: imported once, by ``outreach.apps``."""

import random

from django.utils.translation import gettext_lazy as _

from federation.core.demo import add_demo
from federation.web.pages import (
    HomeSection,
    MenuEntry,
    MenuGroup,
    add_home_section,
    add_menu_entry,
    add_menu_group,
)
from federation.web.registers import declare_package
from outreach import (
    api,  # noqa: F401 - what its resources of the API take from its pages
    permissions,  # noqa: F401 - grants the roles their permissions
    person_file,  # noqa: F401 - a person's file: her visits, screenings, petitions and teams
    selectors,
    todos,  # noqa: F401 - its to-dos on every home and the deadlines' reminders
)
from registry.demo import counted, demo_township


def _demo(seed: int):
    from outreach.demo import seed_outreach

    return counted("走访与服务", seed_outreach(rng=random.Random(seed), township=demo_township()))


add_demo("outreach", _demo, order=30)


add_home_section(
    HomeSection(
        "outreach.visits", "village", "cards", 10, "outreach/home/_visits.html", selectors.home_visits
    )
)
add_home_section(
    HomeSection(
        "outreach.reports_due",
        "village",
        "todo",
        10,
        "outreach/home/_reports_due.html",
        selectors.home_reports_due,
    )
)
add_home_section(
    HomeSection(
        "outreach.township",
        "township",
        "figures",
        10,
        "outreach/home/_township_figures.html",
        selectors.home_township,
        permissions=("outreach.view_overview",),
    )
)

add_menu_group(MenuGroup("outreach", _("走访与服务"), 50))
# The registers' own entries (visits, screening, teams, activities, petitions) come with their
# declarations (outreach/registers/); these are the pages of outreach that are no register.
for entry in (
    MenuEntry("outreach", _("概览图表"), "outreach:overview", 0, 0, ("outreach.view_overview",)),
    MenuEntry("outreach", _("走访进度"), "outreach:visit_progress", 1, 1, ("outreach.view_visit",)),
    MenuEntry("outreach", _("两癌统计"), "outreach:screening_statistics", 4, 1, ("outreach.view_screening",)),
    MenuEntry("outreach", _("讲座培训进度"), "outreach:lecture_progress", 10, 4, ("outreach.view_lecture",)),
    MenuEntry(
        "outreach",
        _("最美家庭公示"),
        "outreach:honournotice_list",
        11,
        4,
        ("outreach.view_honournomination",),
    ),
    MenuEntry("outreach", _("台账上报"), "outreach:report_list", 8, 3, ("outreach.view_registerreport",)),
):
    add_menu_entry(entry)

declare_package("outreach.registers")
