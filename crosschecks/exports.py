"""The list and its results as Excel (a plain openpyxl workbook, not a ledger of
``federation.ledgers.exports``: a department's list has its own columns, which no ledger declares,
and a ledger would also be picked up by the inspection pack, which a list must not be).

Two sheets: 比对结果 (every difference the user sees, open and closed) and 名单 (the rows she sees,
with how each matched and the list's own columns). ID numbers are text, masked for a role without
the full-ID permission (``federation.core.policy.id_number_for``); every text goes through the
exports' ``safe_text``, so no cell starts a formula.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from crosschecks.models import DepartmentList, Difference, ListRow
from federation.core.policy import id_number_for
from federation.ledgers.exports.cells import safe_text


def _text(value: Any) -> str:
    return safe_text(str(value)) if value not in (None, "") else ""


def list_workbook(*, user: Any, department_list: DepartmentList) -> bytes:
    """Return the .xlsx of ``department_list``'s results as ``user`` may read them."""
    lst = department_list
    workbook = Workbook(write_only=True)
    title = f"{lst.township.name}{lst.get_kind_display()}比对结果（{lst.as_of:%Y年%m月%d日}）"

    sheet = workbook.create_sheet(_("比对结果"))
    sheet.column_dimensions["D"].width = 22
    sheet.column_dimensions["F"].width = 50
    sheet.append([_text(title)])
    sheet.append(
        [
            _text(
                _("上传人：%(who)s　上传时间：%(at)s")
                % {"who": lst.uploaded_by_name, "at": f"{lst.uploaded_at:%Y-%m-%d %H:%M}"}
            )
        ]
    )
    headers = [
        _("序号"),
        _("村"),
        _("姓名"),
        _("身份证号"),
        _("差异"),
        _("说明"),
        _("匹配"),
        _("状态"),
        _("核实情况"),
    ]
    sheet.append(headers)
    differences = (
        Difference.objects.for_user(user)
        .filter(department_list=lst)
        .select_related("person", "village", "row", "closed_by")
        .order_by("village_id", "kind", "pk")
    )
    for number, d in enumerate(differences, start=1):
        person, row = d.person, d.row
        name = person.name if person is not None else (row.name if row else "")
        id_number = person.id_number if person is not None else (row.id_number if row else "")
        sheet.append(
            [
                number,
                _text(d.village.name if d.village else _("未能确定")),
                _text(name),
                _text(id_number_for(user, id_number)),
                _text(d.get_kind_display()),
                _text(d.detail),
                _text(row.get_match_display() if row else ""),
                _("已核实") if d.closed_by_id else _("待处理"),
                _text(d.closed_by.note if d.closed_by_id else ""),
            ]
        )

    rows = ListRow.objects.for_user(user).filter(department_list=lst).select_related("village", "person")
    extra_titles: list[str] = []
    for row in rows:
        for key in row.extra:
            if key not in extra_titles:
                extra_titles.append(key)
    names = workbook.create_sheet(_("名单"))
    names.column_dimensions["C"].width = 22
    names.append(
        [
            _("行号"),
            _("姓名"),
            _("身份证号"),
            _("户主"),
            _("村（名单）"),
            _("匹配"),
            _("登记村"),
            *extra_titles,
        ]
    )
    for row in rows:
        names.append(
            [
                row.number,
                _text(row.name),
                _text(id_number_for(user, row.id_number)),
                _text(row.head),
                _text(row.village_text),
                _text(row.get_match_display()),
                _text(row.person.village.name if row.person_id and row.person else ""),
                *[_text(row.extra.get(key, "")) for key in extra_titles],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
