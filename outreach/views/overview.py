"""The township overview (charts a person would rather look at than read) and register reports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.views import generic

from federation.core.mixins import ScopedViewMixin
from federation.core.models import Village
from federation.core.replica import ReadingReplicaMixin
from federation.core.scoping import get_for_user_or_404
from federation.web import charts
from federation.web.generic import YearPageMixin, safe_next, year_choices, year_param
from federation.web.pages import overview_charts_for
from federation.web.registers import by_deadline_key, counted
from outreach import selectors
from outreach.models import register_deadlines
from outreach.rules import ReportStatus, report_status
from outreach.services import register_report_mark
from outreach.views.screening import coverage_chart, screening_results_chart
from outreach.views.units import units_of


def registered_chart(rows: list, year: int, unit: str = "村") -> charts.Chart:
    """Return the chart of people in each yearly register, per village (or per township: ``unit``)."""
    registers = counted()
    return charts.Chart(
        title=_g("%(year)s 年度各%(unit)s登记人数") % {"year": year, "unit": unit},
        rows=[village.name for village, _counts in rows],
        series=[str(r.title) for r in registers],
        values=[[counts[r.name] for r in registers] for _village, counts in rows],
        row_heading=unit,
    )


def visits_chart(rows: list[selectors.VillageVisits], year: int, unit: str = "村") -> charts.Chart:
    """Return the chart of visits done against visits owed to left-behind women, per village (or township)."""
    return charts.Chart(
        title=_g("%(year)s 年留守妇女走访：已走访 / 应走访（次）") % {"year": year},
        rows=[row.village.name for row in rows],
        series=[_g("已走访"), _g("应走访")],
        values=[[row.done, row.owed] for row in rows],
        row_heading=unit,
        progress=True,
    )


class OverviewView(ReadingReplicaMixin, ScopedViewMixin, generic.TemplateView):
    """The township's (or county's) year at a glance, village by village."""

    template_name = "outreach/overview.html"
    permission_required = "outreach.view_overview"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        year = year_param(self.request)
        units = units_of(self.request)
        # the villages read once, for every figure below
        scope = {"user": user, "villages": selectors.villages_of(user, units.township)}
        # the county's: township by township, from the townships' kept figures
        kept = {**scope, "by_township": units.by_township}
        visits = selectors.visits_by_village(year=year, **kept)
        statistics = selectors.screening_statistics(year=year, **kept)
        petitions = selectors.open_petitions_by_village(**kept)
        registered = selectors.registered_by_village(year=year, **kept)
        if units.by_township:
            table = selectors.township_report_table(year=year, **scope)
            late_count = sum(cell.late + cell.overdue for _township, cells in table.rows for cell in cells)
        else:
            table = selectors.report_table(year=year, **scope)
            late_count = table.count(ReportStatus.LATE) + table.count(ReportStatus.OVERDUE)
        context.update(
            year=year,
            years=year_choices(year),
            units=units,
            registered_chart=registered_chart(registered, year, units.label),
            visits_chart=visits_chart(visits, year, units.label),
            visits_done=sum(row.done for row in visits),
            visits_owed=sum(row.owed for row in visits),
            screening_chart=screening_results_chart(statistics),
            coverage_chart=coverage_chart(statistics, units.label),
            statistics=statistics,
            other_charts=overview_charts_for(user, year=year, township=units.township),
            reports=table,
            late_count=late_count,
            petitions=petitions,
            open_petitions=sum(row.open for row in petitions),
        )
        return context


class ReportListView(YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """The village × register table of a year; a director marks her village's registers reported."""

    template_name = "outreach/report_list.html"
    permission_required = "outreach.view_registerreport"

    def year_context(self, year: int) -> dict:
        units = units_of(self.request)
        user = self.request.user
        if units.by_township:
            table = selectors.township_report_table(user=user, year=year)
        else:
            table = selectors.report_table(user=user, year=year, township=units.township)
        return {
            "reports": table,
            "units": units,
            "deadline_summary": selectors.deadline_summary(table),
            "single": len(table.rows) == 1,
            "can_mark": self.request.user.has_perm("outreach.add_registerreport"),
        }


class ReportMarkView(ScopedViewMixin, generic.TemplateView):
    """GET asks to confirm that a register is complete and handed in; POST records it."""

    template_name = "outreach/report_confirm.html"
    permission_required = "outreach.add_registerreport"

    def dispatch(self, request, *args, **kwargs):
        if by_deadline_key(kwargs["register"]) is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def village(self) -> Village:
        return get_for_user_or_404(Village, self.request.user, pk=self.kwargs["village"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = year_param(self.request)
        village = self.village()
        register = self.kwargs["register"]
        due_on = register_deadlines(year)[register]
        today = timezone.localdate()
        context.update(
            year=year,
            village=village,
            register=register,
            register_label=by_deadline_key(register).title,
            due_on=due_on,
            late=report_status(due_on=due_on, reported_on=today, today=today) == ReportStatus.LATE,
            size=selectors.register_size(
                user=self.request.user, village=village, year=year, register=register
            ),
            next=safe_next(self.request),
        )
        return context

    def post(self, request, *args, **kwargs):
        year = year_param(request)
        report, created = register_report_mark(
            user=request.user, village=self.village(), year=year, register=kwargs["register"]
        )
        if created:
            messages.success(
                request,
                _g("已上报：%(village)s %(year)s 年度%(register)s。")
                % {"village": report.village.name, "year": year, "register": report.get_register_display()},
            )
        else:
            messages.info(request, _g("这本台账本年度已经上报过，无需重复上报。"))
        return HttpResponseRedirect(safe_next(request) or f"{reverse('outreach:report_list')}?year={year}")


urlpatterns = [
    path("overview/", OverviewView.as_view(), name="overview"),
    path("reports/", ReportListView.as_view(), name="report_list"),
    path("reports/<int:village>/<slug:register>/", ReportMarkView.as_view(), name="report_mark"),
]
