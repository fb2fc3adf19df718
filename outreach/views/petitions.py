"""Pages of letters and visits (来信来访) and family-dispute mediation."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outreach import selectors
from outreach.forms import PetitionForm
from outreach.models import Petition, PetitionCategory
from outreach.policy import can_see_domestic_violence
from outreach.views.common import (
    OutreachCreateView,
    OutreachListView,
    OutreachUpdateView,
    crud_urls,
    year_param,
)


def petition_selection(*, state: str, category: str, year: int | None) -> dict:
    """Return ``selectors.petition_list``'s filters for the list's state, category and year.

    The one rule of the list and of its export (``outreach.exports``): open cases of any year
    (the year is not asked); closed or all cases of the year chosen, if one is, else of every year.
    """
    return {
        "state": state if state in ("open", "closed") else "",
        "category": category,
        "year": year if state != "open" else None,
    }


class PetitionListView(OutreachListView):
    """Cases received, open ones first by age; filter by state and category."""

    template_name = "outreach/petition_list.html"
    search_placeholder = _("来访人姓名")

    def get_queryset(self):
        state = self.request.GET.get("state", "open")
        year = year_param(self.request) if self.request.GET.get("year") else None
        return selectors.petition_list(
            user=self.request.user,
            search=self.request.GET.get("q", ""),
            **petition_selection(state=state, category=self.request.GET.get("category", ""), year=year),
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
            today=timezone.localdate(),
            by_village=selectors.open_petitions_by_village(user=self.request.user),
        )
        # The export buttons carry the list's query, with the tab shown even when it is the
        # default one (no state in the address): the export then lists the same cases.
        query = self.request.GET.copy()
        query["state"] = context["state"]
        query.pop("page", None)
        context["export_query"] = query.urlencode()
        if context["state"] == "open":
            context.pop("years", None)
        return context


class _PetitionFormMixin:
    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["may_see_domestic_violence"] = can_see_domestic_violence(self.request.user)
        return kwargs


class PetitionCreateView(_PetitionFormMixin, OutreachCreateView):
    def get_initial(self):
        initial = super().get_initial()
        user = self.request.user
        initial.setdefault("received_by", user.first_name or user.username)
        return initial


class PetitionUpdateView(_PetitionFormMixin, OutreachUpdateView):
    pass


urlpatterns = crud_urls(
    Petition,
    PetitionForm,
    prefix="petitions",
    list_view=PetitionListView,
    create_view=PetitionCreateView,
    update_view=PetitionUpdateView,
    list_attrs={
        "columns": [
            (_("来访人"), "petitioner"),
            (_("村"), "village.name"),
            (_("受理日期"), "received_on"),
            (_("类别"), "get_category_display"),
            (_("处理方式"), "get_handling_display"),
            (_("结案日期"), "closed_on"),
            (_("已用天数"), "days_open"),
        ],
        "add_label": _("登记来信来访"),
    },
)
