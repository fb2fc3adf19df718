"""Pages of the cross-checks (比对核实): the lists, a list's upload, its columns, its differences.

Every list is loaded through ``DepartmentList.objects.for_user`` and every difference through
``Difference.objects.for_user`` (the one scoping rule): another township's list, or another
village's difference, answers 404. The writes are ``crosschecks.services``.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views import View, generic

from crosschecks import exports, services
from crosschecks.forms import CheckForm, ListMappingForm, UploadForm
from crosschecks.models import DepartmentList, Difference, DifferenceKind, ListRow, Match
from crosschecks.retention import retention_days
from federation.core import access
from federation.core.models import AccessRecord, Village
from federation.ledgers.imports.reader import ImportRefused
from registry.views.people import PERSON_PREFILL

READ = "crosschecks.view_departmentlist"
#: The differences settled by changing the register entry they name (its 外出原因, its 是否寄宿).
FIXED_ON_THE_ENTRY = (DifferenceKind.DETENTION_REASON, DifferenceKind.BOARDING_NOT_MARKED)
#: How many rows of a list its page shows (the export holds every one).
ROWS_SHOWN = 200


class ReadMixin(LoginRequiredMixin):
    """The users who may read lists; anyone else gets 404, as a page outside her scope."""

    permission = READ

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def visible_differences(user, department_list):
    """Return the differences of ``department_list`` that ``user`` sees (her scope)."""
    return Difference.objects.for_user(user).filter(department_list=department_list)


class DepartmentListListView(ReadMixin, generic.ListView):
    """比对核实: the lists of the user's townships, newest first, with their open differences."""

    template_name = "crosschecks/list.html"
    context_object_name = "lists"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        open_here = Difference.objects.for_user(user).filter(closed_by__isnull=True)
        return (
            DepartmentList.objects.for_user(user)
            .select_related("township", "village")
            .annotate(
                open_count=Count(
                    "differences", filter=Q(differences__in=open_here.values("pk")), distinct=True
                )
            )
            .order_by("-as_of", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_upload"] = self.request.user.has_perm(services.UPLOAD_PERMISSION)
        context["retention_days"] = retention_days()
        return context


class DepartmentListCreateView(ReadMixin, generic.FormView):
    """上传名单: the file is read at once; its columns are confirmed on the list's page."""

    permission = services.UPLOAD_PERMISSION
    model = DepartmentList  # what the site's form walk (tests/web/test_no_server_error.py) reads
    template_name = "crosschecks/upload.html"
    form_class = UploadForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        department_list = services.list_upload(
            user=self.request.user,
            township=data["township"],
            kind=data["kind"],
            as_of=data["as_of"],
            village=data["village"],
            upload=data["file"],
            table=form.table,
        )
        return redirect(department_list.get_absolute_url())


class ListMixin(ReadMixin):
    def get_list(self) -> DepartmentList:
        queryset = DepartmentList.objects.for_user(self.request.user).select_related("township", "village")
        return get_object_or_404(queryset, pk=self.kwargs["pk"])


def mapping_form(department_list: DepartmentList, data=None) -> ListMappingForm:
    return ListMappingForm(
        data,
        importer=services.ListImporter,
        columns=department_list.columns,
        mapping=department_list.mapping,
    )


def preview(department_list: DepartmentList) -> list[dict]:
    """Return the first 10 rows of a list not confirmed yet, read with its current columns."""
    import io

    try:
        table = services.read_list(
            io.BytesIO(bytes(department_list.source)),
            name=department_list.source_name or None,
            mapping=department_list.mapping or None,
        )
    except ImportRefused:
        return []
    keys = ("id_number", "name", "head", "village")
    return [
        {"number": raw.number, "cells": [raw.values.get(key) or "" for key in keys]}
        for raw in table.rows[:10]
    ]


class DepartmentListDetailView(ListMixin, View):
    """A list: its columns to confirm (before it is checked), then its differences by village."""

    def get(self, request, pk):
        department_list = self.get_list()
        context = self.context(department_list)
        response = self.render(context)
        access.record(request, AccessRecord.Kind.CROSSCHECK, department_list)
        return response

    def render(self, context):
        from django.shortcuts import render

        return render(self.request, "crosschecks/detail.html", context)

    def context(self, department_list: DepartmentList, form=None, error: str = "") -> dict:
        user = self.request.user
        context = {"list": department_list, "error": error}
        if department_list.status == DepartmentList.Status.DRAFT:
            context["may_confirm"] = user.has_perm(services.UPLOAD_PERMISSION)
            context["form"] = form or mapping_form(department_list)
            context["preview"] = preview(department_list)
            chosen = set((department_list.mapping or {}).values())
            context["kept_columns"] = [
                c["title"]
                for c in department_list.columns
                if c["index"] not in chosen and c["title"] != "序号"
            ]
            return context
        differences = visible_differences(user, department_list).select_related(
            "person", "village", "row", "closed_by"
        )
        villages = Village.objects.for_user(user).filter(township=department_list.township).order_by("code")
        chosen = self.request.GET.get("village", "")
        state = self.request.GET.get("state", "open")
        counts = Counter(
            differences.filter(closed_by__isnull=True).values_list("village_id", flat=True).iterator()
        )
        by_village = [(village, counts.get(village.pk, 0)) for village in villages]
        shown = differences
        if chosen.isdigit():
            shown = shown.filter(village_id=int(chosen))
        elif chosen == "none":
            shown = shown.filter(village__isnull=True)
        if state == "open":
            shown = shown.filter(closed_by__isnull=True)
        elif state == "closed":
            shown = shown.filter(closed_by__isnull=False)
        rows = ListRow.objects.for_user(user).filter(department_list=department_list)
        match_counts = Counter(rows.values_list("match", flat=True).iterator())
        context.update(
            {
                "by_village": by_village,
                "township_open": counts.get(None, 0),
                "open_total": sum(counts.values()),
                "differences": [
                    self.decorated(d) for d in shown.order_by("closed_by_id", "village_id", "kind", "pk")
                ],
                "state": state,
                "chosen": chosen,
                "match_counts": {m.value: match_counts.get(m.value, 0) for m in Match},
                "match_labels": dict(Match.choices),
                "rows": rows.select_related("person", "village")[:ROWS_SHOWN],
                "rows_total": sum(match_counts.values()),
                "rows_shown": ROWS_SHOWN,
                "may_act": user.has_perm(services.ACT_PERMISSION),
                "check_form": CheckForm(),
            }
        )
        return context

    def decorated(self, difference: Difference) -> dict:
        """Return a difference with its one-click actions (the links this user may follow)."""
        user = self.request.user
        actions = []
        person = difference.person
        if person is not None and user.has_perm("registry.view_person"):
            actions.append((_("打开居民"), reverse("registry:person_detail", args=[person.pk])))
        if difference.entry_model and difference.entry_id:
            with contextlib.suppress(NoReverseMatch):
                model = difference.entry_model
                actions.append(
                    (_("打开登记"), reverse(f"registry:{model}_detail", args=[difference.entry_id]))
                )
                if difference.kind in FIXED_ON_THE_ENTRY and user.has_perm(f"registry.change_{model}"):
                    actions.append(
                        (_("修改登记"), reverse(f"registry:{model}_update", args=[difference.entry_id]))
                    )
        if (
            difference.kind == DifferenceKind.OTHER_VILLAGE
            and person is not None
            and user.has_perm("federation.move_between_villages")
        ):
            actions.append((_("迁往他村"), reverse("registry:person_move", args=[person.pk])))
        if (
            difference.kind == DifferenceKind.POOR_NOT_REGISTERED
            and person is not None
            and user.has_perm("registry.add_poorwoman")
        ):
            year = difference.department_list.as_of.year
            url = reverse("registry:poorwoman_create") + f"?person={person.pk}&year={year}"
            actions.append((_("登记为贫困妇女"), url))
        if difference.kind == DifferenceKind.NOT_REGISTERED and user.has_perm("registry.add_person"):
            actions.append((_("登记居民"), reverse("crosschecks:difference_person", args=[difference.pk])))
        return {"difference": difference, "actions": actions}


class DepartmentListConfirmView(ListMixin, View):
    """确认列并比对 (or 按所选列预览): the columns chosen, the list read, matched and kept."""

    permission = services.UPLOAD_PERMISSION

    def post(self, request, pk):
        department_list = self.get_list()
        if department_list.status != DepartmentList.Status.DRAFT:
            return redirect(department_list.get_absolute_url())
        form = mapping_form(department_list, request.POST)
        view = DepartmentListDetailView()
        view.setup(request, pk=pk)
        if not form.is_valid():
            return view.render(view.context(department_list, form=form))
        if request.POST.get("action") == "preview":
            department_list.mapping = form.mapping()
            department_list.save(update_fields=["mapping"])
            return redirect(department_list.get_absolute_url())
        try:
            services.list_confirm(user=request.user, department_list=department_list, mapping=form.mapping())
        except ValidationError as error:
            department_list.mapping = form.mapping()
            return view.render(view.context(department_list, form=form, error=" ".join(error.messages)))
        messages.success(request, _("名单已比对。"))
        return redirect(department_list.get_absolute_url())


class DifferenceCheckView(ReadMixin, View):
    """核实无误: a difference closed with a note (POST only); nothing in the registers changes."""

    permission = services.ACT_PERMISSION

    def post(self, request, pk):
        difference = get_object_or_404(
            Difference.objects.for_user(request.user).select_related("department_list"), pk=pk
        )
        form = CheckForm(request.POST)
        target = difference.department_list.get_absolute_url()
        if not form.is_valid():
            messages.error(request, _("请写明核实情况（最多 200 字）。"))
            return redirect(target)
        try:
            services.difference_check(
                user=request.user, difference=difference, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(target)
        messages.success(request, _("已标记为核实无误。"))
        return redirect(target)


class DifferencePersonView(ReadMixin, View):
    """登记居民: the new resident's form, with the name and the valid ID number of the list's row
    (handed over in the session, not in the address)."""

    permission = "registry.add_person"

    def get(self, request, pk):
        difference = get_object_or_404(
            Difference.objects.for_user(request.user).select_related("row"),
            pk=pk,
            kind=DifferenceKind.NOT_REGISTERED,
        )
        row = difference.row
        if row is not None:
            request.session[PERSON_PREFILL] = {
                "name": row.name,
                "id_number": row.id_number if row.id_valid else "",
            }
        return redirect("registry:person_create")


class DepartmentListExportView(ListMixin, View):
    """The list with its results as Excel: its rows (ID numbers masked for a masked role) and the
    differences the user sees."""

    def get(self, request, pk):
        department_list = self.get_list()
        if department_list.status != DepartmentList.Status.CHECKED:
            raise Http404
        data = exports.list_workbook(user=request.user, department_list=department_list)
        access.record(request, AccessRecord.Kind.EXPORT, department_list)
        response = HttpResponse(
            data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = f"比对结果-{department_list.get_kind_display()}-{department_list.as_of:%Y%m%d}.xlsx"
        response["Content-Disposition"] = (
            f"attachment; filename=\"crosscheck.xlsx\"; filename*=UTF-8''{quote(name, safe='')}"
        )
        response["Cache-Control"] = "private, no-store"
        return response
