"""Pages of two-cancer screening: individual records for roles with the health-data permission,
statistics (counts only) for every role that may view screening."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.views import generic

from federation.core import access
from federation.core.mixins import ScopedViewMixin
from federation.core.replica import ReadingReplicaMixin
from federation.web import charts
from federation.web.generic import DomainDetailView, DomainUpdateView, YearPageMixin
from outreach import selectors
from outreach.models import ScreeningKind, ScreeningResult
from outreach.views.units import units_of


class ScreeningStatisticsView(ReadingReplicaMixin, YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """Two-cancer statistics per village and year: numbers only, for the county viewer too."""

    template_name = "outreach/screening_statistics.html"
    permission_required = "outreach.view_screening"

    def year_context(self, year: int) -> dict:
        units = units_of(self.request)
        statistics = selectors.screening_statistics(
            user=self.request.user, year=year, township=units.township, by_township=units.by_township
        )
        return {
            "statistics": statistics,
            "units": units,
            "results_chart": screening_results_chart(statistics),
            "coverage_chart": coverage_chart(statistics, units.label),
        }


def screening_results_chart(statistics: selectors.ScreeningStatistics) -> charts.Chart:
    """Return the chart of screening results of a year: one bar per result, split by screening kind."""
    return charts.Chart(
        title=_("%(year)s 年两癌检查结果（人次）") % {"year": statistics.year},
        rows=[label for _value, label in ScreeningResult.choices],
        series=[label for _value, label in ScreeningKind.choices],
        values=[
            [statistics.results.get((result, kind), 0) for kind in ScreeningKind.values]
            for result in ScreeningResult.values
        ],
        row_heading=_("检查结果"),
    )


def coverage_chart(statistics: selectors.ScreeningStatistics, unit: str = "村") -> charts.Chart:
    """Return the chart of eligible women screened against eligible women, per village (or township)."""
    return charts.Chart(
        title=_("%(year)s 年两癌检查：适龄妇女已检查 / 适龄妇女（人）") % {"year": statistics.year},
        rows=[row.village.name for row in statistics.rows],
        series=[_("已检查"), _("适龄妇女")],
        values=[[row.screened_eligible, row.eligible] for row in statistics.rows],
        row_heading=unit,
        progress=True,
        rate_heading=_("检查率"),
    )


class _ScreeningReadMixin(access.RecordsReadMixin):
    """A page showing one woman's screening results: recorded in the access log."""

    access_kind = access.Kind.SCREENING

    def get_queryset(self):
        return super().get_queryset().select_related("person")  # the log's village, with no query


class ScreeningDetailView(_ScreeningReadMixin, DomainDetailView):
    pass


class ScreeningUpdateView(_ScreeningReadMixin, DomainUpdateView):
    pass
