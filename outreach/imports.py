"""Import two-cancer screening records (两癌检查, ledger ``screening``): one row a woman's screening.

The only screening export is the statistics table (``screening_statistics``: numbers a village, no
person), so this importer has its own layout, one row a screening with the fields of
:class:`outreach.models.Screening`: 姓名, 身份证号, 检查项目, 检查日期, 检查机构, 检查结果, follow-up,
treatment and relief. A record is matched by (woman, year, 检查项目) and updated, else created; a
woman has at most one record of each kind a year, so the same ID number may appear twice in a file
(once for each kind), not twice for one kind.

The woman must be registered in this village already (the roster first): a screening register names
women, it does not register them. A person of another village or a deleted one is refused with the
message of ``Person.clean``, as everywhere.

Health data: only a user holding ``outreach.view_health_data`` may import it, nothing of a row is
ever logged, and the messages name rows and columns, never a woman's result.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind
from federation.ledgers.imports.framework import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Importer,
    ImportRow,
    RowInvalid,
    register,
)
from outreach.models import Screening, ScreeningKind, ScreeningResult
from outreach.models.screening import HEALTH_DATA_PERMISSION
from registry.entries import ROSTER_FIRST, PersonRowMixin, person_columns

__all__ = ["ScreeningImporter"]


@register
class ScreeningImporter(PersonRowMixin, Importer):
    """两癌检查个人记录 (ledger ``screening``)."""

    name = "screening"
    title = gettext("两癌检查登记表")  # a str, translated when the class is declared: see Importer.title
    permission = "outreach.add_screening"
    noun = _("条")
    unique_key = None  # one woman may have a cervical and a breast screening: see apply_row
    notes = (
        _("一次检查一行：同一妇女做了宫颈癌和乳腺癌两项检查的，写两行。"),
        _("妇女按身份证号在本村居民中查找（没有身份证号时按姓名查找），须先在本村登记（导入居民花名册）。"),
        _("同一妇女本年度同一检查项目已登记的，更新这一条记录；检查日期须在本年度内。"),
        _("检查结果属于个人健康信息，只有有权查看两癌检查个人结果的人员可以导入，请妥善保管本表。"),
    )
    fields = (
        *person_columns(sex_and_birth=False),
        Column(
            "kind",
            _("检查项目"),
            Kind.CHOICE,
            choices=ScreeningKind,
            value_aliases={
                "宫颈癌": "cervical",
                "宫颈癌筛查": "cervical",
                "宫颈": "cervical",
                "乳腺癌": "breast",
                "乳腺癌筛查": "breast",
                "乳腺": "breast",
            },
            required=True,
        ),
        Column("screened_on", _("检查日期"), Kind.DATE, aliases=("检查时间",), required=True),
        Column("institution", _("检查机构"), aliases=("检查单位", "检查医院"), required=True),
        Column(
            "result",
            _("检查结果"),
            Kind.CHOICE,
            choices=ScreeningResult,
            value_aliases={"正常": "normal", "无异常": "normal", "异常": "abnormal", "确诊": "cancer"},
            required=True,
        ),
        Column("follow_up", _("随访情况")),
        Column("treated", _("是否已治疗"), Kind.BOOL, aliases=("已治疗",), help=_("空着为否。")),
        Column("treatment", _("治疗情况")),
        Column("relief_applied", _("是否申请救助"), Kind.BOOL, aliases=("申请救助",), help=_("空着为否。")),
        Column("relief_granted", _("是否获得救助"), Kind.BOOL, aliases=("获得救助",), help=_("空着为否。")),
        Column(
            "relief_amount",
            _("救助金额（元）"),
            Kind.MONEY,
            aliases=("救助金额",),
            help=_("获得救助时必填，没有获得救助时空着。"),
        ),
    )
    field_columns = {"__all__": "name", "person": "name", "year": "screened_on"}
    _values = Screening.RECORDED

    def prepare(self, rows: list[ImportRow]) -> None:
        self.allowed = self.user.has_perm(HEALTH_DATA_PERMISSION)
        self.prefetch_persons(rows)
        self.records = {
            (s.person_id, s.kind): s
            for s in Screening.objects.filter(person__village=self.village, year=self.year)
        }
        self.first_row_of: dict[tuple[Any, str], int] = {}

    def apply_row(self, row: ImportRow) -> str:
        if not self.allowed:
            row.fail("name", gettext("您没有查看两癌检查个人结果的权限，不能导入两癌检查记录。"))
            raise RowInvalid
        person = self.find_person(row)
        if person is None:
            row.fail("id_number" if row.get("id_number") else "name", ROSTER_FIRST)
            raise RowInvalid
        kind = row.get("kind")
        key = (person.pk, kind)
        if key in self.first_row_of:
            row.fail(
                "kind", gettext("与第 %(row)s 行是同一妇女的同一检查项目。") % {"row": self.first_row_of[key]}
            )
            raise RowInvalid
        self.first_row_of[key] = row.number
        record = self.records.get(key) or Screening(person=person, year=self.year, kind=kind)
        values: dict[str, Any] = {}
        for name in self._values:
            if row.has(name):
                value = row.get(name)
                values[name] = Screening._meta.get_field(name).get_default() if value is None else value
        is_new = record.pk is None
        if not self.changed(record, values) and not is_new:
            return UNCHANGED
        self.save(record, row)
        self.records[key] = record
        return CREATED if is_new else UPDATED
