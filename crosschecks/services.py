"""The cross-check's writes: a list uploaded, its columns confirmed and matched, a difference checked.

The file is read by the ledger import's reader (``federation.ledgers.imports.reader``: the same
safety checks, header search and column proposal from the header texts), with the four columns
below; every other column of the file is kept per row as the list's own fields. Each write checks
the scope with ``federation.core.scoping.require_in_scope``, the write side of the one rule.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crosschecks import matching
from crosschecks.models import DepartmentList, Difference, DifferenceCheck, ListRow
from federation.core import history
from federation.core.actors import actor_name
from federation.core.scoping import require_in_scope
from federation.ledgers.columns import Column, Kind
from federation.ledgers.imports.cells import clean_text
from federation.ledgers.imports.reader import ImportRefused, Table, read_ledger
from federation.ledgers.imports.services import max_rows

UPLOAD_PERMISSION = "crosschecks.add_departmentlist"
ACT_PERMISSION = "crosschecks.change_difference"

#: The columns a list is read by: (key, header, the other texts departments write).
FIELDS: tuple[Column, ...] = (
    Column(
        "id_number",
        gettext_lazy("身份证号"),
        Kind.ID_NUMBER,
        aliases=(
            "身份证号码",
            "公民身份号码",
            "公民身份证号",
            "身份证件号码",
            "证件号码",
            "证件号",
            "身份号码",
        ),
    ),
    Column(
        "name",
        gettext_lazy("姓名"),
        aliases=(
            "名字",
            "人员姓名",
            "成员姓名",
            "保障对象",
            "保障对象姓名",
            "救助对象姓名",
            "供养对象姓名",
            "学生姓名",
            "持证人姓名",
            "残疾人姓名",
            "被羁押人姓名",
            "服刑人员姓名",
            "户成员姓名",
        ),
    ),
    Column("head", gettext_lazy("户主姓名"), aliases=("户主", "户主名", "户主名字", "家长姓名")),
    Column(
        "village",
        gettext_lazy("村"),
        aliases=(
            "村名",
            "所在村",
            "村(社区)",
            "村社区",
            "行政村",
            "村组",
            "所属村",
            "家庭住址",
            "住址",
            "户籍地址",
        ),
    ),
)


class ListImporter:
    """What the import's column editor (``federation.ledgers.imports.forms.MappingForm``) reads."""

    fields = FIELDS


def read_list(source: Any, *, name: str | None = None, mapping: dict[str, int] | None = None) -> Table:
    """Return the table of an uploaded list (``ImportRefused`` with the reason when it cannot be read,
    or when it has neither an ID number nor a name column)."""
    options: dict[str, Any] = {"max_rows": max_rows()}
    if name:
        options["name"] = name
    if mapping is not None:
        options["mapping"] = mapping
    table = read_ledger(source, [f.spec for f in FIELDS], **options)
    if "id_number" not in table.mapping and "name" not in table.mapping:
        raise ImportRefused(
            _("找不到“身份证号”或“姓名”列：名单至少要有其中一列。请检查表头，或在下一步选择对应的列。"),
            "no_columns",
        )
    return table


def columns_of(table: Table) -> list[dict]:
    return [{"index": c.index, "title": c.title} for c in table.columns]


@transaction.atomic
def list_upload(
    *, user: Any, township: Any, kind: str, as_of, village: Any, upload: Any, table: Table
) -> DepartmentList:
    """Return a new list, its columns proposed and its file kept until the user confirms them."""
    if not user.has_perm(UPLOAD_PERMISSION):
        raise PermissionDenied
    upload.seek(0)
    department_list = DepartmentList(
        township=township,
        village=village,
        kind=kind,
        as_of=as_of,
        source_name=(upload.name or "")[:200],
        uploaded_by=user,
        uploaded_by_name=actor_name(user),
        source=upload.read(),
        columns=columns_of(table),
        mapping={key: column.index for key, column in table.mapping.items()},
        row_count=len(table.rows),
    )
    require_in_scope(user, department_list)
    department_list.clean()
    department_list.save()
    return department_list


