"""Pages of the exports: the export buttons' target, the progress of a big export, downloads.

An export belongs to the user who asked for it: every page of one goes through
``ExportRecord.objects.filter(user=request.user)``, so someone else's answers 404, as a record
outside her scope does: no hint of what exists.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View, generic

from federation.core import access
from federation.ledgers import archive_files
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.registry import get_ledger
from federation.ledgers.exports.services import (
    ExportBusy,
    ExportRefused,
    check_allowed,
    export_fail_dead,
    export_file_path,
    export_request,
)
from federation.ledgers.models import ExportRecord
from federation.ledgers.packs import PACK

CONTENT_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".zip": "application/zip",
}


def file_response(record: ExportRecord) -> FileResponse:
    """Return the file of a finished export as an attachment, or raise Http404."""
    path = export_file_path(record)
    if path is None:
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=record.file_name,
        content_type=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
    )
    response["Cache-Control"] = "private, no-store"
    return response


class ExportView(LoginRequiredMixin, View):
    """Export a ledger with the list's filters: the file now, or the progress page of a big one.

    GET, as any download link: an export only reads (and records who read what). A ledger the
    role may not export, or a format it does not have, answers 404.
    """

    def get(self, request, ledger: str, fmt: str) -> HttpResponse:
        found = get_ledger(ledger)
        if found is None:
            raise Http404
        try:
            check_allowed(found, request.user, fmt)
        except ExportRefused as exc:
            raise Http404 from exc
        filters = ExportFilters.from_query(request.GET)
        # A closed year's ledger (归档) is exported from its stored rows, never recomputed.
        archive = archive_files.archive_for_export(found, request.user, filters)
        if archive is not None:
            record = archive_files.archive_export(archive=archive, user=request.user, fmt=fmt)
            access.record(request, access.Kind.EXPORT, record)
            return file_response(record)
        try:
            record = export_request(ledger=found, user=request.user, fmt=fmt, filters=filters)
        except ExportBusy as exc:
            messages.warning(request, exc.message)
            return redirect("exports:job_list")
        access.record(request, access.Kind.EXPORT, record)  # the export record says what; this, from where
        if record.status == ExportRecord.Status.DONE and not record.background:
            return file_response(record)
        return redirect("exports:job", pk=record.pk)


class OwnExportMixin(LoginRequiredMixin):
    """Limit the queryset to the signed-in user's own exports (someone else's answers 404)."""

    model = ExportRecord

    def get_queryset(self):
        return ExportRecord.objects.filter(user=self.request.user)

    def get_object(self, queryset=None):
        """Return the export, marked failed first if its worker died (see ``export_fail_dead``)."""
        record = super().get_object(queryset)
        if record.status in (ExportRecord.Status.QUEUED, ExportRecord.Status.RUNNING) and export_fail_dead(
            ExportRecord.objects.filter(pk=record.pk)
        ):
            record.refresh_from_db()
        return record


def again_url(record: ExportRecord) -> str:
    """Return the link that exports the same ledger, format and filters again."""
    url = reverse("exports:export", args=[record.ledger, record.format])
    return f"{url}?{urlencode(record.filters)}" if record.filters else url


class ExportJobView(OwnExportMixin, generic.DetailView):
    """The progress of one of the user's exports, and its download link when done."""

    template_name = "exports/job.html"
    context_object_name = "record"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.object.ledger == PACK and self.template_name == "exports/job.html":
            return redirect("exports:pack_job", pk=self.object.pk)  # an inspection pack has its own page
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["status_url"] = reverse("exports:job_status", args=[self.object.pk])
        if self.object.status == ExportRecord.Status.FAILED:
            context["again_url"] = again_url(self.object)
        return context


class ExportStatusView(OwnExportMixin, generic.DetailView):
    """The progress of one of the user's exports as JSON (polled by the progress page)."""

    def render_to_response(self, context, **response_kwargs) -> JsonResponse:
        record = self.object
        done = record.status == ExportRecord.Status.DONE
        return JsonResponse(
            {
                "status": record.status,
                "status_label": record.get_status_display(),
                "rows_done": record.rows_done,
                "rows_total": record.rows_total,
                "percent": record.percent,
                "download_url": reverse("exports:download", args=[record.pk]) if done else "",
                "file_name": record.file_name,
                "error": record.error,
            }
        )


class ExportDownloadView(OwnExportMixin, generic.DetailView):
    """The file of one of the user's finished exports."""

    def render_to_response(self, context, **response_kwargs) -> FileResponse:
        return file_response(self.object)


class ExportListView(OwnExportMixin, generic.ListView):
    """The user's own last 50 exports."""

    template_name = "exports/job_list.html"
    context_object_name = "records"

    def get_queryset(self):
        export_fail_dead(super().get_queryset())
        return super().get_queryset()[:50]
