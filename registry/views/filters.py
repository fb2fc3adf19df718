"""The filters every list page of the registry shares: search, village group, village and year.

A user who sees several villages chooses the village first and then one of its groups: a township
has hundreds of groups and a county thousands, too many for one drop-down.
"""

from __future__ import annotations

from federation.core import access
from federation.core.idnumber import is_whole_id_number
from federation.core.models import Village, VillageGroup
from federation.web.generic import int_param, year_choices, year_param


class IdSearchRecordedMixin:
    """A list whose search by a whole ID number is in the access log: the persons it found (the
    rows' ``person_fields``: her id and village), never the number typed."""

    person_fields = ("pk", "village_id")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if is_whole_id_number(self.search()):
            access.record_search(request, self.object_list.values_list(*self.person_fields))
        return response


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
        user = self.request.user
        villages = list(Village.objects.for_user(user).order_by("code").only("pk", "name"))
        several = len(villages) > 1
        village_id = self.village_id()
        groups = VillageGroup.objects.for_user(user).order_by("number")
        if several:
            groups = groups.filter(village_id=village_id) if village_id else groups.none()
        context.update(
            villages=villages if several else [],
            village_id=village_id,
            groups=groups,
            show_village=several,
            group_id=self.group_id(),
            search=self.search(),
            year=self.year(),
            years=year_choices(self.year()),
        )
        return context
