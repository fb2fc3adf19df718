"""Pages of the imports: choose the ledger and village, upload, preview, map columns, confirm.

An import belongs to the user who uploaded it: its pages go through
``ImportRecord.objects.filter(user=request.user)``, so someone else's answers 404, as a record
outside the scope does. A role that may import no ledger, or sees no village (the county viewer),
gets 404 on every page, as elsewhere in the app. The checks and the writing are
:mod:`federation.ledgers.imports.services`; these views only call them.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View, generic

from federation.core.models import Village
from federation.core.policy import id_number_for, phone_for
from federation.ledgers.exports.registry import get_ledger
from federation.ledgers.imports.forms import ImportTargetForm, ImportUploadForm, MappingForm, import_years
from federation.ledgers.imports.framework import get_importer, importers_for
from federation.ledgers.imports.reader import ImportRefused
from federation.ledgers.imports.services import (
    ABANDONABLE,
    import_abandon,
    import_confirm,
    import_fail_dead,
    import_remap,
    import_restart,
    import_upload,
    max_bytes,
    max_rows,
)
from federation.ledgers.imports.templates import template_bytes, template_file_name
from federation.ledgers.models import ImportRecord

S = ImportRecord.Status
EVERY_IMPORT = "ledgers.view_every_import"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, file_name: str) -> HttpResponse:
    """Return ``data`` as an .xlsx download named ``file_name`` (Chinese kept by RFC 5987)."""
    response = HttpResponse(data, content_type=XLSX)
    fallback = "template.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def limits() -> dict[str, str]:
    """Return the size and row limits of an upload as the pages show them."""
    return {"max_mb": f"{max_bytes() / (1024 * 1024):g}", "max_rows": f"{max_rows():,}"}


class ImportAccessMixin(LoginRequiredMixin):
    """Only users who may import some ledger into some village: anyone else gets 404."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (importers_for(user) and Village.objects.for_user(user).exists()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ImportStartView(ImportAccessMixin, generic.FormView):
    """导入台账: the ledger (preselected by ``?ledger=``), the village, the year and the file."""

    template_name = "imports/start.html"
    form_class = ImportUploadForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self):
        year = self.request.GET.get("year", "")
        initial = {"year": int(year) if year.isdigit() and int(year) in import_years() else None}
        initial["year"] = initial["year"] or timezone.localdate().year
        ledger = self.request.GET.get("ledger", "")
        importer = get_importer(ledger) if ledger else None
        if importer is not None and importer in importers_for(self.request.user):
            initial["ledger"] = importer.name
        village = self.request.GET.get("village", "")
        if village.isdigit():
            initial["village"] = int(village)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(limits())
        context["template_query"] = self._template_query(form)
        return context

    @staticmethod
    def _template_query(form) -> str:
        """Return the query of the template link for what the form shows now (JS keeps it current)."""
        from django.utils.http import urlencode

        def value(name):
            bound = form[name]
            data = bound.value()
            if data in (None, "") and form.fields[name].choices:
                choices = list(form.fields[name].choices)
                data = choices[0][0] if choices else ""
            return getattr(data, "value", data)

        ledger = value("ledger")
        params = {"ledger": ledger or "", "village": value("village") or ""}
        importer = get_importer(str(ledger)) if ledger else None
        if importer is None or importer.yearly:
            params["year"] = form["year"].value() or timezone.localdate().year
        return urlencode(params)

    def form_valid(self, form):
        record = import_upload(
            user=self.request.user,
            importer_class=form.importer(),
            village=form.cleaned_data["village"],
            year=form.year_value(),
            upload=form.cleaned_data["file"],
        )
        self._keep_previous_mapping(record)
        return redirect("imports:record", pk=record.pk)

    def _keep_previous_mapping(self, record: ImportRecord) -> None:
        """Check a corrected file with the columns the user chose for the file it replaces.

        Only when the corrected file has the same header and was checked inline (a background
        check is still running: the user can map its columns again on its page).
        """
        previous_pk = self.request.POST.get("previous", "")
        if not previous_pk.isdigit() or record.status not in (S.CHECKED, S.INVALID):
            return
        previous = ImportRecord.objects.filter(
            pk=int(previous_pk), user=self.request.user, ledger=record.ledger, village=record.village
        ).first()
        if previous is None or not previous.mapping or previous.mapping == record.mapping:
            return
        if [c["title"] for c in previous.columns] != [c["title"] for c in record.columns]:
            return
        import_remap(record, previous.mapping)


