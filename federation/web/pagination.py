"""A page of a long list read by its keys first: a county's 1,000,000 persons page like a village's 2,000.

Django's ``Paginator`` slices the whole query, joins included: the last page of a county made the
database join every person to her household and village and sort them all, to keep 50. This one
reads the page's primary keys alone, which the list's index answers (walked backwards for a page in
the second half, so the last page is as quick as the first), and then only those rows with their
joins and prefetches, in the list's order.

Counting a county's rows for "共 N 条" took longer than the page itself (a million persons; or its
35,000 left-behind women, whose scope is checked through every person); above ``ESTIMATE_ABOVE``
rows (200 pages) by PostgreSQL's own estimate the count is that estimate, shown as 约 N. The
first and the last pages stay exact (the last is read backwards from the true end); only a page in
the middle of such a list is placed by the estimate.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet

#: A list the planner expects to hold more rows than this is counted by its estimate.
ESTIMATE_ABOVE = 10_000


class KeysFirstPaginator(Paginator):
    #: Whether ``count`` is PostgreSQL's estimate (a list of more than ``ESTIMATE_ABOVE`` rows).
    estimated = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet) and connections[rows.db].vendor == "postgresql":
            plan = rows.order_by().explain(format="json")
            # A query Django knows to be empty (``pk__in=[]``) is never sent: it has no plan.
            planned = json.loads(plan)[0]["Plan"]["Plan Rows"] if plan else 0
            if planned > ESTIMATE_ABOVE:
                self.estimated = True
                return int(planned)
        return super().count

    def page(self, number):
        rows = self.object_list
        if not isinstance(rows, QuerySet) or rows._fields is not None or not rows.ordered:
            return super().page(number)  # a list, a values() query, an unordered query: as Django does
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = rows.order_by(*_total_order(rows)).values_list("pk", flat=True)
        if bottom > self.count // 2:  # nearer the end: read backwards from it
            pks = list(keys.reverse()[self.count - top : self.count - bottom])[::-1]
        else:
            pks = list(keys[bottom:top])
        found = {row.pk: row for row in rows.filter(pk__in=pks)}
        return self._get_page([found[pk] for pk in pks if pk in found], number, self)


def _total_order(rows: QuerySet) -> list:
    """Return the query's ordering, ended by the primary key where it is not there: read backwards,
    rows that tie on the ordering must fall on the same pages as read forwards."""
    query = rows.query
    ordering = list(query.order_by) or (list(rows.model._meta.ordering) if query.default_ordering else [])
    if not any(isinstance(key, str) and key.lstrip("-") in ("pk", "id") for key in ordering):
        ordering.append("pk")
    return ordering
