"""What loans contributes to the core's registries: imported once, by ``loans.apps``."""

import random

from federation.core.demo import add_demo
from federation.web.pages import OverviewChart, add_overview_chart
from loans import permissions  # noqa: F401 - grants the roles their permissions
from registry.demo import counted, demo_township


def _demo(seed: int):
    from loans.demo import seed_loans

    return counted("小额贷款", seed_loans(rng=random.Random(seed), township=demo_township()))


add_demo("loans", _demo, order=40)


def _chart_by_state(*, user, year: int):
    """Return the chart of the applications of ``user``'s scope by state (the overview's)."""
    from django.utils.translation import gettext as _

    from federation.web.charts import Chart
    from loans.selectors import applications_by_state

    by_state = applications_by_state(user=user)
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