class ImportTemplateView(ImportAccessMixin, View):
    """The .xlsx template of a ledger for a village (and year), with its 填写说明 sheet."""

    def get(self, request):
        form = ImportTargetForm(request.GET, user=request.user)
        if not form.is_valid():
            raise Http404
        importer = form.importer()
        village = form.cleaned_data["village"]
        year = form.year_value()
        data = template_bytes(importer, user=request.user, village=village, year=year)
        return attachment(data, template_file_name(importer, village, year))


class OwnImportMixin(LoginRequiredMixin):
    """Limit the queryset to the signed-in user's own imports (someone else's answers 404)."""

    model = ImportRecord
    context_object_name = "record"

    def get_queryset(self):
        return ImportRecord.objects.filter(user=self.request.user).select_related("village")

    def get_object(self, queryset=None):
        """Return the import, marked failed first if its worker died (see ``import_fail_dead``)."""
        record = super().get_object(queryset)
        if record.running and import_fail_dead(ImportRecord.objects.filter(pk=record.pk)):
            record.refresh_from_db()
        return record


def _importer_of(record: ImportRecord):
    return get_importer(record.ledger)


class ImportRecordView(OwnImportMixin, generic.DetailView):
    """One import: its progress while checked or written, then the preview or the result."""

    template_name = "imports/record.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        record = self.object
        importer = _importer_of(record)
        # An importer is a class: a template would call it, so it gets what it shows instead.
        context["noun"] = importer.noun if importer is not None else _("条")
        context["status_url"] = reverse("imports:status", args=[record.pk])
        context["list_url"] = _list_url(record.ledger)
        context.update(limits())
        context["errors"] = record.errors or []
        context["errors_total"] = _errors_total(record)
        context["can_confirm"] = record.status == S.CHECKED
        context["preview_headers"], context["preview_rows"] = _preview(record, self.request.user)
        unread = (record.preview or {}).get("unread") or {}
        context["not_read"] = unread.get("not_read", [])
        context["checked_columns"] = unread.get("checked", [])
        context["can_abandon"] = record.status in ABANDONABLE
        editable = record.status in (S.CHECKED, S.INVALID) and record.columns and record.file_path
        if importer is not None and editable:
            context["mapping_form"] = kwargs.get("mapping_form") or MappingForm(
                importer=importer, columns=record.columns, mapping=record.mapping
            )
        if importer is not None and record.status in (S.INVALID, S.REFUSED):
            context["reupload_form"] = ImportUploadForm(
                user=self.request.user,
                initial={"ledger": importer.name, "village": record.village_id, "year": record.year or ""},
            )
        return context


def _preview(record: ImportRecord, user) -> tuple[list[str], list[tuple[int, list]]]:
    """Return the headers and rows of the record's preview, ID numbers and phones shown as the user
    may see them; a cell with an error is None."""
    preview = record.preview or {}
    headers = preview.get("headers", [])
    shown = {"id_number": id_number_for, "phone": phone_for}
    rows = []
    for row in preview.get("rows", []):
        cells = []
        for header, cell in zip(headers, row["cells"], strict=False):
            mask = shown.get(header["kind"])
            cells.append(mask(user, cell) if mask and cell else cell)
        rows.append((row["row"], cells))
    return [h["title"] for h in headers], rows


