"""The ledgers of the aid programmes and pairings: out to Excel and PDF in the county's layout, and back in.

春蕾计划、贫困母亲救助登记表: one row a grant of the year, the girl or woman named as the registers
name her (村组, 姓名, 年龄, 身份证号), the programme, school year, date, amount and goods. A row is
matched by person, programme and year and updated, else created.

结对帮扶登记表: one row a pairing running in the year, the beneficiary, the helper, since and until,
and what the follow-ups of the year gave (how many, money, hours: worked out, never read back). A row
is matched by person, kind, helper and start date. The follow-ups are recorded on the pairing's page.

Both imports find the person as every register of persons does (``registry.entries.PersonRowMixin``)
and judge each record by its model's rules (``registry.aid``); a file with a bad row writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind, Total
from federation.ledgers.exports import Ledger, Table
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.imports.framework import CREATED, UNCHANGED, UPDATED, Importer, ImportRow, RowInvalid
from federation.ledgers.model_ledgers import model_ledger
from registry import aid
from registry.columns import text_column
from registry.entries import NOTES, ROSTER_FIRST, PersonRowMixin, importer_attrs, person_columns
from registry.models import AidKind, AidRecord, Pairing, PairingKind


def _school_year(value: Any) -> tuple[Any, str | None]:
    """Read a school year typed 2025—2026学年, 2025-2026 or 2025 as its first year."""
    if value in (None, ""):
        return None, None
    text = str(value).strip()
    years = [int(y) for y in re.findall(r"\d{4}", text)]
    if not years or (len(years) == 2 and years[1] != years[0] + 1) or len(years) > 2:
        return None, gettext("“%(text)s”不是学年，应写成 2025—2026学年 或 2025。") % {"text": text}
    return years[0], None


AID_TABLE = Table(
    title=_("春蕾计划、贫困母亲救助登记表"),
    columns=(
        *person_columns(sex_and_birth=False),
        Column.of_field(
            "kind",
            _("项目"),
            Kind.CHOICE,
            width=9,
            required=True,
            value_aliases={"春蕾": AidKind.SPRING_BUD, "贫困母亲救助": AidKind.POOR_MOTHER},
        ),
        Column.of_field(
            "school_year",
            _("学年"),
            width=13,
            source="school_year_label",
            parser=_school_year,
            help=_("春蕾计划必填，如 2025—2026学年。"),
        ),
        text_column("school", _("就读学校及年级")),
        Column.of_field("given_on", _("发放日期"), Kind.DATE, required=True),
        Column.of_field("amount", _("金额（元）"), Kind.MONEY, total=Total.SUM, aliases=("金额",)),
        text_column("goods", _("物品")),
        text_column("funder", _("资助来源"), width=12),
        NOTES,
    ),
    notes=(
        lambda ctx: (
            "春蕾计划资助当年在留守儿童、特殊困难儿童台账上，或家中有妇女在农村贫困妇女台账上的不满 "
            f"{ctx.settings.child_age_limit} 周岁女童；贫困母亲救助给当年在农村贫困妇女台账上的妇女。"
        ),
        "合计行“金额”栏为本表金额之和。",
    ),
    count_unit="人次",
    landscape=True,
)

PAIRING_TABLE = Table(
    title=_("结对帮扶（爱心妈妈、代理家长）登记表"),
    columns=(
        *person_columns(sex_and_birth=False),
        Column.of_field(
            "kind",
            _("帮扶方式"),
            Kind.CHOICE,
            width=7,
            required=True,
            value_aliases={"结对": PairingKind.PAIRED},
        ),
        Column.of_field("helper_name", _("帮扶人"), width=9, required=True),
        text_column("helper_unit", _("帮扶人单位"), width=9),
        Column.of_field("helper_phone", _("帮扶人电话"), Kind.PHONE),
        Column.of_field("since", _("结对日期"), Kind.DATE, required=True),
        Column.of_field("until", _("结束日期"), Kind.DATE, help=_("结对还在继续的空着。")),
        text_column("plan", _("帮扶内容"), width=10),
        Column("follow_ups", _("本年跟进次数"), Kind.INT, width=6, total=Total.SUM, read=False),
        Column("money", _("本年钱（元）"), Kind.MONEY, width=8, total=Total.SUM, read=False),
        Column("hours", _("本年陪伴（小时）"), Kind.MONEY, width=7, total=Total.SUM, read=False),
        replace(NOTES, width=8),
    ),
    notes=(
        "结对帮扶的对象为结对当年或上一年在留守儿童、特殊困难儿童或农村贫困妇女台账上的人；"
        "爱心妈妈、代理家长只结对儿童。",
        "本表列出本年度内在结对的全部结对；跟进次数、钱和陪伴时长为本年度的跟进记录之和，"
        "在结对页面登记，导入时不读取。",
    ),
    count_unit="对",
    landscape=True,
)


def _year(filters: ExportFilters) -> int:
    return filters.year or timezone.localdate().year


def _narrowed(qs, filters: ExportFilters):
    """Return ``qs`` narrowed to the village and group the list was filtered by."""
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    if filters.group_id:
        qs = qs.filter(person__household__group_id=filters.group_id)
    return qs


def aid_queryset(user: Any, filters: ExportFilters):
    """Return the grants of the year as the list shows them, village by village."""
    kind = filters.extra.get("kind", "")
    return _narrowed(aid.aid_list(user=user, search=filters.search, year=_year(filters), kind=kind), filters)


def pairing_queryset(user: Any, filters: ExportFilters):
    """Return the pairings running in the year as the list shows them, village by village."""
    kind = filters.extra.get("kind", "")
    return _narrowed(
        aid.pairing_list(user=user, search=filters.search, year=_year(filters), kind=kind), filters
    )


def pairing_row(pairing: Pairing, ctx: ExportContext) -> dict[str, Any]:
    return {
        "follow_ups": getattr(pairing, "follow_up_count", 0),
        "money": getattr(pairing, "money_given", None),
        "hours": getattr(pairing, "hours_given", None),
    }


AID_LEDGER = model_ledger(AidRecord, "aid_records", AID_TABLE, queryset=aid_queryset)
PAIRING_LEDGER = model_ledger(Pairing, "pairings", PAIRING_TABLE, queryset=pairing_queryset, row=pairing_row)


class _PersonRecordImporter(PersonRowMixin, Importer):
    """Rows that each name a registered person and one record of hers, matched by ``key_of``.

    A subclass names its ``ledger`` and ``model``; its name, title, permission and fields follow
    from them (``registry.entries.importer_attrs``).
    """

    model: ClassVar[Any]
    ledger: ClassVar[Ledger]
    unique_key = None
    field_columns = {"__all__": "name", "person": "name"}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for attr, value in importer_attrs(cls.model, cls.ledger).items():
            setattr(cls, attr, value)

    def prepare(self, rows: list[ImportRow]) -> None:
        self.prefetch_persons(rows)
        self.records = {self.key_of(r): r for r in self.model.objects.filter(village=self.village)}

    def key_of(self, record: Any) -> tuple:
        raise NotImplementedError

    def apply_row(self, row: ImportRow) -> str:
        person = self.find_person(row)
        if person is None:
            row.fail("id_number" if row.get("id_number") else "name", ROSTER_FIRST)
            raise RowInvalid
        values = {
            column.field: row.get(column.key)
            for column in self.fields
            if column.field and column.read and row.has(column.key)
        }
        for name, value in values.items():
            if value is None and not self.model._meta.get_field(name).null:
                values[name] = self.model._meta.get_field(name).get_default()
        probe = self.model(person=person, **self.new_values(values))
        record = self.records.get(self.key_of(probe)) or probe
        if row.errors:
            raise RowInvalid
        is_new = record.pk is None
        if not is_new and not self.changed(record, values):
            return UNCHANGED
        self.save(record, row)
        self.records[self.key_of(record)] = record
        return CREATED if is_new else UPDATED

    def new_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return values


class AidRecordImporter(_PersonRecordImporter):
    """春蕾计划、贫困母亲救助登记表 (ledger ``aid_records``): a grant a row, of the file's year."""

    ledger = AID_LEDGER
    model = AidRecord
    noun = _("人次")
    notes = (
        _("一行一人次；同一人同一项目同一年度已登记的，更新这一条。"),
        _("受助人须先在本村登记（导入居民花名册），并在当年的相应台账上（见表下说明）。"),
        _("村组、年龄由系统得出，导入时不读取。"),
    )

    def key_of(self, record: AidRecord) -> tuple:
        return (record.person_id, record.kind, record.year)

    def new_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**values, "year": self.year}

    def apply_row(self, row: ImportRow) -> str:
        given_on = row.get("given_on")
        if given_on is not None and given_on.year != self.year:
            row.fail(
                "given_on",
                gettext("导入的是 %(year)s 年度，发放日期须在 %(year)s 年内。") % {"year": self.year},
            )
        return super().apply_row(row)


class PairingImporter(_PersonRecordImporter):
    """结对帮扶登记表 (ledger ``pairings``): a pairing a row; the follow-ups stay on the pairing's page."""

    ledger = PAIRING_LEDGER
    model = Pairing
    noun = _("对")
    notes = (
        _("一行一对；同一对象、同一帮扶方式、同一帮扶人、同一结对日期的已登记结对会被更新。"),
        _("帮扶对象须先在本村登记，并在结对当年或上一年的相应台账上。"),
        _("跟进次数、钱、陪伴时长由跟进记录算出，导入时不读取；村组、年龄也不读取。"),
    )

    def key_of(self, record: Pairing) -> tuple:
        return (record.person_id, record.kind, record.helper_name, record.since)
