"""The search of the page header: persons and households of the user's scope, by name, ID number,
its last 4 characters, phone or 户号 (``registry.selectors.search_everywhere``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.views import generic

from federation.core import access
from federation.core.idnumber import is_whole_id_number
from federation.core.mixins import ScopedViewMixin
from registry import selectors
from registry.models import Person, Relation

#: Persons a page of results lists.
PAGE_SIZE = 20
#: The longest text searched (a name, an ID number, a phone): the rest of a longer one is ignored.
MAX_LENGTH = 50


class SearchView(ScopedViewMixin, generic.TemplateView):
    """The results, grouped: persons (paged, each with the registers she is on) and households.

    A search by a whole ID number is recorded in the access log (the persons it found, never the
    number), as the lists' searches are.
    """

    model = Person
    permission_required = "registry.view_person"
    template_name = "registry/search.html"

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if is_whole_id_number(self.text.upper()):
            access.record_search(request, self.persons.values_list("pk", "village_id"))
        return response

    def get_context_data(self, **kwargs):
        user = self.request.user
        self.text = " ".join(self.request.GET.get("q", "")[:MAX_LENGTH].split())
        self.persons, households = selectors.search_everywhere(user=user, text=self.text)
        capped = self.persons[: selectors.SEARCH_CAP]
        page = Paginator(capped, PAGE_SIZE).get_page(self.request.GET.get("page"))
        heads = Person.objects.filter(relation=Relation.HEAD).only("pk", "name", "household_id")
        households = list(
            households.prefetch_related(Prefetch("members", queryset=heads, to_attr="heads"))[
                : selectors.SEARCH_CAP
            ]
        )
        found = selectors.registers_of(user=user, person_ids=[p.pk for p in page.object_list])
        return super().get_context_data(
            q=self.text,
            page_obj=page,
            paginator=page.paginator,
            is_paginated=page.paginator.num_pages > 1,
            rows=[(p, found.get(p.pk, [])) for p in page.object_list],
            households=households,
            cap=selectors.SEARCH_CAP,
            capped=page.paginator.count >= selectors.SEARCH_CAP,
            **kwargs,
        )
