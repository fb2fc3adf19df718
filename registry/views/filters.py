"""The filters every list page of the registry shares: search, village group, village and year."""

from __future__ import annotations

from django.utils import timezone

from federation.models import VillageGroup


def int_param(request, name: str) -> int | None:
    """Return the query parameter ``name`` as an int, or None when absent or not a number."""
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


class ListFiltersMixin:
    """Read ``q``, ``group``, ``village`` and ``year`` from the query string; offer their choices."""

    def search(self) -> str:
        return self.request.GET.get("q", "")

    def group_id(self) -> int | None:
        return int_param(self.request, "group")

    def village_id(self) -> int | None:
        return int_param(self.request, "village")

    def year(self) -> int:
        return int_param(self.request, "year") or timezone.localdate().year

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = VillageGroup.objects.for_user(self.request.user).select_related("village")
        this_year = timezone.localdate().year
        context.update(
            groups=groups,
            show_village=groups.values("village").distinct().count() > 1,
            group_id=self.group_id(),
            search=self.search(),
            year=self.year(),
            years=list(range(this_year + 1, this_year - 6, -1)),
        )
        return context
