"""Imports of the ledgers through the API: upload a file (checked at once, or in the background),
poll the check, confirm it (written in one transaction) or abandon it.

The same form and functions as the import pages (``ImportUploadForm``: the ledgers her role may
import, the villages of her scope; ``federation.ledgers.imports.services``); an import belongs to
the user who uploaded it (someone else's answers 404).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from federation.api.errors import FormRefused, form_errors
from federation.api.jobs import JobSerializer, OwnJobViewSet, job_fields
from federation.ledgers.imports.forms import ImportUploadForm
from federation.ledgers.imports.reader import ImportRefused
from federation.ledgers.imports.services import (
    RUNNING,
    import_abandon,
    import_confirm,
    import_fail_dead,
    import_upload,
)
from federation.ledgers.models import ImportRecord


class ImportSerializer(JobSerializer):
    class Meta:
        model = ImportRecord
        fields = read_only_fields = job_fields(
            kind=("village", "year", "file_name"),
            outcome=("created", "updated", "unchanged", "error_count", "errors", "message"),
        )


class ImportStartSerializer(serializers.Serializer):
    ledger = serializers.CharField(help_text="The importer's name, e.g. left_behind_women.")
    village = serializers.IntegerField()
    year = serializers.IntegerField(required=False)
    file = serializers.FileField(help_text="The filled-in .xlsx, at most 5 MB.")


class ImportViewSet(OwnJobViewSet):
    """The user's own imports: ``POST`` uploads one, ``GET {id}`` polls its check, ``POST {id}/confirm``
    writes it, ``POST {id}/abandon`` drops it."""

    serializer_class = ImportSerializer
    queryset = ImportRecord.objects.none()  # the schema's; a request reads get_queryset()
    running_statuses = RUNNING
    fail_dead = staticmethod(import_fail_dead)

    @extend_schema(request={"multipart/form-data": ImportStartSerializer}, responses={201: ImportSerializer})
    def create(self, request):
        form = ImportUploadForm(data=request.data, files=request.FILES, user=request.user)
        if not form.is_valid():
            raise FormRefused(form_errors(form))
        record = import_upload(
            user=request.user,
            importer_class=form.importer(),
            village=form.cleaned_data["village"],
            year=form.year_value(),
            upload=form.cleaned_data["file"],
        )
        return Response(ImportSerializer(record).data, status=status.HTTP_201_CREATED)

    create.parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=None, responses=ImportSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        try:
            record = import_confirm(self.get_object())
        except ImportRefused as exc:
            raise FormRefused({"__all__": [exc.message]}) from exc
        return Response(ImportSerializer(record).data)

    @extend_schema(request=None, responses=ImportSerializer)
    @action(detail=True, methods=["post"])
    def abandon(self, request, pk=None):
        record = self.get_object()
        if not import_abandon(record):
            raise exceptions.ValidationError({"__all__": ["这次导入已不能放弃。"]})
        record.refresh_from_db()
        return Response(ImportSerializer(record).data)
