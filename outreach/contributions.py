"""What outreach contributes to the core's registries: imported once, by ``outreach.apps``."""

import random

from federation.core.demo import add_demo
from federation.web.pages import HomeSection, add_home_section
from outreach import (
    permissions,  # noqa: F401 - grants the roles their permissions
    selectors,
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
