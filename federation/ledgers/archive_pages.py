"""Pages of the year-end snapshots (``archives:`` namespace, at ``/archives/``): the list of archives,
closing a year (with a confirmation that says what will be frozen), an archive's page with its files
and the 已归档 mark, its reopening with a reason.

Every page reads archives through ``LedgerArchive.objects.for_user`` (another village's archive
answers 404); closing and reopening take ``ledgers.close_ledgerarchive`` (the township roles). The
writes are :mod:`federation.ledgers.archives`; these views only call them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from federation.core import access
from federation.core.models import Township, Village
from federation.ledgers import archive_files, archives
from federation.ledgers.exports.registry import get_ledger
from federation.ledgers.exports.views import file_response
from federation.ledgers.imports.forms import import_years
from federation.ledgers.models import LedgerArchive

TOWNSHIP_UNIT = "township"


def closable_for(user: Any) -> list[archives.Closable]:
    """Return the closable ledgers ``user``'s role may export (and so read)."""
    return [
        c for c in archives.closable_ledgers() if (ledger := get_ledger(c.ledger)) and ledger.allowed(user)
    ]


class CloseForm(forms.Form):
    """What to close: the ledger, the year, and one village or the whole township."""

    ledger = forms.ChoiceField(label=gettext_lazy("台账"))
    year = forms.TypedChoiceField(label=gettext_lazy("年度"), coerce=int)
    unit = forms.ChoiceField(label=gettext_lazy("范围"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ledger"].choices = [(c.ledger, c.title) for c in closable_for(user)]
        this_year = timezone.localdate().year
        self.fields["year"].choices = [
            (y, _("%(year)s 年度") % {"year": y}) for y in import_years() if y <= this_year
        ]
        self.fields["year"].initial = this_year - 1
        self.townships = list(Township.objects.for_user(user).order_by("code"))
        self.villages = list(Village.objects.for_user(user).select_related("township").order_by("code"))
        units = [
            (f"{TOWNSHIP_UNIT}:{t.pk}", _("%(name)s（全乡镇各村）") % {"name": t.name})
            for t in self.townships
        ]
        units += [(f"village:{v.pk}", f"{v.township.name}{v.name}") for v in self.villages]
        self.fields["unit"].choices = units

    def chosen_unit(self) -> tuple[Village | None, Township | None]:
        """Return (village, township) of the cleaned ``unit``: one village, or a township and no village."""
        kind, _sep, pk = self.cleaned_data["unit"].partition(":")
        if kind == TOWNSHIP_UNIT:
            return None, next(t for t in self.townships if str(t.pk) == pk)
        village = next(v for v in self.villages if str(v.pk) == pk)
        return village, village.township


class ArchiveAccessMixin(LoginRequiredMixin, PermissionRequiredMixin):
    permission_required = archives.VIEW_PERMISSION

    def get_queryset(self):
        return LedgerArchive.objects.for_user(self.request.user).select_related("township", "village")


class ArchiveListView(ArchiveAccessMixin, generic.ListView):
    """年度归档: the archives of the user's scope, newest year first (``?ledger=``, ``?year=``)."""

    template_name = "archives/list.html"
    context_object_name = "archives"
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset().defer("content")
        ledger = self.request.GET.get("ledger", "")
        year = self.request.GET.get("year", "")
        if ledger:
            qs = qs.filter(ledger=ledger)
        if year.isdigit():
            qs = qs.filter(year=int(year))
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_close"] = self.request.user.has_perm(archives.CLOSE_PERMISSION)
        context["ledgers"] = closable_for(self.request.user)
        context["chosen_ledger"] = self.request.GET.get("ledger", "")
        context["chosen_year"] = self.request.GET.get("year", "")
        return context


class ArchiveCloseView(LoginRequiredMixin, PermissionRequiredMixin, generic.FormView):
    """归档: choose the ledger, year and unit; then confirm what will be frozen; then close."""

    permission_required = archives.CLOSE_PERMISSION
    template_name = "archives/close.html"
    form_class = CloseForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.request.method == "GET":
            # The chosen ledger, year and unit: the confirmation; a ledger and year alone: the form.
            if "unit" in self.request.GET:
                kwargs["data"] = self.request.GET
            else:
                kwargs["initial"] = {
                    k: self.request.GET[k] for k in ("ledger", "year") if k in self.request.GET
                }
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        if self.request.method == "GET" and form.is_bound and form.is_valid():
            context["confirm"] = self.frozen(form)
        return context

    def frozen(self, form: CloseForm) -> dict[str, Any]:
        """Return what the confirmation says will be frozen: the ledger, unit, year and rows."""
        from federation.ledgers.exports.context import ExportFilters

        village, township = form.chosen_unit()
        closable = archives.get_closable(form.cleaned_data["ledger"])
        ledger = get_ledger(closable.ledger)
        year = form.cleaned_data["year"]
        filters = (
            ExportFilters(year=year, village_id=village.pk)
            if village
            else ExportFilters(year=year, township_id=township.pk)
        )
        return {
            "title": closable.title,
            "ledger_title": ledger.title,
            "year": year,
            "unit": f"{township.name}{village.name}" if village else township.name,
            "village": village,
            "rows": ledger.records(self.request.user, filters).count(),
            "entries": closable.model is not None,
            "data": form.cleaned_data,
        }

    def form_valid(self, form):
        village, township = form.chosen_unit()
        try:
            archive = archives.archive_close(
                user=self.request.user,
                ledger=form.cleaned_data["ledger"],
                year=form.cleaned_data["year"],
                village=village,
                township=None if village else township,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
            return self.form_invalid(form)
        messages.success(self.request, _("已归档：%(archive)s。") % {"archive": archive})
        return HttpResponseRedirect(reverse("archives:detail", args=[archive.pk]))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("撤销归档的原因"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": gettext_lazy("请填写撤销归档的原因。")},
    )


class ArchiveDetailView(ArchiveAccessMixin, generic.DetailView):
    """An archive: the 已归档 mark, its files, its first rows, its versions and its history."""

    template_name = "archives/detail.html"
    context_object_name = "archive"
    preview_rows = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        archive = self.object
        user = self.request.user
        context["headers"], context["rows"] = archive_files.preview(archive, user, self.preview_rows)
        context["mark"] = archive_files.archived_mark(archive)
        context["may_reopen"] = archive.is_closed and user.has_perm(archives.CLOSE_PERMISSION)
        context["reopen_form"] = kwargs.get("reopen_form") or ReopenForm()
        context["versions"] = self.versions(archive)
        context["events"] = archives.archive_history(archive, limit=20)
        context["closing"] = self.still_closed_by(archive)
        return context

    def versions(self, archive: LedgerArchive) -> list[LedgerArchive]:
        """Return every archive of the same ledger, year and unit that the user sees, newest first."""
        return list(
            self.get_queryset()
            .defer("content")
            .filter(
                ledger=archive.ledger, year=archive.year, township=archive.township, village=archive.village
            )
            .order_by("-closed_at")
        )

    def still_closed_by(self, archive: LedgerArchive) -> LedgerArchive | None:
        """Return the township's archive that still closes a reopened village archive's village."""
        if archive.is_closed or archive.village_id is None:
            return None
        return (
            LedgerArchive.objects.filter(
                ledger=archive.ledger,
                year=archive.year,
                status=LedgerArchive.Status.CLOSED,
                villages=archive.village_id,
            )
            .defer("content")
            .first()
        )


class ArchiveReopenView(ArchiveDetailView):
    """POST: reopen the archive with a reason (the township roles); the archive and its rows stay."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not request.user.has_perm(archives.CLOSE_PERMISSION):
            raise PermissionDenied
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                archives.archive_reopen(
                    user=request.user, archive=self.object, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error("reason" if "reason" in getattr(exc, "error_dict", {}) else None, exc)
            else:
                messages.success(request, _("已撤销归档；原来的归档内容仍然保留。"))
                return HttpResponseRedirect(reverse("archives:detail", args=[self.object.pk]))
        return self.render_to_response(self.get_context_data(reopen_form=form), status=400)


class ArchiveDownloadView(ArchiveAccessMixin, generic.View):
    """The archive's Excel or PDF, made from its stored rows (once, then kept with the archive)."""

    def get(self, request, pk: int, fmt: str):
        archive = get_object_or_404(self.get_queryset(), pk=pk)
        ledger = get_ledger(archive.ledger)
        if fmt not in ("xlsx", "pdf") or (ledger is not None and not ledger.allowed(request.user)):
            raise Http404
        record = archive_files.archive_export(archive=archive, user=request.user, fmt=fmt)
        access.record(request, access.Kind.EXPORT, record)
        return file_response(record)


app_name = "archives"

urlpatterns = [
    path("", ArchiveListView.as_view(), name="list"),
    path("close/", ArchiveCloseView.as_view(), name="close"),
    path("<int:pk>/", ArchiveDetailView.as_view(), name="detail"),
    path("<int:pk>/reopen/", ArchiveReopenView.as_view(), name="reopen"),
    path("<int:pk>/<str:fmt>/", ArchiveDownloadView.as_view(), name="download"),
]
