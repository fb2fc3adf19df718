"""Pages of visits: the list, the record pages, and who is still owed a visit this year."""

from __future__ import annotations

from django.utils import timezone
from django.views import generic

from federation.core.mixins import ScopedViewMixin
from federation.core.replica import ReadingReplicaMixin
from federation.web.generic import DomainCreateView, YearPageMixin, int_param
from outreach import selectors
from outreach.rules import visits_owed
from outreach.views.units import units_of


class VisitCreateView(DomainCreateView):
    """A new visit; the visitor is the signed-in user unless she changes it."""

    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        initial.setdefault("visitors", user.first_name or user.username)
        return initial


class VisitProgressView(ReadingReplicaMixin, YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """The visits of a year, village by village, and one village's left-behind women with their visits.

    A director sees her village's women, those still owed a visit first. A township sees its
    villages' figures and opens one village (``?village=``) for its women; the county sees its
    townships and opens one (``?township=``) for its villages: a list of a whole township's or
    county's women is no list to work from.
    """

    template_name = "outreach/visit_progress.html"
    permission_required = "outreach.view_visit"

    def year_context(self, year: int) -> dict:
        user = self.request.user
        show_all = self.request.GET.get("all") == "1"
        units = units_of(self.request)
        scope = selectors.villages_of(user, units.township)
        village = None
        if len(scope) == 1:
            village = scope[0]
        elif (chosen := int_param(self.request, "village")) is not None:
            village = next((v for v in scope if v.pk == chosen), None)
        by_township = units.by_township and village is None  # the county's: its townships' kept figures
        rows = selectors.visits_by_village(user=user, year=year, villages=scope, by_township=by_township)
        context = {
            "this_year": timezone.localdate().year,
            "show_all": show_all,
            "per_woman": visits_owed(year=year),
            "villages": rows,
            "by_township": by_township,
            "township": units.township,
            "units": units,
            "village": village,
        }
        if village is not None:
            women = (
                selectors.visit_progress(user=user, year=year)
                if show_all
                else selectors.women_owed_visits(user=user, year=year)
            ).filter(person__village=village)
            context.update(women=women[:500], woman_count=women.count())
        return context
