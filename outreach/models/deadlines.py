"""Register deadlines of a year and the villages' reports (seed, 2014 plan items 2 to 7 and 11).

Which registers have a deadline, and its date in the 2014 plan, is each register's declaration
(``Deadline`` in ``federation.web.registers``); a year's row here moves a deadline for that year.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import user_field, village_field
from federation.core.models import DomainModel, soft_delete_managers, unique_among_alive, year_validators
from federation.web.registers import deadline_choices, with_deadlines
from outreach.models.base import HistoriedModel, OutreachQuerySet, SettingsQuerySet


def register_choices() -> list[tuple[str, str]]:
    """Return the registers with a deadline (their declarations, ``federation.web.registers``)."""
    return deadline_choices()


class RegisterDeadline(HistoriedModel):
    """A register's deadline for one year, set by the administrator; without a row the default holds."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    register = models.CharField(_("台账"), max_length=24, choices=register_choices)
    due_on = models.DateField(_("上报期限"))

    objects = models.Manager.from_queryset(SettingsQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = _("台账上报期限")
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
    """Return each register's deadline in ``year``: the year's row, else its declared (2014 plan's) date."""
    deadlines = {r.deadline.key: dt.date(year, r.deadline.month, r.deadline.day) for r in with_deadlines()}
    for register, due_on in RegisterDeadline.objects.filter(year=year).values_list("register", "due_on"):
        deadlines[register] = due_on
    return deadlines


class RegisterReport(DomainModel):
    """A village's statement that one register of a year is complete and handed to the township."""

    scope_path = "village"

    village = village_field("register_reports")
    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    register = models.CharField(_("台账"), max_length=24, choices=register_choices)
    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    reported_by = user_field(_("上报人"))

    objects, all_objects = soft_delete_managers(OutreachQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("台账上报")
        ordering = ["-year", "village__code", "register"]
        constraints = [
            unique_among_alive(
                ["village", "year", "register"],
                name="registerreport_once_per_year",
                message=_("这本台账本年度已经上报过。"),
            )
        ]

    def __str__(self) -> str:
        village = self.village.name if self.village_id else ""
        return f"{village} {self.year} {self.get_register_display()}"

    @property
    def reported_on(self) -> dt.date:
        """Return the local (Asia/Shanghai) day of the report."""
        return timezone.localdate(self.reported_at)
