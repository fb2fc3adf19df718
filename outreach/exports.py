"""The outreach ledgers in the county's layout (seed, 2014 plan items 6, 11, 13), declared with registers.

As in ``registry/exports.py``, each ledger's rows come from the selector its list page uses, so an
export shows what the list shows, through the same scoping rule: petitions through
``Petition.objects.for_user`` (domestic-violence cases only for the roles allowed to see them),
screening as the statistics page's counts (``screening_statistics``), never a person's result.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.labels import with_director
from federation.core.models import Village
from federation.ledgers.columns import flag
from federation.ledgers.exports import Column, Kind, Ledger, Table, Total
from federation.ledgers.exports.context import ExportContext, ExportFilters
from federation.ledgers.exports.registry import village_lookup
from federation.ledgers.model_ledgers import model_ledger
from outreach import selectors
from outreach.models import (
    HEALTH_DATA_PERMISSION,
    Petition,
    PetitionCategory,
    Screening,
    Visit,
    VolunteerActivity,
    VolunteerMember,
    outreach_settings,
)
from outreach.task_exports import DEADLINES_LEDGER  # noqa: F401 - the deadlines grid, registered with it
from registry.entries import NAME, PLACE, ages_note, person_columns


@dataclass(frozen=True)
class _TownshipLevelLedger(Ledger):
    """A ledger whose rows may belong to a township rather than a village (``village`` empty).

    Narrowed to one village (a township's PDF, village by village) it keeps that village's rows
    and the township-level rows of its township, i.e. what the village's director sees: without
    them a township team's members from the township's own units would be printed nowhere.
    """

    def records(self, user: Any, filters: ExportFilters, *, village_id: int | None = None) -> QuerySet:
        qs = self.queryset(user, filters)
        if village_id is None:
            return qs
        model = qs.model
        township = Village.objects.filter(pk=village_id).values("township_id")[:1]
        own = Q(**{village_lookup(model): village_id})
        return qs.filter(
            own | Q(**{f"{model.scope_path}__isnull": True, f"{model.township_path}_id__in": township})
        )


def _year(filters: ExportFilters) -> int:
    return filters.year or timezone.localdate().year


def _joined(*parts: str, sep: str = "；") -> str:
    return sep.join(part.strip() for part in parts if part and part.strip())


# -- 走访记录 ------------------------------------------------------------------------------------------

#: The columns of the visit ledger, out and back in (``outreach.imports.VisitImporter``): 是否贫困及原因
#: and 帮扶措施及结果 are two fields each, written ``是：因病致贫`` and ``联系农技站；结果：已解决``.
VISIT_COLUMNS = (
    # The resident's 村组 and 姓名 as the registers of persons write them; 村组 is read back here, to
    # tell namesakes apart.
    replace(PLACE, read=True, help=_("她所在的组，如 一组；本村有同名居民时按它区分。")),
    replace(NAME, aliases=("被走访人",), help=_("须是本村已登记的居民。")),
    Column(
        "id_number",
        _("身份证号"),
        Kind.ID_NUMBER,
        aliases=("身份证号码",),
        exported=False,
        help=_("选填：本村同组有同名居民时加这一列区分。"),
    ),
    Column.of_field(
        "visited_for",
        _("走访对象类别"),
        Kind.CHOICE,
        width=10,
        aliases=("走访对象",),
        value_aliases={"留守": "left_behind", "贫困": "poor"},
        required=True,
    ),
    Column.of_field("visited_on", _("走访日期"), Kind.DATE, aliases=("走访时间", "日期"), required=True),
    Column.of_field(
        "visitors", _("走访人"), width=10, wrap=True, required=True, help=_("几个人时用顿号隔开。")
    ),
    Column.of_field(
        "mode",
        _("方式"),
        Kind.CHOICE,
        width=9,
        aliases=("走访方式",),
        value_aliases={"入户": "home", "上门": "home", "电话": "phone"},
        help=_("空着为入户走访。"),
    ),
    Column(
        "poor",
        _("是否贫困及原因"),
        width=14,
        wrap=True,
        aliases=("是否贫困",),
        help=_("写 否，或 是：贫困原因，如 是：因病致贫；空着为否。"),
    ),
    Column("living", _("生产生活情况"), width=20, wrap=True, source="living_situation"),
    Column.of_field("difficulties", _("需要解决的困难"), width=20, wrap=True),
    Column(
        "help",
        _("帮扶措施及结果"),
        width=22,
        wrap=True,
        aliases=("帮扶措施",),
        help=_("帮扶措施；结果写在“结果：”之后，如 联系农技站；结果：已解决。"),
    ),
)

VISITS = Table(
    title=_("走访记录"),
    columns=VISIT_COLUMNS,
    notes=(
        "农村留守妇女每人每年至少走访两次；走访内容包括是否贫困及原因、生产生活情况、需要解决的困难"
        "（2014 年工作要点第 6 条）。",
        "本表列出本年度（按走访日期）的全部走访记录，一次走访一行，各类走访对象（留守妇女、贫困妇女、"
        "单亲母亲、流动妇女、涉案家庭、矛盾纠纷家庭、上访家庭等）都在内。",
    ),
    count_unit="次",
    landscape=True,
)


def visits_queryset(user: Any, filters: ExportFilters) -> QuerySet[Visit]:
    """Return the visits as the visit list shows them (search, year), village by village."""
    qs = selectors.visit_list(
        user=user,
        search=filters.search,
        year=_year(filters),
        visited_for=filters.extra.get("visited_for", ""),
    )
    if filters.village_id:
        qs = qs.filter(person__village_id=filters.village_id)
    if filters.group_id:
        qs = qs.filter(person__household__group_id=filters.group_id)
    return qs.order_by("person__village__code", "visited_on", "person__group_number", "person__name", "pk")


def visit_row(visit: Visit, ctx: ExportContext) -> dict[str, Any]:
    help_text = _joined(visit.help_given, f"结果：{visit.result.strip()}" if visit.result.strip() else "")
    return {
        "poor": _joined("是" if visit.is_poor else "否", visit.poverty_reason, sep="："),
        "help": help_text,
    }


VISITS_LEDGER = model_ledger(Visit, "visits", VISITS, visits_queryset, row=visit_row)

# -- 两癌检查登记表 (one row a screening: health data) -------------------------------------------------

#: The individual ledger's columns, out and back in (``outreach.imports.ScreeningImporter``).
SCREENING_COLUMNS = (
    *person_columns(sex_and_birth=False),
    Column.of_field(
        "kind",
        _("检查项目"),
        Kind.CHOICE,
        width=12,
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
    Column.of_field("screened_on", _("检查日期"), Kind.DATE, aliases=("检查时间",), required=True),
    Column.of_field("institution", _("检查机构"), width=12, aliases=("检查单位", "检查医院"), required=True),
    Column.of_field(
        "result",
        _("检查结果"),
        Kind.CHOICE,
        value_aliases={"正常": "normal", "无异常": "normal", "异常": "abnormal", "确诊": "cancer"},
        required=True,
    ),
    Column.of_field("follow_up", _("随访情况"), width=12, wrap=True),
    flag("treated", _("是否已治疗"), width=7, aliases=("已治疗",)),
    Column.of_field("treatment", _("治疗情况"), width=12, wrap=True),
    flag("relief_applied", _("是否申请救助"), width=7, aliases=("申请救助",)),
    flag("relief_granted", _("是否获得救助"), width=7, aliases=("获得救助",)),
    Column.of_field(
        "relief_amount",
        _("救助金额（元）"),
        Kind.MONEY,
        total=Total.SUM,
        aliases=("救助金额",),
        help=_("获得救助时必填，没有获得救助时空着。"),
    ),
)

SCREENING = Table(
    title=_("两癌检查登记表"),
    columns=SCREENING_COLUMNS,
    count_unit="人次",
    landscape=True,
    notes=(
        "本表为本年度两癌（宫颈癌、乳腺癌）检查的个人记录，一人一项检查一行（2014 年工作要点第 10 条）。",
        "检查结果属于个人健康信息，只有有权查看两癌检查个人结果的人员可以导出，请妥善保管，不得外传。",
        ages_note,
    ),
)


def screening_queryset(user: Any, filters: ExportFilters) -> QuerySet[Screening]:
    """Return the screenings of the list page (``selectors.screening_list``: none at all for a role
    without the health-data permission, the rule of every screening page), village by village."""
    qs = selectors.screening_list(user=user, search=filters.search, year=_year(filters))
    if filters.village_id:
        qs = qs.filter(person__village_id=filters.village_id)
    if filters.group_id:
        qs = qs.filter(person__household__group_id=filters.group_id)
    return qs.order_by("person__village__code", "person__group_number", "person__name", "kind", "pk")


SCREENING_LEDGER = model_ledger(
    Screening,
    "screening",
    SCREENING,
    screening_queryset,
    # On the screening list, which only the roles with the health-data permission open; each export
    # is in the export log like any other.
    permission=HEALTH_DATA_PERMISSION,
)

# -- 两癌检查统计表 ---------------------------------------------------------------------------------------


def _screening_settings(ctx: ExportContext) -> Any:
    return outreach_settings(ctx.year)


def _overall_rate_note(ctx: ExportContext) -> str:
    """Return the rate of the whole export (or of the one village of a village's PDF)."""
    statistics = selectors.screening_statistics(user=ctx.user, year=ctx.year)
    total = statistics.total
    if isinstance(ctx.unit, Village):
        total = next((row for row in statistics.rows if row.village.pk == ctx.unit.pk), total)
    rate = f"{total.coverage}%" if total.coverage is not None else "—"
    return f"适龄妇女检查率（合计）：{rate}；合计行的检查率栏空着，因百分比不能相加。"


SCREENING_STATISTICS = Table(
    title=_("两癌检查统计表"),
    columns=(
        Column("village", _("村"), width=12),
        Column("eligible", _("适龄妇女"), Kind.INT, total=Total.SUM),
        Column("screened", _("已检查"), Kind.INT, total=Total.SUM),
        Column("coverage", _("检查率（%）"), Kind.INT, width=8),
        Column("abnormal", _("异常"), Kind.INT, total=Total.SUM),
        Column("precancerous", _("癌前病变"), Kind.INT, total=Total.SUM),
        Column("confirmed", _("确诊"), Kind.INT, total=Total.SUM),
        Column("treated", _("已治疗"), Kind.INT, total=Total.SUM),
        Column("relief_applied", _("申请救助"), Kind.INT, total=Total.SUM),
        Column("relief_granted", _("获得救助"), Kind.INT, total=Total.SUM),
        Column("relief_amount", _("救助金额（元）"), Kind.MONEY, total=Total.SUM),
    ),
    count_unit="个村",
    landscape=True,
    notes=(
        lambda ctx: (
            f"适龄妇女指统计截止日年满 {_screening_settings(ctx).screening_min_age} 至 "
            f"{_screening_settings(ctx).screening_max_age} 周岁的在世妇女；"
            "检查率为适龄妇女中已检查的人数占适龄妇女的百分比。"
        ),
        "各栏均为人数（一人做两项检查计一人）；异常指初筛异常及以后查出癌前病变或癌症的人数。本表只有人数，"
        "没有任何个人的检查结果。",
        _overall_rate_note,
    ),
)


def screening_statistics_queryset(user: Any, filters: ExportFilters) -> QuerySet[Village]:
    """Return the villages of the statistics page (one row each), through the scoping rule."""
    qs = Village.objects.for_user(user)
    if filters.village_id:
        qs = qs.filter(pk=filters.village_id)
    return qs.order_by("code")


def screening_statistics_rows(qs: QuerySet[Village], ctx: ExportContext) -> Iterator[dict[str, Any]]:
    """Yield each village's counts from ``selectors.screening_statistics``: numbers, never a person."""
    statistics = selectors.screening_statistics(user=ctx.user, year=ctx.year)
    by_village = {row.village.pk: row for row in statistics.rows}
    for pk, name in qs.values_list("pk", "name"):
        row = by_village.get(pk)
        if row is None:  # outside the selector's scope: never happens through for_user
            continue
        yield {
            "village": name,
            "eligible": row.eligible,
            "screened": row.screened,
            "coverage": row.coverage,
            "abnormal": row.abnormal,
            "precancerous": row.precancerous,
            "confirmed": row.confirmed,
            "treated": row.treated,
            "relief_applied": row.relief_applied,
            "relief_granted": row.relief_granted,
            "relief_amount": row.relief_amount,
        }


SCREENING_STATISTICS_LEDGER = model_ledger(
    Screening,
    "screening_statistics",
    SCREENING_STATISTICS,
    screening_statistics_queryset,
    rows=screening_statistics_rows,
    list_views=("outreach:screening_statistics",),
    pdf_per_village=False,  # one table of the villages with its 合计, not a book per village
)

# -- 巾帼志愿者服务队登记表 -------------------------------------------------------------------------------

#: A row's team, in the members' ledger and the activities' alike: its 服务队 and 所属 (told apart by
#: the latter when the village and the township have teams of one name).
TEAM = Column(
    "team",
    _("服务队"),
    width=16,
    wrap=True,
    source="team.name",
    aliases=("服务队名称", "队名"),
    required=True,
)
LEVEL = Column("level", _("所属"), width=9, source="team.level_label")

#: The members' ledger, out and back in (``outreach.imports.VolunteerImporter``); 服务特长 is the team's
#: speciality and its detail, ``其他：剪纸``.
VOLUNTEER_COLUMNS = (
    TEAM,
    replace(LEVEL, help=_("村名，或 乡镇级；空着为本村。")),
    Column(
        "speciality",
        _("服务特长"),
        width=12,
        wrap=True,
        help=_("服务队的特长，新的服务队必填：文艺宣传、法律维权、家庭教育等；“其他”写成 其他：说明。"),
    ),
    Column("leader", _("队长"), width=8, source="team.leader"),
    Column.of_field("name", _("队员姓名"), width=9, aliases=("姓名",), required=True),
    Column(
        "village",
        _("所在村"),
        width=9,
        help=_("本村村名；空着为乡镇单位的人员（如中心校），只有乡镇妇联可以导入。"),
    ),
    Column.of_field("work_unit", _("工作单位"), width=14, wrap=True),
    Column.of_field("phone", _("联系电话"), Kind.PHONE, aliases=("电话",)),
    Column("member_speciality", _("个人特长"), width=12, wrap=True, source="speciality"),
    Column.of_field("joined_on", _("加入时间"), Kind.DATE, help=_("空着为今天。")),
)

VOLUNTEERS = Table(
    title=_("巾帼志愿者服务队登记表"),
    columns=VOLUNTEER_COLUMNS,
    count_unit="人",
    landscape=True,
    notes=(
        with_director(
            "各村{director}根据自己的特长选择参加一个或多个巾帼志愿者服务队（2014 年工作要点第 11 条）；"
            "一人参加几个队时每队列一行。"
        ),
        "“所属”为村名或“乡镇级”；乡镇级服务队的队员也可来自乡镇单位（如中心校、乡政府女职工）。",
    ),
)


def volunteers_queryset(user: Any, filters: ExportFilters) -> QuerySet[VolunteerMember]:
    """Return the members as the member list shows them, team by team (township teams last)."""
    qs = selectors.member_list(user=user).filter(team__deleted_at__isnull=True)
    search = filters.search.strip()
    if search:  # the member list searches name and team, the team list team and village
        by_team = Q(team__name__contains=search) | Q(team__village__name__contains=search)
        qs = qs.filter(Q(name__contains=search) | by_team)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs.select_related("team__village").order_by(
        "team__township__code",
        F("team__village__code").asc(nulls_last=True),
        "team__name",
        "name",
        "pk",
    )


def volunteer_row(member: VolunteerMember, ctx: ExportContext) -> dict[str, Any]:
    team = member.team
    return {
        "speciality": _joined(team.get_speciality_display(), team.speciality_detail, sep="："),
        "village": member.village.name if member.village_id else "",
    }


VOLUNTEERS_LEDGER = model_ledger(
    VolunteerMember,
    "volunteers",
    VOLUNTEERS,
    volunteers_queryset,
    ledger_class=_TownshipLevelLedger,
    row=volunteer_row,
    list_views=("outreach:volunteerteam_list", "outreach:volunteermember_list"),
    yearly=False,
)

# -- 志愿服务活动记录 -------------------------------------------------------------------------------------

#: The activities' ledger, out and back in (``outreach.imports.ActivityImporter``): one row an activity.
ACTIVITY_COLUMNS = (
    TEAM,
    replace(LEVEL, help=_("村名或 乡镇级；本村和乡镇有同名的服务队时按它区分。")),
    Column.of_field("held_on", _("活动日期"), Kind.DATE, aliases=("日期", "活动时间"), required=True),
    Column.of_field("title", _("活动名称"), width=16, wrap=True, aliases=("活动主题",), required=True),
    Column.of_field("place", _("地点"), width=12, wrap=True, aliases=("活动地点",)),
    Column.of_field("content", _("活动内容"), width=24, wrap=True),
    Column(
        "participants",
        _("参加队员"),
        width=22,
        wrap=True,
        help=_("服务队已登记的队员姓名，用顿号分开。"),
    ),
    Column("members", _("队员人数"), Kind.INT, total=Total.SUM, read=False),
    Column(
        "others",
        _("其他参加人数"),
        Kind.INT,
        total=Total.SUM,
        source="other_participants",
        help=_("不是队员的参加者人数；空着为 0。"),
    ),
    Column.of_field("people_served", _("服务群众（人次）"), Kind.INT, total=Total.SUM, aliases=("服务人次",)),
)

ACTIVITIES = Table(
    title=_("巾帼志愿服务活动记录"),
    columns=ACTIVITY_COLUMNS,
    count_unit="次",
    landscape=True,
    notes=(
        "巾帼志愿者服务队配合县乡开展的志愿服务活动（2014 年工作要点第 11 条）；"
        "本年度（按活动日期）一次活动一行。",
        "“所属”为村名或“乡镇级”；队员人数为参加队员栏列出的人数。",
    ),
)


def activities_queryset(user: Any, filters: ExportFilters) -> QuerySet[VolunteerActivity]:
    """Return the activities of the year as the activity list shows them, team by team (township's last)."""
    qs = selectors.activity_list(user=user, search=filters.search, year=_year(filters)).filter(
        team__deleted_at__isnull=True
    )
    if filters.village_id:
        qs = qs.filter(team__village_id=filters.village_id)
    members = VolunteerMember.objects.for_user(user).order_by("name", "pk")
    return (
        qs.select_related("team__village")
        .prefetch_related(Prefetch("participants", queryset=members))
        .order_by(
            "team__township__code",
            F("team__village__code").asc(nulls_last=True),
            "held_on",
            "team__name",
            "pk",
        )
    )


def activity_row(activity: VolunteerActivity, ctx: ExportContext) -> dict[str, Any]:
    members = [m.name for m in activity.participants.all()]
    return {"participants": "、".join(members), "members": len(members)}


ACTIVITIES_LEDGER = model_ledger(
    VolunteerActivity,
    "volunteer_activities",
    ACTIVITIES,
    activities_queryset,
    ledger_class=_TownshipLevelLedger,
    row=activity_row,
)

# -- 来信来访登记表 ---------------------------------------------------------------------------------------

#: The columns of the petitions ledger, out and back in (``outreach.imports.PetitionImporter``): 处理方式
#: holds the handling, the office it was referred to and the mediation (``转有关部门（县法院）；调解成功``),
#: 回访 the return visit's date and what it found (``2014-03-20 已和好``).
PETITION_COLUMNS = (
    Column(
        "village",
        _("村"),
        width=9,
        source="village.name",
        aliases=("所在村",),
        help=_("本村村名，可以空着。"),
    ),
    Column.of_field("received_on", _("日期"), Kind.DATE, aliases=("受理日期", "来访日期"), required=True),
    Column.of_field(
        "way",
        _("方式"),
        Kind.CHOICE,
        width=6,
        aliases=("来信来访方式",),
        value_aliases={"信": "letter", "访": "visit", "电话": "phone"},
        required=True,
    ),
    Column(
        "petitioner",
        _("来访人"),
        width=9,
        source="petitioner",
        aliases=("来访人姓名", "姓名"),
        required=True,
        help=_("本村只有一位同名居民时记为这位居民。"),
    ),
    Column.of_field(
        "category",
        _("类别"),
        Kind.CHOICE,
        width=9,
        value_aliases={"家暴": "domestic_violence", "婚姻": "marriage_family"},
        required=True,
    ),
    Column.of_field(
        "summary", _("事由"), width=22, wrap=True, aliases=("反映的问题", "反映问题"), required=True
    ),
    Column.of_field("received_by", _("接待人"), width=8, required=True),
    Column(
        "handling",
        _("处理方式"),
        width=14,
        wrap=True,
        required=True,
        help=_(
            "村内调解处理、上报乡镇妇联 或 转有关部门（写明部门，如 转有关部门（县法院））；"
            "调解过的在后面加“；调解成功”或“；调解未成功”。"
        ),
    ),
    Column.of_field("result", _("结果"), width=18, wrap=True, aliases=("处理结果",)),
    Column(
        "return_visit",
        _("回访"),
        width=16,
        wrap=True,
        aliases=("回访情况",),
        help=_("回访日期和情况，中间空一格，如 2014-03-20 已和好；没有回访的空着。"),
    ),
    Column.of_field("closed_on", _("结案日期"), Kind.DATE, help=_("未结案的空着。")),
)

PETITIONS = Table(
    title=_("来信来访登记表"),
    columns=PETITION_COLUMNS,
    count_unit="件",
    landscape=True,
    notes=(
        lambda ctx: _petitions_note(ctx),
        "处理方式分村内调解处理、上报乡镇妇联、转有关部门（2014 年工作要点第 13 条）。",
    ),
)


def petitions_queryset(user: Any, filters: ExportFilters) -> QuerySet[Petition]:
    """Return the petitions through ``selectors.petition_list`` (the list page's selector).

    It reads ``Petition.objects.for_user``, which leaves domestic-violence cases out for roles
    without ``outreach.view_domestic_violence``, exactly as on the list page. With the list's
    ``state`` (its export buttons always carry it) the cases are the list's, by the list's rule
    (``petition_selection``); without it (the command line) they are all the cases of the year.
    The list's ``category`` narrows both.
    """
    state = filters.extra.get("state", "")
    category = filters.extra.get("category", "")
    if state:
        selection = selectors.petition_selection(state=state, category=category, year=filters.year)
    else:
        selection = {"category": category, "year": _year(filters)}
    qs = selectors.petition_list(user=user, search=filters.search, **selection)
    if filters.village_id:
        qs = qs.filter(village_id=filters.village_id)
    return qs.order_by("village__code", "received_on", "pk")


def _petitions_note(ctx: ExportContext) -> str:
    """Return which cases the ledger lists: those of the year, or the list's tab and category."""
    filters = ctx.filters
    state = filters.extra.get("state", "")
    if not state:
        text = (
            "本表列出本年度受理（按受理日期）的全部来信来访，已结案和未结案的都列出；结案日期空着的为未结案。"
        )
    elif state == "open":
        text = "本表列出截至填报日期尚未结案的来信来访（不论受理年度）。"
    else:
        period = f"{filters.year}年度受理（按受理日期）的" if filters.year else "各年度受理的"
        kind = "已结案的" if state == "closed" else "全部"
        text = f"本表列出{period}{kind}来信来访；结案日期空着的为未结案。"
    category = filters.extra.get("category", "")
    if category:
        text += f"类别：{dict(PetitionCategory.choices).get(category, category)}。"
    return text


def petition_row(petition: Petition, ctx: ExportContext) -> dict[str, Any]:
    handling = petition.get_handling_display()
    if petition.referred_to:
        handling = f"{handling}（{petition.referred_to}）"
    if petition.mediation:
        handling = _joined(handling, petition.get_mediation_display())
    return_visit = ""
    if petition.return_visit_on:
        return_visit = _joined(f"{petition.return_visit_on:%Y-%m-%d}", petition.return_visit_note, sep=" ")
    return {"handling": handling, "return_visit": return_visit}


PETITIONS_LEDGER = model_ledger(Petition, "petitions", PETITIONS, petitions_queryset, row=petition_row)