def _list_url(ledger_name: str) -> str:
    """Return the list page of the ledger (where the imported records show), or ""."""
    ledger = get_ledger(ledger_name)
    for view_name in ledger.list_views if ledger is not None else ():
        try:
            return reverse(view_name)
        except NoReverseMatch:
            continue
    return ""


def _errors_total(record: ImportRecord) -> int:
    """Return how many errors the check found (the record keeps at most a few thousand)."""
    return max(record.error_count, len(record.errors or []))


class ImportStatusView(OwnImportMixin, generic.DetailView):
    """The progress of one of the user's imports as JSON (polled by the record page)."""

    def render_to_response(self, context, **response_kwargs) -> JsonResponse:
        record = self.object
        return JsonResponse(
            {
                "status": record.status,
                "status_label": record.get_status_display(),
                "running": record.running,
                "rows_done": record.rows_done,
                "rows_total": record.rows_total,
                "percent": record.percent,
            }
        )


class RecordActionView(OwnImportMixin, generic.detail.SingleObjectMixin, View):
    """A POST on one of the user's own imports (confirm, abandon, remap)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.act(self.object)

    def act(self, record: ImportRecord):
        raise NotImplementedError


class RecordStepView(RecordActionView):
    """A step of the import that its service may refuse (``ImportRefused``), said on the record's page."""

    step: Callable[[ImportRecord], ImportRecord]  # the service

    def act(self, record):
        try:
            record = self.step(record)
        except ImportRefused as exc:
            messages.error(self.request, exc.message)
        return redirect("imports:record", pk=record.pk)


class ImportConfirmView(RecordStepView):
    """确认导入: only the uploader, only a checked import; the checks run again, then one transaction."""

    step = staticmethod(import_confirm)


class ImportAbandonView(RecordActionView):
    """放弃: a checked, invalid or failed import; its file is deleted, nothing was written."""

    def act(self, record):
        if import_abandon(record):
            messages.info(self.request, _("已放弃这次导入，什么也没有写入。"))
        return redirect("imports:record", pk=record.pk)


class ImportRestartView(RecordStepView):
    """重新开始: an import whose worker died is checked, or written, again."""

    step = staticmethod(import_restart)


class ImportMappingView(RecordActionView):
    """Check the file again with the columns the user chose for each field."""

    def act(self, record):
        importer = _importer_of(record)
        if importer is None or record.status not in (S.CHECKED, S.INVALID) or not record.file_path:
            messages.error(self.request, _("这次导入已不能修改列的对应关系。"))
            return redirect("imports:record", pk=record.pk)
        form = MappingForm(
            self.request.POST, importer=importer, columns=record.columns, mapping=record.mapping
        )
        if not form.is_valid():
            view = ImportRecordView(request=self.request, kwargs=self.kwargs, object=record)
            view.object = record
            context = view.get_context_data(object=record, mapping_form=form)
            return view.render_to_response(context, status=400)
        import_remap(record, form.mapping())
        return redirect("imports:record", pk=record.pk)


def sees_all_imports(user) -> bool:
    """Return whether the history lists everyone's imports of the user's scope (the township chair's
    role, and the administrator), not only her own."""
    return user.has_perm(EVERY_IMPORT)


class ImportHistoryView(LoginRequiredMixin, generic.ListView):
    """导入记录: the user's own imports (the township chair and the administrator: all in scope)."""

    template_name = "imports/history.html"
    context_object_name = "records"
    paginate_by = 50

    def get_queryset(self):
        user = self.request.user
        qs = ImportRecord.objects.select_related("village", "user")
        if sees_all_imports(user):
            qs = qs.filter(village__in=Village.objects.for_user(user))
        else:
            qs = qs.filter(user=user)
        import_fail_dead(qs)
        return qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sees_all"] = sees_all_imports(self.request.user)
        context["can_import"] = bool(importers_for(self.request.user))
        return context
