"""Honours (issue 17 part 2): 寻找"最美家庭" with its public notice, and the roster of 三八红旗手（集体）.

Seed, 2014 plan 二: a village proposes a family whose deeds stand out under the plan's headings
(夫妻和睦、孝老爱亲…); the family must have no member with unlawful or immoral conduct and live in
the county (在本州区域内常驻家庭). The township reviews the proposals, puts the chosen ones on a
public notice (公示) for a number of days (a yearly setting), records each objection with how it was
handled, and confirms them once the notice has run. The same meeting of the plan (一) names the
三八红旗手 and 三八红旗集体 of the year: the roster keeps them (a person or a unit, level, year,
document). The rules are in ``outreach.honour_rules``; the steps in ``outreach.honours``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import link_field, township_field, village_field
from federation.core.models import (
    DetailPage,
    DomainModel,
    Township,
    raise_problems,
    soft_delete_managers,
    unique_among_alive,
    year_validators,
)
from federation.core.scoping import TOWNSHIP_RECORDS
from outreach.models.base import OutreachQuerySet, UnitRecord
from registry.models import Household, Person

#: The permission of the township's steps: choose, publish the notice, record objections, confirm.
REVIEW_HONOURS = "outreach.review_honournomination"


def _this_year() -> int:
    return timezone.localdate().year


class FamilyHeading(models.TextChoices):
    """The headings of the 2014 plan's 最美家庭 (条件和范围 1)."""

    HARMONY = "harmony", _("夫妻和睦")
    FILIAL = "filial", _("孝老爱亲")
    PARENTING = "parenting", _("亲善教子")
    PUBLIC_GOOD = "public_good", _("热心公益")
    THRIFT = "thrift", _("勤俭持家")
    INTEGRITY = "integrity", _("廉洁文明")
    WARMTH = "warmth", _("温馨幸福")
    NEIGHBOURS = "neighbours", _("邻里互助")


class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", _("村推荐")
    DECLINED = "declined", _("未入选")
    IN_NOTICE = "in_notice", _("公示中")
    CONFIRMED = "confirmed", _("已确认")
    WITHDRAWN = "withdrawn", _("异议成立，已撤销")


class HonourNoticeQuerySet(OutreachQuerySet):
    """A notice is public in its township: every member whose scope holds one of its villages reads
    it (``Township.for_user``); it is changed by the township roles (``TOWNSHIP_RECORDS``)."""

    def for_user(self, user) -> HonourNoticeQuerySet:
        return self.filter(township__in=Township.objects.for_user(user).values("pk"))

    def editable_by(self, user) -> HonourNoticeQuerySet:
        if user is None or not user.has_perm(TOWNSHIP_RECORDS):
            return self.none()
        return self.for_user(user)


