"""The page classes of the registers, whose pages are made from their declarations (registry/registers)."""

from __future__ import annotations

from django import forms
from django.db.models import Count, QuerySet, Window
from django.urls import path as url_path
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from federation.core.forms import VersionedModelForm
from federation.core.models import Village, year_settings
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainListView,
    DomainUpdateView,
    int_param,
)
from registry import selectors, services
from registry.forms.registers import DATE_INPUT
from registry.views.filters import IdSearchRecordedMixin, ListFiltersMixin


class RegisterListView(IdSearchRecordedMixin, ListFiltersMixin, DomainListView):
    """A yearly register's list: search by name or ID (last 4 too), filter by group and year, and the
    entries active on a chosen day (``?on=``; today, or 31 December of a past year, by default; the
    year's reference date one click away) or at any time in the year (``?active=year``)."""

    person_fields = ("person_id", "person__village_id")

    template_name = "federation/domain_list.html"

    def active(self) -> selectors.ActiveOn:
        return selectors.active_on(self.request.GET, self.year())

    def get_queryset(self):
        return selectors.register_entries(
            model=self.model,
            user=self.request.user,
            search=self.search(),
            year=self.year(),
            active=self.active(),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        active = self.active()
        query = self.request.GET.copy()
        for name in ("on", "active", "page"):
            query.pop(name, None)

        def link(**params) -> str:
            q = query.copy()
            for name, value in params.items():
                q[name] = value
            return q.urlencode()

        default, reference = active.default, active.reference
        default_label = (
            _now("今天")
            if default == timezone.localdate()
            else _now("%(month)s月%(day)s日") % {"month": default.month, "day": default.day}
        )
        reference_label = _now("统计截止日 %(month)s月%(day)s日") % {
            "month": reference.month,
            "day": reference.day,
        }
        context["active"] = active
        if context.get("can_add"):
            context["carry_over_url"] = reverse("registry:carry_over")
        context["active_links"] = [
            (default_label, link(on=default.isoformat()), active.day == default),
            (reference_label, link(on=reference.isoformat()), active.day == reference != default),
            (_now("全年曾在册"), link(active="year"), active.all_year),
        ]
        return context


class RegisterDetailView(DomainDetailView):
    """An entry's page: its fields, whether it is active (since its entry date) or ended (when and
    why), and 退出 for a user who may change it."""

    template_name = "registry/registerentry_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("person__village", "person__household__group")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["exit_url_name"] = self.register.url_name("exit") if self.register else ""
        return context


class EntryExitForm(VersionedModelForm):
    """The exit of an entry: its date, a reason of its register's list, a note (required for 其他)."""

    class Meta:
        fields = ("exited_on", "exit_reason", "exit_note")
        widgets = {"exited_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.fields["exited_on"].required = True
        self.fields["exit_reason"] = forms.ChoiceField(
            label=model._meta.get_field("exit_reason").verbose_name,
            choices=model.exit_reason_choices(),
            widget=forms.RadioSelect,
        )
        if not self.is_bound:
            self.initial.setdefault("exited_on", timezone.localdate())


class EntryExitView(DomainUpdateView):
    """End an entry (退出): the form, then a page that asks to confirm what it does; the entry is
    kept, with the exit in its history (``services.register_entry_exit``). An entry already ended
    answers 404."""

    template_name = "registry/registerentry_exit.html"

    def get_form_class(self):
        return forms.modelform_factory(self.model, form=EntryExitForm, fields=EntryExitForm.Meta.fields)

    def get_queryset(self):
        return super().get_queryset().filter(exited_on__isnull=True)

    def get_initial(self):
        """Return the form's initial values; ``?exited_on=&exit_reason=&exit_note=`` (a proposal of the
        待核实 list, to change before confirming) fill them in."""
        initial = super().get_initial()
        for name in ("exited_on", "exit_reason", "exit_note"):
            if self.request.GET.get(name):
                initial[name] = self.request.GET[name]
        return initial

    def save_record(self, form):
        data = form.cleaned_data
        return services.register_entry_exit(
            user=self.request.user,
            entry=form.instance,
            exited_on=data["exited_on"],
            reason=data["exit_reason"],
            note=data.get("exit_note", ""),
            expected_version=data.get("version"),
        )

    def form_valid(self, form):
        if self.request.POST.get("confirmed") != "1":
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.get("form")
        if kwargs.get("confirming") and form is not None:
            data = form.cleaned_data
            reason = dict(self.model.exit_reason_choices()).get(data["exit_reason"], "")
            context["exit_reason_label"] = reason
            change = {"exited_on": data["exited_on"].isoformat(), "exit_reason": data["exit_reason"]}
            if data.get("exit_note"):
                change["exit_note"] = data["exit_note"]
            if context.get("next"):
                change["next"] = context["next"]
            context["change_query"] = urlencode(change)
        return context


def entry_exit_urls() -> list:
    """Return the exit page of every register of persons: ``<path>/<pk>/exit/``, ``<name>_exit``."""
    patterns = []
    for register in services.entry_registers():
        view = type(
            f"{register.model.__name__}Exit",
            (EntryExitView,),
            {"model": register.model, "register": register},
        ).as_view()
        name = register.url_name("exit").split(":", 1)[1]
        patterns.append(url_path(f"{register.path}/<int:pk>/exit/", view, name=name))
    return patterns


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

    They stand above the list's first page only: a search or a later page shows what was asked for
    at the top (on a phone, 40 candidates above a search's one row hid it), with a link back to them.
    """

    candidates = None
    candidate_limit: int | None = 100

    def get_template_names(self):
        """Return the register's own list page, ``<app>/<model>_list.html``."""
        return [f"{self.model._meta.app_label}/{self.model._meta.model_name}_list.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ages_on"] = year_settings(self.year()).ages_on
        if self.search() or context["page_obj"].number != 1:
            query = self.request.GET.copy()
            for name in ("q", "page"):
                query.pop(name, None)
            context["candidates_on_first_page"] = f"?{query.urlencode()}"
            return context
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
        context["create_url"] = reverse(self.create_url_name)  # each candidate's 登记 link: once a page
        return context


class LeftBehindWomanListView(CandidatesListView):
    """The left-behind women, and the women who meet the conditions but are not registered yet."""

    candidates = staticmethod(selectors.left_behind_woman_candidates)


class LeftBehindChildListView(CandidatesListView):
    """The left-behind children, and the children whose parents work away but are not registered yet."""

    candidates = staticmethod(selectors.left_behind_child_candidates)
    candidate_limit = None


class HardshipChildListView(CandidatesListView):
    """The children in hardship, and the children whose parents are both recorded deceased but who
    are not registered yet."""

    candidates = staticmethod(selectors.hardship_child_candidates)


class PoorWomanListView(CandidatesListView):
    """The poor women, and the women of households below the year's poverty line not registered yet."""

    candidates = staticmethod(selectors.poor_woman_candidates)


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
