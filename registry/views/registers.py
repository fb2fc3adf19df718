"""The page classes of the registers, whose pages are made from their declarations (registry/registers)."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Window
from django.utils.translation import gettext_lazy as _

from federation.core.models import Village, year_settings
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainListView,
    int_param,
)
from registry import selectors
from registry.views.filters import IdSearchRecordedMixin, ListFiltersMixin


class RegisterListView(IdSearchRecordedMixin, ListFiltersMixin, DomainListView):
    """A yearly register's list: search by name or ID (last 4 too), filter by group and year."""

    person_fields = ("person_id", "person__village_id")

    template_name = "federation/domain_list.html"

    def get_queryset(self):
        return selectors.register_entries(
            model=self.model,
            user=self.request.user,
            search=self.search(),
            year=self.year(),
        )


class RegisterDetailView(DomainDetailView):
    template_name = "federation/domain_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__village", "person__household__group")


class RegisterCreateView(DomainCreateView):
    """Create an entry; ``?person=ID`` (from a person's page or a candidate list) preselects her."""

    def get_initial(self):
        initial = super().get_initial()
        for name in ("person", "year"):
            value = int_param(self.request, name)
            if value:
                initial[name] = value
        for name in self.prefilled:  # what a candidates list knows of her (the form checks it again)
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    #: The fields a candidates list's 登记 link may fill in besides her and the year.
    prefilled = ("parents_away", "reason")


class VillageRecordCreateView(DomainCreateView):
    """Create a village record; a director's own village is preselected."""

    def get_initial(self):
        initial = super().get_initial()
        villages = Village.objects.for_user(self.request.user)
        if villages.count() == 1:
            initial["village"] = villages.get()
        return initial


class CandidatesListView(RegisterListView):
    """A register's list with, above it, the persons of one village who meet its conditions and are
    not entered yet (``candidates(user=, year=, village_id=)``; the first ``candidate_limit`` shown,
    all counted).

    One village: the director's, or the one a user who sees several has chosen. Finding them is a
    search through every family of the scope, which for a township or a county is no part of a
    list page; she chooses a village to see its candidates.
    """

    candidates = None
    candidate_limit: int | None = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ages_on"] = year_settings(self.year()).ages_on
        village_id = self.village_id()
        if context["show_village"] and not village_id:
            context["candidates_need_village"] = True
            return context
        candidates = type(self).candidates(user=self.request.user, year=self.year(), village_id=village_id)
        if isinstance(candidates, QuerySet):  # the first ones and how many in all, in one query
            shown = list(candidates.annotate(in_all=Window(Count("pk")))[: self.candidate_limit])
            context["candidate_count"] = shown[0].in_all if shown else 0
        else:
            shown = candidates[: self.candidate_limit]
            context["candidate_count"] = len(candidates)
        context["candidates"] = shown
        return context


class LeftBehindWomanListView(CandidatesListView):
    """The left-behind women, and the women who meet the conditions but are not registered yet."""

    template_name = "registry/leftbehindwoman_list.html"
    candidates = staticmethod(selectors.left_behind_woman_candidates)
    candidate_limit = 100


class LeftBehindChildListView(CandidatesListView):
    """The left-behind children, and the children whose parents work away but are not registered yet."""

    template_name = "registry/leftbehindchild_list.html"
    candidates = staticmethod(selectors.left_behind_child_candidates)


class HardshipChildListView(CandidatesListView):
    """The children in hardship, and the children whose parents are both recorded deceased but who
    are not registered yet."""

    template_name = "registry/hardshipchild_list.html"
    candidates = staticmethod(selectors.hardship_child_candidates)
    candidate_limit = 100


class PoorWomanListView(CandidatesListView):
    """The poor women, and the women of households below the year's poverty line not registered yet."""

    template_name = "registry/poorwoman_list.html"
    candidates = staticmethod(selectors.poor_woman_candidates)
    candidate_limit = 100


class SimpleVillageListView(DomainListView):
    """A list of village records (directors, women's homes), searched by village or name."""

    template_name = "federation/domain_list.html"
    search_placeholder = _("村名或姓名")

    def get_queryset(self):
        qs = self.model.objects.for_user(self.request.user).select_related("village")
        search = self.request.GET.get("q", "").strip()
        if search:
            from django.db.models import Q

            condition = Q(village__name__contains=search)
            if hasattr(self.model, "name"):
                condition |= Q(name__contains=search)
            qs = qs.filter(condition)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["search"] = self.request.GET.get("q", "")
        return context


class VillageRecordDetailView(DomainDetailView):
    template_name = "federation/domain_detail.html"
