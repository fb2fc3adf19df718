"""Pages of households and persons, all through the scoping rule (federation.generic)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.generic import (
    DomainCreateView,
    DomainDeletedListView,
    DomainDeleteView,
    DomainDetailView,
    DomainListView,
    DomainRestoreView,
    DomainUpdateView,
)
from federation.models import Village, VillageGroup, year_settings
from federation.roles import Role
from federation.scoping import membership_of
from registry import selectors
from registry.forms.people import HouseholdForm, PersonForm
from registry.models import Household, Person


class _GroupFilterMixin:
    def group_id(self) -> int | None:
        value = self.request.GET.get("group", "")
        return int(value) if value.isdigit() else None

    def village_id(self) -> int | None:
        value = self.request.GET.get("village", "")
        return int(value) if value.isdigit() else None

    def filters(self) -> dict:
        return {
            "user": self.request.user,
            "search": self.request.GET.get("q", ""),
            "group_id": self.group_id(),
            "village_id": self.village_id(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = VillageGroup.objects.for_user(self.request.user).select_related("village")
        context["search"] = self.request.GET.get("q", "")
        context["group_id"] = self.group_id()
        context["show_village"] = context["groups"].values("village").distinct().count() > 1
        return context


class PersonListView(_GroupFilterMixin, DomainListView):
    model = Person
    template_name = "registry/person_list.html"

    def get_queryset(self):
        return selectors.person_list(**self.filters())


class PersonDetailView(DomainDetailView):
    model = Person
    template_name = "registry/person_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("village", "household__group")


class _VillageFieldMixin:
    """A director's records go to her village; township roles pick one of their villages."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        membership = membership_of(self.request.user)
        if self.object is None and (membership is None or membership.role != Role.VILLAGE_DIRECTOR):
            form.fields = {
                "village": forms.ModelChoiceField(
                    queryset=Village.objects.for_user(self.request.user), label=_("村")
                ),
                **form.fields,
            }
        for name in ("household", "group"):
            if name in form.fields:
                field = form.fields[name]
                field.queryset = field.queryset.for_user(self.request.user)
        return form

    def form_valid(self, form):
        if self.object is None:
            membership = membership_of(self.request.user)
            if membership is not None and membership.role == Role.VILLAGE_DIRECTOR:
                form.instance.village_id = membership.village_id
            else:
                form.instance.village = form.cleaned_data["village"]
        return super().form_valid(form)


class PersonCreateView(_VillageFieldMixin, DomainCreateView):
    model = Person
    form_class = PersonForm

    def get_initial(self):
        initial = super().get_initial()
        household = self.request.GET.get("household", "")
        if household.isdigit():
            initial["household"] = household
        return initial


class PersonUpdateView(_VillageFieldMixin, DomainUpdateView):
    model = Person
    form_class = PersonForm


class PersonDeleteView(DomainDeleteView):
    model = Person


class PersonRestoreView(DomainRestoreView):
    model = Person


class PersonDeletedListView(DomainDeletedListView):
    model = Person


class HouseholdListView(_GroupFilterMixin, DomainListView):
    model = Household
    template_name = "registry/household_list.html"

    def get_queryset(self):
        return selectors.household_list(**self.filters())


class HouseholdDetailView(DomainDetailView):
    model = Household
    template_name = "registry/household_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("village", "group").prefetch_related("members")


class HouseholdCreateView(_VillageFieldMixin, DomainCreateView):
    model = Household
    form_class = HouseholdForm


class HouseholdUpdateView(_VillageFieldMixin, DomainUpdateView):
    model = Household
    form_class = HouseholdForm


class HouseholdDeleteView(DomainDeleteView):
    model = Household


class HouseholdRestoreView(DomainRestoreView):
    model = Household


class HouseholdDeletedListView(DomainDeletedListView):
    model = Household


class WomenLedgerView(DomainListView):
    """The women's basic-information ledger (妇女基本信息台账), derived from persons and households."""

    model = Person
    template_name = "registry/women_ledger.html"

    def year(self) -> int:
        value = self.request.GET.get("year", "")
        return int(value) if value.isdigit() else timezone.localdate().year

    def get_queryset(self):
        qs = selectors.women_ledger(user=self.request.user, year=self.year())
        group = self.request.GET.get("group", "")
        if group.isdigit():
            qs = qs.filter(household__group_id=int(group))
        return selectors._person_search(qs, self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        settings = year_settings(self.year())
        on = settings.ages_on
        rows = []
        for woman in context["object_list"]:
            husband, children = selectors.ledger_family(woman)
            rows.append(
                {
                    "woman": woman,
                    "age": woman.age_on(on),
                    "husband": husband,
                    "children": [(c, c.age_on(on)) for c in children],
                }
            )
        groups = VillageGroup.objects.for_user(self.request.user).select_related("village")
        this_year = timezone.localdate().year
        context.update(
            rows=rows,
            ages_on=on,
            adult_age=settings.adult_age,
            year=self.year(),
            years=list(range(this_year + 1, this_year - 6, -1)),
            groups=groups,
            show_village=groups.values("village").distinct().count() > 1,
            group_id=int(self.request.GET["group"]) if self.request.GET.get("group", "").isdigit() else None,
            search=self.request.GET.get("q", ""),
        )
        return context
