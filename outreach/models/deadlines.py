"""Register deadlines of a year and the villages' reports (seed, 2014 plan items 2 to 7 and 11)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.models import DomainModel, Village
from outreach.models.base import HistoriedModel, OutreachAllManager, OutreachManager, SettingsQuerySet


class Register(models.TextChoices):
    """The registers a village reports to the township by a deadline, in the seed's order."""

    WOMEN_LEDGER = "women_ledger", _("妇女基本信息台账")
    LEFT_BEHIND_CHILDREN = "left_behind_children", _("留守儿童")
    HARDSHIP_CHILDREN = "hardship_children", _("特殊困难儿童")
    LEFT_BEHIND_WOMEN = "left_behind_women", _("农村留守妇女")
    POOR_WOMEN = "poor_women", _("农村贫困妇女")
    VOLUNTEERS = "volunteers", _("巾帼志愿者")


#: Short column headings (two lines of two characters) for the village × register table on a phone.
REGISTER_SHORT = {
    Register.WOMEN_LEDGER: _("妇女\n台账"),
    Register.LEFT_BEHIND_CHILDREN: _("留守\n儿童"),
    Register.HARDSHIP_CHILDREN: _("困境\n儿童"),
    Register.LEFT_BEHIND_WOMEN: _("留守\n妇女"),
    Register.POOR_WOMEN: _("贫困\n妇女"),
    Register.VOLUNTEERS: _("巾帼\n志愿"),
}

#: (month, day) of each register's deadline in the 2014 plan: 30 March for the women's ledger
#: (item 2), 18 March for the children, left-behind women, poor women and volunteers (3–5, 7, 11).
DEFAULT_DEADLINES: dict[str, tuple[int, int]] = {
    Register.WOMEN_LEDGER: (3, 30),
    Register.LEFT_BEHIND_CHILDREN: (3, 18),
    Register.HARDSHIP_CHILDREN: (3, 18),
    Register.LEFT_BEHIND_WOMEN: (3, 18),
    Register.POOR_WOMEN: (3, 18),
    Register.VOLUNTEERS: (3, 18),
}


class RegisterDeadline(HistoriedModel):
    """A register's deadline for one year, set by the administrator; without a row the default holds."""

    year = models.PositiveSmallIntegerField(_("年度"))
    register = models.CharField(_("台账"), max_length=24, choices=Register.choices)
    due_on = models.DateField(_("上报期限"))

    objects = models.Manager.from_queryset(SettingsQuerySet)()

    class Meta:
        verbose_name = _("台账上报期限")
        verbose_name_plural = _("台账上报期限")
        ordering = ["-year", "due_on", "register"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "register"],
                name="registerdeadline_one_per_year",
                violation_error_message=_("这一年度的这本台账已经设置了期限。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_register_display()}：{self.due_on:%Y-%m-%d}"

    def clean(self) -> None:
        if self.due_on and self.year and self.due_on.year != self.year:
            raise ValidationError({"due_on": _("上报期限应在本年度内。")})


def register_deadlines(year: int) -> dict[str, dt.date]:
    """Return each register's deadline in ``year``: the year's row, else the 2014 plan's date."""
    deadlines = {register: dt.date(year, month, day) for register, (month, day) in DEFAULT_DEADLINES.items()}
    for register, due_on in RegisterDeadline.objects.filter(year=year).values_list("register", "due_on"):
        deadlines[register] = due_on
    return deadlines


class RegisterReport(DomainModel):
    """A village's statement that one register of a year is complete and handed to the township."""

    scope_path = "village"

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="register_reports", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    register = models.CharField(_("台账"), max_length=24, choices=Register.choices)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上报人"),
    )

    objects = OutreachManager()
    all_objects = OutreachAllManager()

    class Meta:
        verbose_name = _("台账上报")
        verbose_name_plural = _("台账上报")
        ordering = ["-year", "village__code", "register"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year", "register"],
                condition=models.Q(deleted_at__isnull=True),
                name="registerreport_once_per_year",
                violation_error_message=_("这本台账本年度已经上报过。"),
            )
        ]

    def __str__(self) -> str:
        village = self.village.name if self.village_id else ""
        return f"{village} {self.year} {self.get_register_display()}"

    @property
    def reported_on(self) -> dt.date:
        """Return the local (Asia/Shanghai) day of the report."""
        return timezone.localdate(self.reported_at)
