"""What loans contributes to the core's registries: imported once, by ``loans.apps``."""

import random

from django.utils.translation import gettext_lazy as _

from federation.core import access
from federation.core.demo import add_demo
from federation.web.pages import (
    MenuEntry,
    MenuGroup,
    OverviewChart,
    add_menu_entry,
    add_menu_group,
    add_overview_chart,
)
from loans import (
    api,  # noqa: F401 - its resource of the API: the applications and their steps
    permissions,  # noqa: F401 - grants the roles their permissions
    person_file,  # noqa: F401 - a person's file: her loans with their steps
    todos,  # noqa: F401 - the loans waiting on every home
)
from loans.states import takes_steps
from registry.demo import counted, demo_township


def _demo(seed: int):
    from loans.demo import seed_loans

    return counted("小额贷款", seed_loans(rng=random.Random(seed), township=demo_township()))


add_demo("loans", _demo, order=40)
access.person_of.add("loans.loanapplication", lambda application: application.applicant_id)
access.person_of.add("loans.attachment", lambda attachment: attachment.application.applicant_id)


def _chart_by_state(*, user, year: int, township=None):
    """Return the chart of the applications of ``user``'s scope (of ``township`` when given) by state."""
    from django.utils.translation import gettext as _

    from federation.web.charts import Chart
    from loans.selectors import applications_by_state

    by_state = applications_by_state(user=user, township=township)
    return Chart(
        title=_("小额担保贷款申请（按状态）"),
        rows=[str(label) for label in by_state],
        series=[_("申请数")],
        values=[[n] for n in by_state.values()],
        row_heading=_("状态"),
    )


add_overview_chart(
    OverviewChart(
        key="loans.by_state", order=10, chart=_chart_by_state, permissions=("loans.view_loanapplication",)
    )
)


add_menu_group(MenuGroup("loans", _("小额贷款"), 60, permissions=("loans.view_loanapplication",)))
for entry in (
    MenuEntry("loans", _("待办贷款"), "loans:application_queue", 0, shown=takes_steps),
    MenuEntry("loans", _("贷款申请"), "loans:application_list", 1),
    MenuEntry(
        "loans", _("填写贷款申请"), "loans:application_create", 2, permissions=("loans.add_loanapplication",)
    ),
    MenuEntry("loans", _("贷款台账"), "loans:ledger", 3, section=1),
    MenuEntry("loans", _("财政贴息汇总"), "loans:subsidy", 4, section=1),
    MenuEntry("loans", _("签字核验"), "loans:verify", 5, section=1, permissions=("loans.verify_signatures",)),
):
    add_menu_entry(entry)
