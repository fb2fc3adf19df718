"""Exports of the ledgers through the API: start one, poll its progress, download its file.

The same functions as the export buttons (``federation.ledgers.exports.services``): a small export is
written at once, a big one queued for the background worker; an export belongs to the user who
asked for it (someone else's answers 404) and each is recorded in the access log.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from federation.api.errors import FormRefused
from federation.api.jobs import JobSerializer, OwnJobViewSet, job_fields
from federation.core import access
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.registry import get_ledger
from federation.ledgers.exports.services import (
    ACTIVE,
    ExportBusy,
    ExportRefused,
    check_allowed,
    export_fail_dead,
    export_request,
)
from federation.ledgers.exports.views import file_response
from federation.ledgers.models import ExportRecord


class ExportSerializer(JobSerializer):
    class Meta:
        model = ExportRecord
        fields = read_only_fields = job_fields(kind=("format",), outcome=("file_name", "error"))


class ExportStartSerializer(serializers.Serializer):
    ledger = serializers.CharField(help_text="The ledger's name, e.g. hardship_children.")
    format = serializers.ChoiceField(choices=ExportRecord.Format.values)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    township = serializers.IntegerField(required=False, min_value=1)
    village = serializers.IntegerField(required=False, min_value=1)
    group = serializers.IntegerField(required=False, min_value=1)
    q = serializers.CharField(required=False, allow_blank=True, max_length=50)


class ExportViewSet(OwnJobViewSet):
    """The user's own exports: ``POST`` starts one, ``GET {id}`` polls it, ``GET {id}/file`` downloads it."""

    serializer_class = ExportSerializer
    queryset = ExportRecord.objects.none()  # the schema's; a request reads get_queryset()
    running_statuses = ACTIVE
    fail_dead = staticmethod(export_fail_dead)

    @extend_schema(request=ExportStartSerializer, responses={201: ExportSerializer, 202: ExportSerializer})
    def create(self, request):
        start = ExportStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        values = start.validated_data
        ledger = get_ledger(values["ledger"])
        if ledger is None:
            raise exceptions.NotFound(_("没有这个台账，或您无权导出。"))
        try:
            check_allowed(ledger, request.user, values["format"])
        except ExportRefused as exc:
            raise exceptions.NotFound(_("没有这个台账，或您无权导出。")) from exc
        filters = ExportFilters.from_query({k: v for k, v in values.items() if k not in ("ledger", "format")})
        try:
            record = export_request(ledger=ledger, user=request.user, fmt=values["format"], filters=filters)
        except ExportBusy as exc:
            raise FormRefused({"__all__": [exc.message]}) from exc
        access.record(request, access.Kind.EXPORT, record)
        done = record.status == ExportRecord.Status.DONE
        return Response(
            ExportSerializer(record).data,
            status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED,
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def file(self, request, pk=None):
        try:
            return file_response(self.get_object())
        except Http404 as exc:
            raise exceptions.NotFound(_("文件还没有生成好，或已过期。")) from exc
