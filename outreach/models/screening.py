"""Two-cancer screening (两癌检查: 宫颈癌, 乳腺癌), seed 2014 plan item 10. Health data."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import amount_field
from federation.core.models import (
    DomainModel,
    alive_index,
    raise_problems,
    soft_delete_managers,
    unique_among_alive,
    year_validators,
)
from outreach.models.base import OutreachQuerySet, WomanRecord
from registry.models import Person, PersonsVillage

HEALTH_DATA_PERMISSION = "outreach.view_health_data"


def _this_year() -> int:
    return timezone.localdate().year


class ScreeningKind(models.TextChoices):
    CERVICAL = "cervical", _("宫颈癌检查")
    BREAST = "breast", _("乳腺癌检查")


class ScreeningResult(models.TextChoices):
    NORMAL = "normal", _("未见异常")
    ABNORMAL = "abnormal", _("初筛异常")
    PRECANCEROUS = "precancerous", _("癌前病变")
    CANCER = "cancer", _("确诊癌症")


class ScreeningQuerySet(OutreachQuerySet):
    """A person's screening results are health data.

    ``for_user`` keeps them for the roles holding ``outreach.view_health_data`` (a village's
    director for her village, the township staff and chair), inside their scope; anyone else gets
    no row at all, so every page, form, export and admin screen built on it shows nothing of them.
    Counts go through ``for_counting`` instead, which applies the scope only and whose rows must
    never leave a selector other than as numbers.
    """

    def for_user(self, user) -> ScreeningQuerySet:
        if user is None or not getattr(user, "is_authenticated", False):
            return self.none()
        if not user.has_perm(HEALTH_DATA_PERMISSION):
            return self.none()
        return super().for_user(user)

    def for_counting(self, user) -> ScreeningQuerySet:
        """Return the rows inside ``user``'s scope, to be aggregated into counts only."""
        return super().for_user(user)


class Screening(PersonsVillage, WomanRecord, DomainModel):
    """One woman's cervical or breast screening of a year, its result, follow-up and relief. Its
    village is the woman's, kept on it (``PersonsVillage``): a township's list counts its year's
    screenings from one index instead of the county's 148,000 joined to their women."""

    detail_url = "outreach:screening_detail"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("受检妇女")
    )
    year = models.PositiveSmallIntegerField(_("年度"), default=_this_year, validators=year_validators())
    kind = models.CharField(_("检查项目"), max_length=10, choices=ScreeningKind.choices)
    screened_on = models.DateField(_("检查日期"))
    institution = models.CharField(_("检查机构"), max_length=100)
    result = models.CharField(_("检查结果"), max_length=14, choices=ScreeningResult.choices)
    follow_up = models.TextField(_("随访情况"), blank=True)
    treated = models.BooleanField(_("是否已治疗"), default=False)
    treatment = models.TextField(_("治疗情况"), blank=True)
    relief_applied = models.BooleanField(_("是否申请救助"), default=False)
    relief_granted = models.BooleanField(_("是否获得救助"), default=False)
    relief_amount = amount_field(_("救助金额（元）"), MinValueValidator(0, _("金额不能为负数。")))

    objects, all_objects = soft_delete_managers(ScreeningQuerySet)

    #: What a screening records of the woman's check (the form's fields after year, person and kind,
    #: and the values an import row sets).
    RECORDED = ("screened_on", "institution", "result", "follow_up", "treated", "treatment")
    RECORDED += ("relief_applied", "relief_granted", "relief_amount")

    class Meta:
        verbose_name = verbose_name_plural = _("两癌检查")
        # As a paper register: village by village, group by group (a township's list read from one index).
        ordering = ["-year", "village_id", "person__group_number", "person__name", "kind"]
        permissions = [(HEALTH_DATA_PERMISSION.split(".")[1], _("查看两癌检查个人结果"))]
        indexes = [alive_index(["village", "year"], name="screening_village_year")]
        constraints = [
            unique_among_alive(
                ["person", "year", "kind"],
                name="screening_one_per_kind_and_year",
                message=_("这位妇女这一年度的这项检查已经登记过。"),
            )
        ]

    def label(self) -> str:
        # Never the result: this text lands in messages, the admin's log and page titles.
        return f"{self.year} 年{self.get_kind_display()}"

    def clean(self) -> None:
        from outreach.rules import screening_problems

        raise_problems(screening_problems(screening=self), field="person")
