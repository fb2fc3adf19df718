"""A list's cells as a user is shown them, and a list page's table rows made in Python.

A page of 50 records of a register has 400 to 600 cells. With two template tags a cell (its value and
its heading for the phone's stacked table) the rows took half of a register's page on the county
(issue 13); made here, the whole body costs about what one tag a row did. Django's admin makes its
change list's rows the same way (``django.contrib.admin.templatetags.admin_list.items_for_result``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from federation.core import policy
from federation.core.dotted import resolve
from federation.core.masking import is_birth_field, is_id_number_field, is_phone_field

EMPTY = "—"


class CellShower:
    """How one user's page shows a record's values: ID numbers and phones whole or masked as her role
    allows, a birth date as the age on the year's reference date (统计截止日) for a masked role (the
    date would give the masked digits back), yes/no as 是/否, nothing as a dash."""

    def __init__(self, user, year: int | None = None):
        self.user = user
        self.year = year
        self.full = policy.can_see_full_id_number(user)

    @cached_property
    def ages_on(self) -> dt.date:
        return policy.ages_on(self.year)

    def label(self, label, path: str):
        """Return a column's heading: 年龄 in place of a birth date's for a masked role."""
        if not self.full and is_birth_field(path.rsplit(".", 1)[-1]):
            return _("年龄")
        return label

    def value(self, obj, path: str):
        """Return the value at the dotted ``path`` of ``obj`` as this user is shown it."""
        value = resolve(obj, path)
        name = path.rsplit(".", 1)[-1]
        if is_id_number_field(name):
            return policy.id_number_for(self.user, value) or EMPTY
        if is_phone_field(name):
            return policy.phone_for(self.user, value) or EMPTY
        if is_birth_field(name) and not self.full:
            return self.age(value)
        if value is True:
            return "是"
        if value is False:
            return "否"
        if value in (None, ""):
            return EMPTY
        return value

    def age(self, birth_date: dt.date | None):
        """Return the age shown to a masked role in place of ``birth_date`` (a dash when unknown)."""
        age = policy.masked_age(birth_date, self.ages_on)
        return EMPTY if age is None else age


def shower_for(request, year: int | None = None) -> CellShower:
    """Return the request's ``CellShower`` for ``year`` (made once a request and year)."""
    known = request.__dict__.setdefault("_federation_cell_showers", {})
    if year not in known:
        known[year] = CellShower(request.user, year)
    return known[year]


def tr(cells: Iterable[tuple[Any, str, Any]]) -> SafeString:
    """Return a table row of (label, class, content) cells: each labelled for the phone's stacked
    table, label and content escaped unless already safe."""
    shown = []
    for label, css, content in cells:
        css = f' class="{css}"' if css else ""
        shown.append(f'<td data-label="{conditional_escape(label)}"{css}>{conditional_escape(content)}</td>')
    return mark_safe(f"<tr>{''.join(shown)}</tr>")  # every part escaped above


def table_rows(shower: CellShower, columns: Sequence[tuple[str, str]], objects: Iterable) -> list[SafeString]:
    """Return each record's ``<tr>``: a cell a (label, dotted path) column, ID numbers in the
    ``id-number`` class, the first cell a link to the record's page."""
    # Each heading escaped once a page, not once a cell (a lazy label is translated again every time
    # it is read).
    heads = [
        (conditional_escape(shower.label(label, path)), "id-number" if "id_number" in path else "", path)
        for label, path in columns
    ]
    rows = []
    for obj in objects:
        cells = [(label, css, shower.value(obj, path)) for label, css, path in heads]
        if cells:
            label, css, shown = cells[0]
            cells[0] = (label, css, format_html('<a href="{}">{}</a>', obj.get_absolute_url(), shown))
        rows.append(tr(cells))
    return rows
