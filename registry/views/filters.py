"""The filters every list page of the registry shares: search, village group, village and year."""

from __future__ import annotations

from federation.core.models import VillageGroup
from federation.web.generic import int_param, year_choices, year_param


class ListFiltersMixin:
    """Read ``q``, ``group``, ``village`` and ``year`` from the query string; offer their choices."""

    def search(self) -> str:
        return self.request.GET.get("q", "")

    def group_id(self) -> int | None:
        return int_param(self.request, "group")

    def village_id(self) -> int | None:
        return int_param(self.request, "village")

    def year(self) -> int:
        return year_param(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = VillageGroup.objects.for_user(self.request.user).select_related("village")
        context.update(
            groups=groups,
            show_village=groups.values("village").distinct().count() > 1,
            group_id=self.group_id(),
            search=self.search(),
            year=self.year(),
            years=year_choices(self.year()),
        )
        return context
