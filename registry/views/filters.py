"""The filters every list page of the registry shares: search and year (the 乡镇, 村 and 村民小组 are
every list's: ``federation.web.generic.PlaceFiltersMixin``)."""

from __future__ import annotations

from federation.core import access
from federation.core.idnumber import is_whole_id_number
from federation.web.generic import year_choices, year_param


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
    """Read ``q`` and ``year`` from the query string and offer their choices; ``village_id()`` and
    ``group_id()`` are the place the list is narrowed to (``places``)."""

    def search(self) -> str:
        return self.request.GET.get("q", "")

    def group_id(self) -> int | None:
        return self.places.group_id

    def village_id(self) -> int | None:
        return self.places.village_id

    def year(self) -> int:
        return year_param(self.request)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(search=self.search(), year=self.year(), years=year_choices(self.year()))
        return context
