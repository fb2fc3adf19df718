"""Pages of visits: the list, the record pages, and who is still owed a visit this year."""

from __future__ import annotations

from django.utils import timezone
from django.views import generic

from federation.core.mixins import ScopedViewMixin
from federation.web.generic import DomainCreateView, YearPageMixin
from outreach import selectors
from outreach.rules import visits_owed


class VisitCreateView(DomainCreateView):
    """A new visit; the visitor is the signed-in user unless she changes it."""

    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        initial.setdefault("visitors", user.first_name or user.username)
        return initial


class VisitProgressView(YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """The left-behind women of a year and their visits that year; those still owed one first."""

    template_name = "outreach/visit_progress.html"
    permission_required = "outreach.view_visit"

    def year_context(self, year: int) -> dict:
        user = self.request.user
        show_all = self.request.GET.get("all") == "1"
        women = (
            selectors.visit_progress(user=user, year=year)
            if show_all
            else selectors.women_owed_visits(user=user, year=year)
        )
        return {
            "this_year": timezone.localdate().year,
            "show_all": show_all,
            "women": women[:500],
            "woman_count": women.count(),
            "per_woman": visits_owed(year=year),
            "villages": selectors.visits_by_village(user=user, year=year),
        }
