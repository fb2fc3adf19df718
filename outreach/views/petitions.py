"""The page classes of letters and visits (来信来访) and mediation (their pages: ``outreach/registers/``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core import access
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainListView,
    DomainUpdateView,
    year_param,
)
from outreach import selectors
from outreach.models import PetitionCategory
from outreach.policy import can_see_domestic_violence
from outreach.views.units import Units, units_of_places


class PetitionListView(DomainListView):
    """Cases received, open ones first by age; filter by state and category."""

    template_name = "outreach/petition_list.html"
    select = staticmethod(selectors.petition_list)
    search_placeholder = _("来访人姓名")

    def chosen_year(self) -> int | None:
        """Return the year the list is narrowed to (``?year=``), or None for every year."""
        return year_param(self.request) if self.request.GET.get("year") else None

    def get_queryset(self):
        state = self.request.GET.get("state", "open")
        return selectors.petition_list(
            user=self.request.user,
            search=self.request.GET.get("q", ""),
            **selectors.petition_selection(
                state=state, category=self.request.GET.get("category", ""), year=self.chosen_year()
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        categories = PetitionCategory.choices
        if not can_see_domestic_violence(self.request.user):
            categories = [c for c in categories if c[0] != PetitionCategory.DOMESTIC_VIOLENCE]
        context.update(
            state=self.request.GET.get("state", "open"),
            category=self.request.GET.get("category", ""),
            categories=categories,
            chosen_year=self.chosen_year(),
            today=timezone.localdate(),
        )
        context["units"], context["by_village"] = self.open_by_unit()
        # The export buttons carry the list's query, with the tab shown even when it is the
        # default one (no state in the address): the export then lists the same cases.
        query = self.request.GET.copy()
        query["state"] = context["state"]
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        if context["state"] == "open":
            context.pop("years", None)
        return context

    def open_by_unit(self) -> tuple[Units, list[selectors.VillagePetitions]]:
        """Return the units the open cases are counted by, and their counts: the villages she sees,
        or for the county each township until she opens one (``outreach.views.units``): 500
        villages are no row of badges to read."""
        units = units_of_places(self.places)
        rows = selectors.open_petitions_by_village(
            user=self.request.user, township=units.township, by_township=units.by_township
        )
        return units, rows


class _PetitionFormMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["may_see_domestic_violence"] = can_see_domestic_violence(self.request.user)
        return kwargs


class PetitionCreateView(_PetitionFormMixin, DomainCreateView):
    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        initial.setdefault("received_by", user.first_name or user.username)
        return initial


class _DomesticViolenceReadMixin(access.RecordsReadMixin):
    """A page showing a domestic-violence case's text: recorded in the access log (other cases not)."""

    def access_kind_of(self, obj) -> str | None:
        return access.Kind.DOMESTIC_VIOLENCE if obj.category == PetitionCategory.DOMESTIC_VIOLENCE else None


class PetitionDetailView(_DomesticViolenceReadMixin, DomainDetailView):
    pass


class PetitionUpdateView(_DomesticViolenceReadMixin, _PetitionFormMixin, DomainUpdateView):
    pass
