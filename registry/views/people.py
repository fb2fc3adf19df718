"""Pages of households and persons, all through the scoping rule (federation.web.generic)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _g
from django.views import generic

from federation.core import access
from federation.core.mixins import ScopedViewMixin
from federation.core.models import year_settings
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainListView,
)
from federation.web.pages import person_page
from federation.web.registers import counted, registers
from registry import person_file, selectors
from registry.forms.people import HouseholdMoveForm, PersonMoveForm, place_new_resident
from registry.models import Household, Person
from registry.services import household_move, person_move
from registry.views.filters import IdSearchRecordedMixin, ListFiltersMixin


class _GroupFilterMixin(ListFiltersMixin):
    def filters(self) -> dict:
        return {"user": self.request.user, "search": self.search()}

    def person_filters(self) -> dict:
        return {
            **self.filters(),
            "register": self.request.GET.get("register", ""),
            "missing_id": self.request.GET.get("missing_id") == "1",
        }


class PersonListView(IdSearchRecordedMixin, _GroupFilterMixin, DomainListView):
    template_name = "registry/person_list.html"

    def get_queryset(self):
        return selectors.person_list(**self.person_filters())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["register_choices"] = [(register.name, register.title) for register in counted()]
        context["register"] = self.request.GET.get("register", "")
        return context


class PersonDetailView(access.RecordsReadMixin, DomainDetailView):
    """A person's whole file (一人一档): her facts and age, then the sections the apps and the
    register declarations contribute (``federation.web.pages.person_page``), each read through the
    scope and shown only to the roles that may see it.

    A section whose data names ``reads`` ((kind, record), e.g. a screening shown) has each recorded
    in the access log, as that record's own page records it.
    """

    template_name = "registry/person_detail.html"
    access_kind = access.Kind.PERSON

    def get_queryset(self):
        return super().get_queryset().select_related("village", "household__group", "household__village")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        for section in self.sections:
            for kind, record in section.data.get("reads", ()):
                access.record(request, kind, record)
        return response

    def get_context_data(self, **kwargs):
        user = self.request.user
        self.sections = person_page(self.object, user)
        return super().get_context_data(
            sections=self.sections, age=person_file.age_for(user, self.object), **kwargs
        )


class _VillageFieldMixin:
    """A director's new records go to her village; township roles pick one of their villages (an
    edited record keeps its village: moving it is the township's move page)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if self.object is None:
            place_new_resident(form, self.request.user)
        return form


class ResidentCreateView(_VillageFieldMixin, DomainCreateView):
    """A new household or person, in the director's village or one the township picks.

    ``?group=`` preselects a household's group; the household form proposes the group's next free
    户号 (``HouseholdForm.propose_numbers``).
    """

    initial_params = ("group",)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if hasattr(form, "propose_numbers"):
            form.propose_numbers()
        return form


#: The session key where a page that sends the user to add a resident leaves the name and ID number
#: it knows (a cross-check's unregistered person): read once by the form, never put in the address,
#: which servers log.
PERSON_PREFILL = "registry.person_prefill"


class PersonCreateView(ResidentCreateView):
    def get_initial(self):
        initial = super().get_initial()
        household = self.request.GET.get("household", "")
        if household.isdigit():
            initial["household"] = household
        prefill = self.request.session.pop(PERSON_PREFILL, None) if self.request.method == "GET" else None
        if isinstance(prefill, dict):
            initial.update({k: str(v) for k, v in prefill.items() if k in ("name", "id_number") and v})
        return initial


class HouseholdListView(_GroupFilterMixin, DomainListView):
    template_name = "registry/household_list.html"

    def get_queryset(self):
        return selectors.household_list(**self.filters())


class HouseholdDetailView(access.RecordsReadMixin, DomainDetailView):
    access_kind = access.Kind.HOUSEHOLD  # its members, with their ID numbers and phones
    template_name = "registry/household_detail.html"

    def get_queryset(self):
        return (
            super().get_queryset().select_related("village", "group").prefetch_related("members", "incomes")
        )


class WomenLedgerView(IdSearchRecordedMixin, ListFiltersMixin, DomainListView):
    """The women's basic-information ledger (妇女基本信息台账), derived from persons and households."""

    model = Person
    template_name = "registry/women_ledger.html"

    def get_queryset(self):
        return selectors.women_ledger(
            user=self.request.user,
            year=self.year(),
            search=self.search(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = year_settings(self.year()).ages_on
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
        context.update(rows=rows, register_help=registers.get("women_ledger").help_text(self.year()))
        return context


class _MoveView(ScopedViewMixin, generic.detail.SingleObjectMixin, generic.FormView):
    """A township action: move a record to another village (POST; GET shows the form)."""

    permission_required = "federation.move_between_villages"
    template_name = "registry/move_form.html"

    def get_object(self, queryset=None):
        if not hasattr(self, "object"):
            self.object = super().get_object(queryset)
        return self.object

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, self.object_kwarg: self.get_object()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.get_object(), **kwargs)

    def form_valid(self, form):
        try:
            moved = self.move(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _g("已迁入%(village)s。") % {"village": moved.village.name})
        return HttpResponseRedirect(moved.get_absolute_url())


class HouseholdMoveView(_MoveView):
    model = Household
    form_class = HouseholdMoveForm
    object_kwarg = "household"

    def move(self, data):
        return household_move(
            user=self.request.user,
            household=self.get_object(),
            to_group=data["to_group"],
            number=data["number"],
        )


class PersonMoveView(_MoveView):
    model = Person
    form_class = PersonMoveForm
    object_kwarg = "person"

    def move(self, data):
        return person_move(
            user=self.request.user,
            person=self.get_object(),
            to_household=data["to_household"],
            relation=data["relation"],
        )
