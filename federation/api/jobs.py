"""What the API's exports and imports share: a record of a job in the background that belongs to the
user who started it, its progress, and its worker found dead when it is read."""

from __future__ import annotations

from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated


def job_fields(*, kind: tuple[str, ...], outcome: tuple[str, ...]) -> tuple[str, ...]:
    """Return the fields a job's record shows: what it is (with its ``kind``'s own fields), its progress,
    its ``outcome`` and its times."""
    return (
        "id",
        "ledger",
        "title",
        *kind,
        "status",
        "rows_total",
        "rows_done",
        "percent",
        *outcome,
        "created_at",
        "finished_at",
    )


class JobSerializer(serializers.ModelSerializer):
    """A job's record, read only; its ``Meta.fields`` are :func:`job_fields`."""

    percent = serializers.IntegerField(read_only=True)


class OwnJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The user's own records of a job (``queryset``'s model), listed and read; one read while its job
    runs (``running_statuses``) is first marked failed when its worker died (``fail_dead``)."""

    permission_classes = [IsAuthenticated]
    #: The statuses of a job still to finish.
    running_statuses: tuple[str, ...] = ()
    #: Marks failed the records of a queryset whose worker died; returns how many.
    fail_dead = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self.queryset.model.objects.filter(user=self.request.user)

    def get_object(self):
        record = super().get_object()
        if record.status in self.running_statuses and type(self).fail_dead(
            type(record).objects.filter(pk=record.pk)
        ):
            record.refresh_from_db()
        return record
