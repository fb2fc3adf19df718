"""Pages of households and persons, all through the scoping rule (federation.web.generic)."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _g
from django.views import generic

from federation.core import access
from federation.core.dotted import resolve
from federation.core.mixins import ScopedViewMixin
from federation.core.models import year_settings
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainListView,
)
from federation.web.pages import person_page
from federation.web.registers import counted, registers
from federation.web.tables import CellShower, shower_for, tr
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
        context["person_rows"] = partial(person_rows, shower_for(self.request), context["object_list"])
        context["register_choices"] = [(register.name, register.title) for register in counted()]
        context["register"] = self.request.GET.get("register", "")
        return context


def person_rows(shower: CellShower, persons) -> list[SafeString]:
    """Return the persons list's rows, made in Python as a register's are (``federation.web.tables``):
    the name linked to her file (已故 marked), sex, birth date or a masked role's age, the ID number as
    the role allows, village and group, relation to the head of household."""
    rows = []
    for person in persons:
        name = format_html('<a href="{}">{}</a>', person.get_absolute_url(), person.name)
        if person.deceased:
            name = format_html('{} <span class="badge text-bg-secondary">{}</span>', name, _g("已故"))
        born = (shower.label(_g("出生日期"), "birth_date"), "", shower.value(person, "birth_date"))
        rows.append(
            tr(
                [
                    (_g("姓名"), "", name),
                    (_g("性别"), "", person.get_sex_display()),
                    born,
                    (_g("身份证号"), "id-number", shower.value(person, "id_number")),
                    (_g("村组"), "", f"{person.village.name} {resolve(person, 'household.group') or ''}"),
                    (_g("与户主关系"), "", person.get_relation_display() or "—"),
                ]
            )
        )
    return rows


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
        context.update(
            rows=partial(
                women_ledger_rows,
                shower_for(self.request),
                context["object_list"],
                on=year_settings(self.year()).ages_on,
                show_village=context["show_village"],
            ),
            register_help=registers.get("women_ledger").help_text(self.year()),
        )
        return context


def women_ledger_rows(shower: CellShower, women, *, on, show_village: bool) -> list[SafeString]:
    """Return the women's ledger's rows (made in Python, ``federation.web.tables``): each woman with
    her age on the year's reference date, her husband and her children as the ledger shows them."""
    rows = []
    for woman in women:
        husband, children = selectors.ledger_family(woman)
        group = resolve(woman, "household.group") or "—"
        place = f"{woman.village.name} {group}" if show_village else group
        if husband is None:
            husband_cells = [
                (_g("丈夫姓名"), "text-nowrap", "—"),
                (_g("丈夫身份证号"), "text-nowrap id-number", "—"),
            ]
            work = "—"
        else:
            husband_cells = [
                (_g("丈夫姓名"), "text-nowrap", husband.name or "—"),
                (_g("丈夫身份证号"), "text-nowrap id-number", shower.value(husband, "id_number")),
            ]
            work = f"{husband.get_work_place_display()} {husband.work_place_detail}"
        shown_children = "、".join(
            f"{child.name}（{child.get_sex_display()}，{_or_unknown(child.age_on(on))}岁）"
            for child in children
        )
        rows.append(
            tr(
                [
                    (_g("村组"), "text-nowrap", place),
                    (
                        _g("姓名"),
                        "",
                        format_html('<a href="{}">{}</a>', woman.get_absolute_url(), woman.name),
                    ),
                    (_g("年龄"), "text-nowrap", woman.age_on(on)),
                    (_g("婚否"), "text-nowrap", woman.get_marital_status_display() or "—"),
                    (_g("身份证号"), "text-nowrap id-number", shower.value(woman, "id_number")),
                    *husband_cells,
                    (_g("丈夫务工地点"), "", work),
                    (_g("子女"), "", shown_children or "—"),
                ]
            )
        )
    return rows


def _or_unknown(age: int | None) -> int | str:
    return "?" if age is None else age


class _MoveView(ScopedViewMixin, generic.detail.SingleObjectMixin, generic.FormView):
    """A township action: move a record to another village (POST; GET shows the form)."""

    permission_required = "federation.move_between_villages"
    template_name = "registry/move_form.html"
    #: The service that moves it: ``move(user=, <object_kwarg>=the record, **the form's cleaned data)``.
    move = None

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
            moved = type(self).move(
                user=self.request.user, **{self.object_kwarg: self.get_object()}, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _g("已迁入%(village)s。") % {"village": moved.village.name})
        return HttpResponseRedirect(moved.get_absolute_url())


class HouseholdMoveView(_MoveView):
    model = Household
    form_class = HouseholdMoveForm
    object_kwarg = "household"
    move = staticmethod(household_move)


class PersonMoveView(_MoveView):
    model = Person
    form_class = PersonMoveForm
    object_kwarg = "person"
    move = staticmethod(person_move)
