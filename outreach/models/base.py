"""What every outreach model shares: the yearly settings and the scope of township-level rows."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from federation.core.models import (
    DetailPage,
    DomainModel,
    DomainQuerySet,
    YearlyValues,
    raise_problems,
    soft_delete_managers,
)
from federation.core.scoping import TOWNSHIP_RECORDS, membership_of, scope_q, sees_everything

if TYPE_CHECKING:
    from federation.core.models import Township, Village


class OutreachQuerySet(DomainQuerySet):
    """Scoped like every domain record (``for_user``, ``editable_by``)."""


class TownshipLevelQuerySet(OutreachQuerySet):
    """Rows that belong to a village, or to a township as a whole (their village path is empty).

    The model declares ``scope_path`` (to its village, may be empty) and ``township_path`` (to its
    township, never empty). A row with a village is seen as every village row is; a row without
    one is seen by the users whose scope holds a village of its township (``Township.for_user``):
    the township's directors, staff and chair, the county viewer, the administrator. Deny by
    default still holds: a row that reaches neither a village nor a township is seen by nobody
    but the administrator.
    """

    def for_user(self, user) -> TownshipLevelQuerySet:
        from federation.core.models import Township

        condition = scope_q(user, self.model.scope_path)
        if condition is None:
            return self.none()
        if not condition:
            return self
        townships = Township.objects.for_user(user).values("pk")
        township_level = Q(**{f"{self.model.scope_path}__isnull": True}) & Q(
            **{f"{self.model.township_path}__in": townships}
        )
        return self.filter(condition | township_level)

    def editable_by(self, user) -> TownshipLevelQuerySet:
        """Return the rows ``user`` may change: township-level rows only with ``TOWNSHIP_RECORDS``."""
        qs = self.for_user(user)
        if not user.has_perm(TOWNSHIP_RECORDS):
            qs = qs.exclude(**{f"{self.model.scope_path}__isnull": True})
        return qs


class WomanRecord(DetailPage):
    """What a record of one woman (a visit, a screening) shares: its village is hers, its page is
    ``detail_url``, its text her name and the record's ``label()`` (the kind of record before she
    is chosen)."""

    def label(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        if not self.person_id:
            return str(self._meta.verbose_name)
        return f"{self.person.name} {self.label()}"

    @property
    def village(self):
        return self.person.village


class TownshipLevelRecord(DomainModel):
    """A domain record of a village or of a whole township, scoped by ``TownshipLevelQuerySet``.

    Its ``scope_path`` (to the village, may be empty) and ``township_path`` are by default its own
    ``village`` (empty for the township's own) and ``township``; a record reaching them through another
    record declares its own.
    """

    scope_path = "village"
    township_path = "township"

    objects, all_objects = soft_delete_managers(TownshipLevelQuerySet)

    class Meta:
        abstract = True


class UnitRecord(TownshipLevelRecord):
    """A township-level record that names its unit itself: its own ``township`` and, unless it is the
    township's own, its ``village`` (each subclass declares the two, with its own related name)."""

    class Meta:
        abstract = True

    @property
    def unit(self) -> Village | Township | None:
        """Return its unit: its village, else its township (None while neither is chosen)."""
        return self.village if self.village_id else (self.township if self.township_id else None)

    @property
    def unit_name(self) -> str:
        """Return the name of its unit: its village's, else its township's ("" while neither is chosen)."""
        unit = self.unit
        return unit.name if unit is not None else ""

    def take_village_township(self) -> None:
        """Set its township to its village's when only the village is chosen."""
        if self.village_id and not self.township_id:
            self.township_id = self.village.township_id

    def refuse_village_of_other_township(self) -> None:
        """Raise ``ValidationError`` when its village is not of its township (``outreach.rules``)."""
        from outreach.rules import other_township_problems

        raise_problems(other_township_problems(self), field="village")


class SettingsQuerySet(models.QuerySet):
    """Yearly settings hold no person and no village: every member may read them."""

    def for_user(self, user) -> SettingsQuerySet:
        """Return every row for a member or the administrator, none for anybody else."""
        return self if sees_everything(user) or membership_of(user) is not None else self.none()


class HistoriedModel(models.Model):
    """A settings model with history; ``inherit=True`` keeps its history model in this package's module."""

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class OutreachSettings(HistoriedModel, YearlyValues):
    """The outreach rule values of one year; a year without a row uses the defaults.

    Visits: seed, 2014 plan item 6 (一年不少于两次). Screening ages: the national two-cancer
    programme screens women aged 35 to 64; ages are counted on the year's reference date
    (``federation.core.models.YearSettings.ages_on``).
    """

    visits_per_year = models.PositiveSmallIntegerField(_("每名留守妇女每年至少走访（次）"), default=2)
    screening_min_age = models.PositiveSmallIntegerField(_("两癌检查适龄下限（周岁）"), default=35)
    screening_max_age = models.PositiveSmallIntegerField(_("两癌检查适龄上限（周岁）"), default=64)
    honour_clean_years = models.PositiveSmallIntegerField(
        _("最美家庭：家庭成员无纠纷、涉案记录的年限（年）"),
        default=3,
        help_text=_("推荐日期前这么多年内（那一天也算）有家庭暴力、家庭纠纷来访或涉案记录的家庭不能推荐。"),
    )
    honour_notice_days = models.PositiveSmallIntegerField(
        _("最美家庭公示天数"), default=7, help_text=_("公示开始那天算第 1 天；期满后第二天起才能确认。")
    )

    objects = models.Manager.from_queryset(SettingsQuerySet)()

    ranges = (("screening_min_age", "screening_max_age", _("两癌检查适龄下限不能大于上限。")),)

    class Meta(YearlyValues.Meta):
        verbose_name = verbose_name_plural = _("走访与两癌年度设置")
        permissions = [("view_overview", _("查看乡镇概览"))]

    def __str__(self) -> str:
        return f"{self.year} 年度走访与两癌设置"

    def clean(self) -> None:
        super().clean()
        if self.honour_notice_days < 1:
            raise ValidationError({"honour_notice_days": _("公示至少 1 天。")})
        if self.visits_per_year < 1:
            raise ValidationError({"visits_per_year": _("每年至少走访 1 次。")})


def outreach_settings(year: int) -> OutreachSettings:
    """Return the outreach settings of ``year``: its row, or an unsaved row holding the defaults."""
    return OutreachSettings.of_year(year)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of calendar ``year``."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)
