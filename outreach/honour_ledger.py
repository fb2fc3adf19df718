"""The ledgers of the honours, 最美家庭推荐名单 and 三八红旗手（集体）名册: out to Excel and PDF, and back in.

最美家庭: one row a family, in the county's layout: 村组, 户号, 户主, the headings, the story, the
date it was proposed, and where it stands (status, notice, objections, confirmation), which the
system keeps and an import does not read. A row is matched by its household (户号 in the village)
and year: a proposal is created or updated while it is one; a family on a notice or past it cannot
be changed by a file (its row must come back as it went out). Every rule is the model's
(``HonourNomination.clean`` → ``honour_rules``): a family that fails the seed's conditions is named.

三八红旗手（集体）: one row an award; matched by title, name, year and document.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from federation.ledgers.columns import Column, Kind
from federation.ledgers.exports import Table
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.imports.framework import ImportRow, RowInvalid
from federation.ledgers.model_ledgers import LedgerImporter, model_ledger
from outreach.honour_rules import change_problems
from outreach.honours import award_list, nomination_list
from outreach.models import (
    AwardKind,
    AwardLevel,
    FamilyHeading,
    HonourNomination,
    HonourObjection,
    RedBannerAward,
)
from registry.models import Household, Person

HEADINGS = {str(label): value for value, label in FamilyHeading.choices}

NOMINATION_COLUMNS = (
    Column("group", _("村组"), width=12, read=False),
    Column(
        "household", _("户号"), width=8, source="household.number", required=True, help=_("本村登记的户号。")
    ),
    Column("head", _("户主"), width=8, help=_("核对用：与户号登记的户主不符的行会被指出。")),
    Column(
        "headings",
        _("事迹类别"),
        width=16,
        wrap=True,
        source="headings_label",
        required=True,
        help=_(
            "夫妻和睦、孝老爱亲、亲善教子、热心公益、勤俭持家、廉洁文明、温馨幸福、邻里互助，几个用顿号分开。"
        ),
    ),
    Column.of_field("story", _("主要事迹"), width=40, wrap=True, required=True),
    Column.of_field("proposed_on", _("推荐日期"), Kind.DATE, required=True),
    Column.of_field("status", _("状态"), width=10, read=False),
    Column("notice", _("公示期"), width=18, read=False),
    Column("objections", _("异议及处理"), width=24, wrap=True, read=False),
    Column.of_field("confirmed_on", _("确认日期"), Kind.DATE, read=False),
)

NOMINATIONS = Table(
    title=_("“最美家庭”推荐名单"),
    columns=NOMINATION_COLUMNS,
    count_unit="户",
    landscape=True,
    notes=(
        "条件：夫妻和睦、孝老爱亲、亲善教子、热心公益、勤俭持家、廉洁文明、温馨幸福、邻里互助等方面事迹突出；"
        "家庭成员没有违法违纪、违反社会公德和家庭道德的行为；在本县常驻。",
        "状态、公示期、异议及处理、确认日期由乡镇妇联在系统中办理，导入时不读取。",
    ),
)


def _objections_text(nomination: HonourNomination) -> str:
    parts = []
    for objection in nomination.objections.all():
        handled = objection.get_outcome_display()
        if objection.handling:
            handled = f"{handled}：{objection.handling}"
        parts.append(f"{objection.received_on:%Y-%m-%d} 收到，{handled}")
    return "；".join(parts)


def nominations_queryset(user: Any, filters: ExportFilters) -> QuerySet[HonourNomination]:
    """Return the proposals of the year as the list shows them, village by village."""
    year = filters.year or timezone.localdate().year
    qs = nomination_list(user=user, search=filters.search, year=year, status=filters.extra.get("status", ""))
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    if filters.group_id:
        qs = qs.filter(household__group_id=filters.group_id)
    return qs.prefetch_related(
        Prefetch("objections", queryset=HonourObjection.objects.order_by("received_on", "pk"))
    )


def nomination_row(nomination: HonourNomination, ctx: ExportContext) -> dict[str, Any]:
    household = nomination.household
    head = household.head
    notice = nomination.notice
    return {
        "group": f"{nomination.village.name}{household.group}",
        "head": head.name if head else "",
        "notice": f"{notice.starts_on:%Y-%m-%d} 至 {notice.ends_on:%Y-%m-%d}" if notice else "",
        "objections": _objections_text(nomination),
    }


NOMINATIONS_LEDGER = model_ledger(
    HonourNomination, "honours", NOMINATIONS, nominations_queryset, row=nomination_row
)


def parse_headings(text: str) -> tuple[list[str], list[str]]:
    """Return (the headings' values, the words that are none) of a cell such as 夫妻和睦、孝老爱亲."""
    found: list[str] = []
    unknown: list[str] = []
    for word in (
        (text or "").replace("，", "、").replace(",", "、").replace(";", "、").replace("；", "、").split("、")
    ):
        word = word.strip()
        if not word:
            continue
        value = HEADINGS.get(word) or (word if word in FamilyHeading.values else None)
        if value is None:
            unknown.append(word)
        elif value not in found:
            found.append(value)
    return [h for h in FamilyHeading.values if h in found], unknown


class NominationImporter(LedgerImporter, ledger=NOMINATIONS_LEDGER, model=HonourNomination):
    """“最美家庭”推荐名单 (ledger ``honours``): one row a family proposed by the village."""

    noun = _("户")
    unique_key = "household"
    person_column = "household"
    village_keys = ("group",)
    field_columns = {"village": "household"}
    notes = (
        _("一户一行，按户号找本村登记的家庭；本年度已推荐的家庭按文件更新（还没有公示的才能改）。"),
        _(
            "系统按推荐日期核实最美家庭的条件（常住本县，近年没有家庭暴力、家庭纠纷来访或涉案记录），不符合的逐条说明。"
        ),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.households = {
            h.number: h
            for h in Household.objects.filter(village=self.village)
            .select_related("village", "group")
            .prefetch_related("members")
        }
        self.nominations = {
            n.household_id: n
            for n in HonourNomination.objects.filter(village=self.village, year=self.year).select_related(
                "household"
            )
        }

    def apply_row(self, row: ImportRow) -> str:
        number = str(row.get("household") or "").strip()
        household = self.households.get(number) or self.households.get(number.zfill(4))
        if household is None:
            row.fail("household", gettext("本村没有户号 %(number)s 的家庭。") % {"number": number})
            raise RowInvalid
        head = household.head
        typed_head = (row.get("head") or "").strip()
        if typed_head and head is not None and typed_head != head.name:
            row.fail(
                "head",
                gettext("填的是 %(typed)s，户号 %(number)s 登记的户主是 %(head)s。请核对。")
                % {"typed": typed_head, "number": household.number, "head": head.name},
            )
        headings, unknown = parse_headings(row.get("headings") or "")
        if unknown:
            row.fail(
                "headings",
                gettext(
                    "“%(words)s”不是事迹类别；只能是夫妻和睦、孝老爱亲、亲善教子、热心公益、勤俭持家、廉洁文明、温馨幸福、邻里互助。"
                )
                % {"words": "、".join(unknown)},
            )
        if row.errors:
            raise RowInvalid
        record = self.nominations.get(household.pk) or HonourNomination(
            village=self.village, household=household, year=self.year
        )
        values = {
            "headings": headings,
            "story": (row.get("story") or "").strip(),
            "proposed_on": row.get("proposed_on"),
        }
        outcome = self.store(record, values, row, before_save=lambda: self.refuse_changes(record, row))
        self.nominations[household.pk] = record
        return outcome

    def refuse_changes(self, record: HonourNomination, row: ImportRow) -> None:
        """Refuse the row that changes a family no longer a proposal (``change_problems``)."""
        for problem in change_problems(nomination=record):
            row.fail(problem.field, problem.message)
        if row.errors:
            raise RowInvalid


# --- 三八红旗手（集体） ----------------------------------------------------------------------------------

KINDS = {str(label): value for value, label in AwardKind.choices}
LEVELS = {str(label): value for value, label in AwardLevel.choices}

AWARD_COLUMNS = (
    Column("unit", _("所属"), width=10, source="unit_label", help=_("村名或乡镇名；空着为导入的村。")),
    Column.of_field("kind", _("称号"), Kind.CHOICE, value_aliases=KINDS, width=14, required=True),
    Column("name", _("姓名或集体名称"), width=16, source="shown_name", required=True),
    Column.of_field("work_unit", _("工作单位或职务"), width=18, wrap=True),
    Column.of_field("level", _("级别"), Kind.CHOICE, value_aliases=LEVELS, width=10, required=True),
    Column.of_field("year", _("年度"), Kind.INT, width=8, required=True),
    Column.of_field("document", _("表彰文件"), width=20, required=True),
    Column.of_field("notes", _("备注"), width=16, wrap=True),
)

AWARDS = Table(
    title=_("三八红旗手（集体）名册"),
    columns=AWARD_COLUMNS,
    count_unit="个",
    landscape=True,
    notes=("三八红旗手为个人，三八红旗集体为单位；按年度和表彰文件登记。",),
)


def awards_queryset(user: Any, filters: ExportFilters) -> QuerySet[RedBannerAward]:
    """Return the awards of the year as the list shows them, the township's and then each village's."""
    year = filters.year or timezone.localdate().year
    qs = award_list(
        user=user,
        search=filters.search,
        year=year,
        kind=filters.extra.get("kind", ""),
        level=filters.extra.get("level", ""),
    )
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs.order_by("township__code", "village__code", "kind", "pk")


AWARDS_LEDGER = model_ledger(
    RedBannerAward,
    "red_banner",
    AWARDS,
    awards_queryset,
    pdf_per_village=False,  # one roster of the township, its own awards in it
)


class AwardImporter(LedgerImporter, ledger=AWARDS_LEDGER, model=RedBannerAward):
    """三八红旗手（集体）名册 (ledger ``red_banner``): one row an award of the village or the township."""

    noun = _("个")
    yearly = False  # each row says its year
    unique_key = None
    village_keys = ()
    field_columns = {"village": "unit", "township": "unit"}
    notes = (
        _("一个获奖个人或集体一行；同一称号、姓名（名称）、年度和表彰文件的已登记记录会被更新。"),
        _("获奖个人是本村登记的居民时按姓名找到她（同名的请在系统里选）；其他人只记姓名。"),
    )

    def prepare(self, rows: list[ImportRow]) -> None:
        self.township = self.village.township
        self.residents: dict[str, list[Person]] = {}
        for person in Person.objects.filter(village=self.village, deceased=False):
            self.residents.setdefault(person.name, []).append(person)
        self.awards = {
            (a.village_id, a.kind, a.shown_name, a.year, a.document): a
            for a in RedBannerAward.objects.filter(township=self.township).select_related("person")
        }

    def _unit(self, row: ImportRow):
        """Return the village of the row's award (None: the township's), or fail the row."""
        refused = gettext("“%(text)s”不是%(village)s：只能导入本村的（乡镇的由乡镇妇联导入）。")
        return self.own_unit(row, "unit", township_refused=refused, elsewhere=refused)

    def apply_row(self, row: ImportRow) -> str:
        village = self._unit(row)
        kind, name = row.get("kind"), (row.get("name") or "").strip()
        year, document = row.get("year"), (row.get("document") or "").strip()
        key = (village.pk if village is not None else None, kind, name, year, document)
        record = self.awards.get(key)
        if record is None:
            record = RedBannerAward(
                township=self.township, village=village, kind=kind, year=year, document=document
            )
            namesakes = (
                self.residents.get(name, []) if village is not None and kind == AwardKind.PERSON else []
            )
            if len(namesakes) == 1:
                record.person = namesakes[0]
            record.name = name
        values = {
            "work_unit": (row.get("work_unit") or "").strip(),
            "level": row.get("level"),
            "notes": (row.get("notes") or "").strip() if row.has("notes") else record.notes,
        }
        outcome = self.store(record, values, row)
        self.awards[key] = record
        return outcome