class HonourNotice(DetailPage, DomainModel):
    """A township's public notice (公示) of the families chosen: from ``starts_on`` for ``days`` days.

    The notice runs from its first day to its ``days``-th day, both included (``ends_on``); the
    families on it are confirmed from the day after (``honour_rules.notice_confirmable``).
    """

    detail_url = "outreach:honournotice_detail"

    # A notice reaches no village: its scope is its township (``HonourNoticeQuerySet``), its write
    # side the township's records (``federation.core.scoping.in_scope``).
    scope_path = "village_of_notice"
    township_path = "township"

    township = township_field("honour_notices")
    year = models.PositiveSmallIntegerField(_("年度"), default=_this_year, validators=year_validators())
    starts_on = models.DateField(_("公示开始日期"), default=timezone.localdate)
    days = models.PositiveSmallIntegerField(_("公示天数"), help_text=_("公示开始那天算第 1 天。"))
    phone = models.CharField(
        _("监督电话"), max_length=30, blank=True, help_text=_("对公示有异议的，打这个电话或到乡镇妇联反映。")
    )
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True, editable=False)

    objects, all_objects = soft_delete_managers(HonourNoticeQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("最美家庭公示")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        township = self.township.name if self.township_id else ""
        return f"{township}{self.year}年度“最美家庭”公示"

    @property
    def ends_on(self) -> dt.date | None:
        """The notice's last day (``honour_rules.notice_ends_on``), once it has a first day and days."""
        from outreach.honour_rules import notice_ends_on

        if self.starts_on and self.days:
            return notice_ends_on(starts_on=self.starts_on, days=self.days)
        return None

    @property
    def village_of_notice(self) -> None:
        """A notice belongs to no village (see ``scope_path``)."""
        return None

    def clean(self) -> None:
        from outreach.honour_rules import notice_problems

        raise_problems(notice_problems(notice=self), field="days")


class HonourNominationQuerySet(OutreachQuerySet):
    def editable_by(self, user) -> HonourNominationQuerySet:
        """Return the proposals ``user`` may change: only while they are proposals (a family on a
        notice is changed by the township's steps, never by its form)."""
        from outreach.honour_rules import changeable_statuses

        return super().editable_by(user).filter(status__in=changeable_statuses())


class HonourNomination(DetailPage, DomainModel):
    """A village's proposal of one household as a 最美家庭 of a year, and where it stands."""

    detail_url = "outreach:honournomination_detail"
    scope_path = "village"

    village = village_field("honour_nominations")
    household = link_field(Household, "honour_nominations", _("推荐家庭"))
    year = models.PositiveSmallIntegerField(_("年度"), default=_this_year, validators=year_validators())
    proposed_on = models.DateField(
        _("推荐日期"), default=timezone.localdate, help_text=_("条件按这一天核实。")
    )
    headings = models.JSONField(_("事迹类别"), default=list, blank=True)
    story = models.TextField(_("主要事迹"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=NominationStatus.choices,
        default=NominationStatus.PROPOSED,
        editable=False,
    )
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True, editable=False)
    notice = link_field(HonourNotice, "nominations", _("公示"), optional=True, editable=False)
    confirmed_on = models.DateField(_("确认日期"), null=True, blank=True, editable=False)

    objects, all_objects = soft_delete_managers(HonourNominationQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("最美家庭推荐")
        ordering = ["-year", "village__code", "household__group_number", "household__number"]
        permissions = [(REVIEW_HONOURS.split(".")[1], _("审核最美家庭推荐、公示和确认"))]
        constraints = [
            unique_among_alive(
                ["household", "year"],
                name="honour_nomination_once_a_year",
                message=_("这一户本年度已经推荐过了。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.family_label}" if self.household_id else str(self._meta.verbose_name)

    @property
    def family_label(self) -> str:
        """Return the family as the notice names it: 户主某某家庭 (its 户号 when it has no head)."""
        if not self.household_id:
            return ""
        head = self.household.head
        return f"{head.name}家庭" if head else f"{self.household}家庭"

    @property
    def headings_label(self) -> str:
        """Return the headings in words, 、 between them, in the plan's order."""
        labels = dict(FamilyHeading.choices)
        return "、".join(str(labels[h]) for h in FamilyHeading.values if h in (self.headings or []))

    def clean(self) -> None:
        from outreach.honour_rules import nomination_problems

        if self.household_id and not self.village_id:
            self.village_id = self.household.village_id
        raise_problems(nomination_problems(nomination=self), field="household")


class HonourObjection(DomainModel):
    """An objection to a family on a notice (公示异议), and how the township handled it."""

    scope_path = "nomination__village"

    class Outcome(models.TextChoices):
        OPEN = "", _("待核实")
        UPHELD = "upheld", _("异议成立（撤销推荐）")
        REJECTED = "rejected", _("异议不成立")

    nomination = link_field(HonourNomination, "objections", _("被反映家庭"))
    received_on = models.DateField(_("收到日期"), default=timezone.localdate)
    raised_by = models.CharField(_("反映人"), max_length=50, blank=True, help_text=_("匿名的空着。"))
    content = models.TextField(_("异议内容"))
    outcome = models.CharField(
        _("核实结果"), max_length=10, choices=Outcome.choices, blank=True, default=Outcome.OPEN
    )
    handling = models.TextField(_("核实处理情况"), blank=True)
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("公示异议")
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} 异议" if self.received_on else str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        return self.nomination.get_absolute_url()

    def clean(self) -> None:
        from outreach.honour_rules import objection_problems

        if not self.nomination_id:
            return
        raise_problems(objection_problems(objection=self), field="received_on")


class AwardKind(models.TextChoices):
    PERSON = "person", _("三八红旗手")
    COLLECTIVE = "collective", _("三八红旗集体")


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("全国")
    PROVINCE = "province", _("省级")
    CITY = "city", _("市（州）级")
    COUNTY = "county", _("县级")


class RedBannerAward(DetailPage, UnitRecord):
    """One 三八红旗手 (a person) or 三八红旗集体 (a unit) of a year, of a village or of the township."""

    detail_url = "outreach:redbanneraward_detail"

    township = township_field("red_banner_awards")
    village = village_field(
        "red_banner_awards", optional=True, help_text=_("空着表示乡镇（乡镇干部、乡镇单位或全乡镇）。")
    )
    kind = models.CharField(_("称号"), max_length=12, choices=AwardKind.choices)
    person = link_field(Person, "red_banner_awards", _("获奖人（已登记居民）"), optional=True)
    name = models.CharField(
        _("姓名或集体名称"),
        max_length=100,
        blank=True,
        help_text=_("集体填名称，如 幸福乡妇联；获奖人没有登记为居民时填她的姓名。"),
    )
    work_unit = models.CharField(_("工作单位或职务"), max_length=100, blank=True)
    level = models.CharField(_("级别"), max_length=10, choices=AwardLevel.choices)
    year = models.PositiveSmallIntegerField(_("年度"), default=_this_year, validators=year_validators())
    document = models.CharField(_("表彰文件"), max_length=80, help_text=_("如：凉妇发(2014)5号。"))
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("三八红旗手（集体）")
        ordering = ["-year", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.shown_name}"

    @property
    def shown_name(self) -> str:
        return self.person.name if self.person_id else self.name

    @property
    def unit_label(self) -> str:
        return self.unit_name

    def clean(self) -> None:
        from outreach.honour_rules import award_problems

        self.take_village_township()
        raise_problems(award_problems(award=self), field="name")