def rows_of(table: Table) -> list[ListRow]:
    """Return the table's rows as list rows (unsaved); a row with neither a name nor an ID number
    refuses the list (``ValidationError`` naming its row)."""
    used = {column.index for column in table.mapping.values()}
    others = [c for c in table.columns if c.index not in used and c.label != "序号"]
    rows, bad = [], []
    for raw in table.rows:
        values = {key: clean_text(raw.values.get(key)) for key in ("id_number", "name", "head", "village")}
        if not values["id_number"] and not values["name"]:
            bad.append(raw.number)
            continue
        number, valid = matching.parse_number(values["id_number"])
        extra = {}
        for column in others:
            cell = raw.cells[column.index] if column.index < len(raw.cells) else None
            text = clean_text(cell)
            if text:
                extra[column.title] = text[:200]
        rows.append(
            ListRow(
                number=raw.number,
                id_number=number,
                id_valid=valid,
                name=values["name"][:100],
                head=values["head"][:100],
                village_text=values["village"][:100],
                extra=extra,
            )
        )
    if bad:
        shown = "、".join(str(n) for n in bad[:10]) + ("…" if len(bad) > 10 else "")
        raise ValidationError(
            _(
                "第 %(rows)s 行既没有身份证号也没有姓名，无法比对。"
                "请在文件中补上或删去这些行后重新上传，或检查列的对应关系。"
            )
            % {"rows": shown}
        )
    if not rows:
        raise ValidationError(_("名单中没有可以比对的行。"))
    return rows


@transaction.atomic
def list_confirm(*, user: Any, department_list: DepartmentList, mapping: dict[str, int]) -> DepartmentList:
    """Read the list with the confirmed columns, keep its rows, match them and keep the differences.

    Raise ``ValidationError`` (nothing kept) when the file or a row cannot be read.
    """
    if not user.has_perm(UPLOAD_PERMISSION):
        raise PermissionDenied
    lst = DepartmentList.objects.select_for_update().get(pk=department_list.pk)
    require_in_scope(user, lst)
    if lst.status != DepartmentList.Status.DRAFT:
        raise ValidationError(_("这份名单已经比对过了。"))
    if "id_number" not in mapping and "name" not in mapping:
        raise ValidationError(_("请至少为“身份证号”或“姓名”选择一列。"))
    try:
        table = read_list(io.BytesIO(bytes(lst.source)), name=lst.source_name or None, mapping=mapping)
    except ImportRefused as refused:
        raise ValidationError(refused.message) from None
    rows = rows_of(table)
    for row in rows:
        row.department_list = lst
    matching.match_rows(user=user, department_list=lst, rows=rows)
    ListRow.objects.bulk_create(rows, batch_size=1000)
    differences = matching.find_differences(user=user, department_list=lst, rows=rows)
    history.bulk_create(differences, actor=user, reason=_("比对"))
    lst.mapping = mapping
    lst.row_count = len(rows)
    lst.status = DepartmentList.Status.CHECKED
    lst.checked_at = timezone.now()
    lst.source = None
    lst.save()
    return lst


@transaction.atomic
def difference_check(*, user: Any, difference: Difference, note: str) -> DifferenceCheck:
    """Mark a difference 核实无误 with a note: it, and the same difference in every list of the kind
    (this one's and later ones), is closed. Nothing in the registers changes."""
    if not user.has_perm(ACT_PERMISSION):
        raise PermissionDenied
    difference = (
        Difference.objects.select_for_update().select_related("department_list").get(pk=difference.pk)
    )
    require_in_scope(user, difference)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("请写明核实情况。"))
    lst = difference.department_list
    check, _created = DifferenceCheck.objects.get_or_create(
        township=lst.township,
        list_kind=lst.kind,
        subject=difference.subject,
        kind=difference.kind,
        defaults={
            "village": difference.village,
            "note": note[:200],
            "checked_by": user,
            "checked_by_name": actor_name(user),
        },
    )
    same = list(
        Difference.objects.select_for_update().filter(
            department_list__township=lst.township,
            department_list__kind=lst.kind,
            subject=difference.subject,
            kind=difference.kind,
            closed_by__isnull=True,
        )
    )
    for each in same:
        each.closed_by = check
    history.bulk_update(same, ["closed_by"], actor=user, reason=_("核实无误"))  # each names who closed it
    return check
