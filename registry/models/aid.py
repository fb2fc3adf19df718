"""Aid programmes and pairings (issue 17, part 4): 春蕾计划, 贫困母亲 and the helpers paired with a
child or a woman (结对帮扶, 爱心妈妈, 代理家长), with the follow-ups of a pairing.

Each record is of one registered person (its village is hers, ``PersonsVillage``); the rules of who
may receive what are in ``registry.aid`` and ``clean()`` calls them, so forms, the import, the admin
and the API all judge a record the same way.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import amount_field, link_field
from federation.core.models import (
    DetailPage,
    DomainModel,
    alive_index,
    raise_problems,
    unique_among_alive,
    year_validators,
)
from registry.models.people import Person, phone_validator
from registry.models.registers import PersonsVillage

NOT_NEGATIVE = MinValueValidator(0, _("不能为负数。"))


def _this_year() -> int:
    return timezone.localdate().year


class AidKind(models.TextChoices):
    SPRING_BUD = "spring_bud", _("春蕾计划")
    POOR_MOTHER = "poor_mother", _("贫困母亲")


class AidRecord(DetailPage, PersonsVillage, DomainModel):
    """One grant of a programme to one person in one year: a 春蕾 girl's school-year grant, or the
    help a poor mother received (money and/or goods). Who may receive it: ``registry.aid.aid_problems``."""

    detail_url = "registry:aidrecord_detail"

    kind = models.CharField(_("项目"), max_length=12, choices=AidKind.choices, default=AidKind.SPRING_BUD)
    person = link_field(Person, "aid_records", _("受助人"))
    year = models.PositiveSmallIntegerField(_("年度"), default=_this_year, validators=year_validators())
    school_year = models.PositiveSmallIntegerField(
        _("学年"),
        null=True,
        blank=True,
        validators=year_validators(),
        help_text=_("春蕾计划填学年开始的年份：2025 即 2025—2026 学年；须是本年度或上一年。"),
    )
    school = models.CharField(_("就读学校及年级"), max_length=100, blank=True)
    given_on = models.DateField(_("发放日期"), default=timezone.localdate)
    amount = amount_field(_("金额（元）"), NOT_NEGATIVE)
    goods = models.CharField(_("物品"), max_length=200, blank=True, help_text=_("给的物品，如书包、棉被。"))
    funder = models.CharField(_("资助来源"), max_length=100, blank=True, help_text=_("出资的单位或个人。"))
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("春蕾计划、贫困母亲救助")
        ordering = ["-year", "kind", "person__name", "pk"]
        constraints = [
            unique_among_alive(
                ["person", "kind", "year"],
                name="aidrecord_one_per_year",
                message=_("此人这一年度已经登记过这个项目。"),
            )
        ]
        indexes = [alive_index(["village", "year"], name="aidrecord_village_year")]

    def __str__(self) -> str:
        name = self.person.name if self.person_id else ""
        return f"{name}（{self.year}年{self.get_kind_display()}）"

    @property
    def school_year_label(self) -> str:
        """Return the school year as printed: 2025—2026学年 ("" when none)."""
        return f"{self.school_year}—{self.school_year + 1}学年" if self.school_year else ""

    def clean(self) -> None:
        from registry.aid import aid_problems

        if not (self.person_id and self.year and self.given_on):
            return
        raise_problems(aid_problems(record=self), field="person")


class PairingKind(models.TextChoices):
    PAIRED = "paired", _("结对帮扶")
    CARING_MOTHER = "caring_mother", _("爱心妈妈")
    PROXY_PARENT = "proxy_parent", _("代理家长")


class Pairing(DetailPage, PersonsVillage, DomainModel):
    """A helper paired with a left-behind or hardship child or a poor woman, from ``since`` (to
    ``until``); what the helper gives is recorded as follow-ups (``PairingFollowUp``). Who may be
    paired: ``registry.aid.pairing_problems``."""

    detail_url = "registry:pairing_detail"

    kind = models.CharField(
        _("帮扶方式"), max_length=16, choices=PairingKind.choices, default=PairingKind.PAIRED
    )
    person = link_field(Person, "pairings", _("帮扶对象"))
    helper_name = models.CharField(_("帮扶人"), max_length=50)
    helper_unit = models.CharField(_("帮扶人单位"), max_length=100, blank=True)
    helper_phone = models.CharField(_("帮扶人电话"), max_length=20, blank=True, validators=[phone_validator])
    since = models.DateField(_("结对日期"), default=timezone.localdate)
    until = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("结对还在继续的空着。"))
    plan = models.CharField(
        _("帮扶内容"), max_length=200, blank=True, help_text=_("答应帮什么，如学费、陪伴。")
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶（爱心妈妈、代理家长）")
        ordering = ["-since", "-pk"]
        constraints = [
            unique_among_alive(
                ["person", "kind", "helper_name", "since"],
                name="pairing_once",
                message=_("这一结对已经登记过。"),
            )
        ]
        indexes = [alive_index(["village", "since"], name="pairing_village_since")]

    def __str__(self) -> str:
        name = self.person.name if self.person_id else ""
        return f"{self.helper_name} — {name}（{self.get_kind_display()}）"

    def clean(self) -> None:
        from registry.aid import pairing_problems

        if not (self.person_id and self.since):
            return
        raise_problems(pairing_problems(pairing=self), field="person")


class PairingFollowUp(DetailPage, DomainModel):
    """A follow-up of a pairing (跟进记录): the day, what was given (money, goods, hours), a note."""

    detail_url = "registry:pairingfollowup_detail"
    scope_path = "pairing__village"

    pairing = link_field(Pairing, "follow_ups", _("结对"))
    on = models.DateField(_("日期"), default=timezone.localdate)
    money = amount_field(_("钱（元）"), NOT_NEGATIVE)
    goods = models.CharField(_("物品"), max_length=200, blank=True)
    hours = amount_field(
        _("陪伴时长（小时）"),
        NOT_NEGATIVE,
        MaxValueValidator(24, _("一次跟进不超过 24 小时。")),
        max_digits=5,
        decimal_places=1,
    )
    note = models.TextField(_("情况"), blank=True, help_text=_("做了什么，孩子或她的近况。"))

    class Meta:
        verbose_name = verbose_name_plural = _("结对跟进")
        ordering = ["-on", "-pk"]
        indexes = [alive_index(["pairing", "on"], name="followup_pairing_on")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.pairing}" if self.pairing_id and self.on else str(_("结对跟进"))

    def clean(self) -> None:
        from registry.aid import follow_up_problems

        if not (self.pairing_id and self.on):
            return
        raise_problems(follow_up_problems(follow_up=self), field="on")
