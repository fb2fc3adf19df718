"""Visits to residents (走访记录, the director's 民情日记), seed 2014 plan item 6: to left-behind and poor
women, and to any other group the office visits."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.models import DomainModel, alive_index, raise_problems, soft_delete_managers
from outreach.models.base import OutreachQuerySet, WomanRecord
from registry.models import Person, PersonsVillage


class VisitMode(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话走访")


class VisitedFor(models.TextChoices):
    """The group a person is visited for: the women's registers, the groups the 2012 plan watches
    (the three kinds of 平安家庭 risk: 涉案, 矛盾纠纷 and 上访 families), and 其他."""

    LEFT_BEHIND = "left_behind", _("留守妇女")
    POOR = "poor", _("贫困妇女")
    SINGLE_MOTHER = "single_mother", _("单亲母亲")
    MIGRANT = "migrant", _("流动妇女")
    CASE_FAMILY = "case_family", _("涉案家庭")
    DISPUTE_FAMILY = "dispute_family", _("矛盾纠纷家庭")
    PETITION_FAMILY = "petition_family", _("上访家庭")
    OTHER = "other", _("其他")


class Visit(PersonsVillage, WomanRecord, DomainModel):
    """One visit to a resident, for one group (``visited_for``): who went, how, what they found and
    what was done.

    Any resident may be visited; a visit for a women's register needs her on it (``outreach.rules``).
    Every visit of a woman of the left-behind register counts towards the visits she is owed in the
    calendar year of ``visited_on``. Its village is the person's, kept on it (``PersonsVillage``).
    """

    detail_url = "outreach:visit_detail"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="visits", verbose_name=_("被走访人")
    )
    visited_for = models.CharField(
        _("走访对象类别"), max_length=16, choices=VisitedFor.choices, default=VisitedFor.LEFT_BEHIND
    )
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    mode = models.CharField(_("走访方式"), max_length=8, choices=VisitMode.choices, default=VisitMode.HOME)
    visitors = models.CharField(_("走访人"), max_length=100, help_text=_("几个人一起走访时用顿号隔开。"))
    is_poor = models.BooleanField(_("是否贫困"), default=False)
    poverty_reason = models.CharField(_("贫困原因"), max_length=200, blank=True)
    living_situation = models.TextField(_("生产生活情况"), blank=True)
    difficulties = models.TextField(_("需要解决的困难"), blank=True)
    help_given = models.TextField(_("帮扶措施"), blank=True, help_text=_("走访时做了什么、答应了什么。"))
    result = models.TextField(_("帮扶结果"), blank=True)

    objects, all_objects = soft_delete_managers(OutreachQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["person", "visited_on"], name="visit_person_date"),
            alive_index(["village", "visited_on", "id"], name="visit_village_date"),
        ]

    def label(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.get_mode_display()}"

    def clean(self) -> None:
        from outreach.rules import visit_problems

        if not (self.person_id and self.visited_on):
            return
        raise_problems(visit_problems(visit=self), field="person")
