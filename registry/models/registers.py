"""The registers of the 2014 work plan (seed, third plan, items 2 to 8 and 1)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.labels import DIRECTOR
from federation.core.models import (
    DomainModel,
    Village,
    alive_index,
    problem_errors,
    unique_among_alive,
    year_settings,
    year_validators,
)
from federation.ledgers import archives
from registry.models.people import Education, Person, PoliticalStatus, phone_validator


def _this_year() -> int:
    return timezone.localdate().year


class PersonsVillage(models.Model):
    """A record of one person (its ``person``) that keeps her village on itself (``fill_derived``;
    never typed): a village's list of these records reads its own rows from one index instead of the
    whole county's records joined to their persons. A register entry, a visit (``outreach``).

    ``registry.services.records_follow`` moves the records with her to another village.
    """

    scope_path = "village"

    # Indexed by each model as its lists read it (village first: ``alive_index``), not alone.
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
        verbose_name=_("村"),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # First of every check (``full_clean``, a form's, an import's): the record is judged, and its
        # scope checked, with the village it will be saved with.
        self.fill_derived()
        super().clean_fields(exclude=exclude)

    def fill_derived(self) -> None:
        """Set its village, its person's (``save()`` and the checks call it; a bulk load calls it on each)."""
        if self.person_id:
            self.village_id = self.person.village_id


class RegisterEntry(PersonsVillage, DomainModel):
    """A person's entry in a yearly register; rules are judged at the year's reference date."""

    url_name: str  # "registry:<name>_detail"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("姓名"))
    year = models.PositiveSmallIntegerField(_("登记年度"), default=_this_year, validators=year_validators())
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        abstract = True
        ordering = ["village_id", "person__group_number", "person__name"]
        constraints = [  # named for each register: "poorwoman_one_per_year", …
            unique_among_alive(
                ["person", "year"], name="%(class)s_one_per_year", message=_("此人这一年度已经登记过。")
            )
        ]
        indexes = [alive_index(["village", "year"], name="%(class)s_village_year")]

    def __str__(self) -> str:
        return f"{self.person.name}（{self.year}）" if self.person_id else str(self._meta.verbose_name)

    def get_absolute_url(self) -> str:
        return reverse(self.url_name, args=[self.pk])

    @property
    def ages_on(self):
        """Return the date ages are counted at for this entry: its year's reference date."""
        return year_settings(self.year).ages_on

    def problems(self) -> list:
        """Return the register's failed rules for this entry (see ``registry.rules``)."""
        return []

    def check_delete(self) -> None:
        archives.refuse_if_closed(self)

    def clean(self) -> None:
        archives.refuse_if_closed(self)  # a closed year (归档) takes no change, whatever the path
        if not self.person_id:
            return
        errors = problem_errors(self.problems(), field="person")
        clash = type(self).objects.filter(person_id=self.person_id, year=self.year).exclude(pk=self.pk)
        if clash.exists():
            errors.setdefault("person", []).append(
                ValidationError(_("%(year)s 年度已登记过此人。") % {"year": self.year}, code="duplicate")
            )
        if errors:
            raise ValidationError(errors)


class GuardianRelation(models.TextChoices):
    GRANDPARENT = "grandparent", _("祖父母")
    MATERNAL_GRANDPARENT = "maternal_grandparent", _("外祖父母")
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    RELATIVE = "relative", _("其他亲属")
    OTHER = "other", _("其他")


class ChildCategory(models.TextChoices):
    LEFT_BEHIND = "left_behind", _("留守儿童（父母外出务工）")
    PARENT_UNABLE = "parent_unable", _("父母一方外出、另一方无法照料")


class ParentsAway(models.TextChoices):
    BOTH = "both", _("父母双方外出")
    FATHER = "father", _("父亲外出")
    MOTHER = "mother", _("母亲外出")


class AwayReason(models.TextChoices):
    WORK = "work", _("外出务工")
    DETENTION = "detention", _("在看守所")
    OTHER = "other", _("其他")


class _ChildFields(models.Model):
    guardian_name = models.CharField(_("监护人姓名"), max_length=50)
    guardian_relation = models.CharField(_("与儿童关系"), max_length=24, choices=GuardianRelation.choices)
    guardian_phone = models.CharField(
        _("监护人电话"), max_length=20, blank=True, validators=[phone_validator]
    )
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=20, blank=True)

    class Meta:
        abstract = True


class LeftBehindChild(RegisterEntry, _ChildFields):
    """A left-behind child (留守儿童): under 16, whose parents (one or both) are away (item 3)."""

    url_name = "registry:leftbehindchild_detail"

    category = models.CharField(
        _("类别"), max_length=16, choices=ChildCategory.choices, default=ChildCategory.LEFT_BEHIND
    )
    parents_away = models.CharField(_("外出情况"), max_length=8, choices=ParentsAway.choices)
    away_reason = models.CharField(
        _("外出原因"), max_length=12, choices=AwayReason.choices, default=AwayReason.WORK
    )
    boarding = models.BooleanField(_("是否寄宿"), default=False)
    regular_contact = models.BooleanField(_("是否每月与父母联系"), default=True)
    health = models.CharField(_("健康状况"), max_length=50, blank=True, default="健康")

    class Meta(RegisterEntry.Meta):
        verbose_name = _("留守儿童")
        verbose_name_plural = _("留守儿童")

    def problems(self) -> list:
        from registry.rules import child_problems, left_behind_child_family_problems, school_problems

        on = self.ages_on
        return [
            *child_problems(child=self.person, on=on, label=_("留守儿童")),
            *left_behind_child_family_problems(
                child=self.person,
                parents_away=self.parents_away,
                away_reason=self.away_reason,
                category=self.category,
                notes=self.notes,
                on=on,
            ),
            *school_problems(child=self.person, grade=self.grade, boarding=self.boarding, on=on),
        ]


class HardshipReason(models.TextChoices):
    BOTH_DEAD = "both_dead", _("父母双亡")
    OTHER_MISSING = "other_missing", _("一方死亡、另一方失踪")
    OTHER_REMARRIED = "other_remarried", _("一方死亡、另一方改嫁（再婚）离开")
    OTHER_IMPRISONED = "other_imprisoned", _("一方死亡、另一方服刑")
    OTHER_DISABLED = "other_disabled", _("一方死亡、另一方重残或重病")
    OTHER = "other", _("其他原因")


class HardshipChild(RegisterEntry, _ChildFields):
    """A child in special hardship (特殊困难儿童): lost parents, raised by relatives (item 4)."""

    url_name = "registry:hardshipchild_detail"

    reason = models.CharField(_("困难原因"), max_length=20, choices=HardshipReason.choices)
    reason_detail = models.CharField(_("原因说明"), max_length=200, blank=True)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("特殊困难儿童")
        verbose_name_plural = _("特殊困难儿童")

    def problems(self) -> list:
        from registry.rules import child_problems, hardship_child_family_problems, school_problems

        on = self.ages_on
        problems = child_problems(child=self.person, on=on, label=_("特殊困难儿童"))
        if self.reason == HardshipReason.OTHER and not self.reason_detail.strip():
            from federation.core.rules import Problem

            problems.append(Problem("reason_detail", str(_("选择“其他原因”时请说明原因。")), "reason_detail"))
        problems += hardship_child_family_problems(child=self.person, reason=self.reason)
        problems += school_problems(child=self.person, grade=self.grade, boarding=False, on=on)
        return problems


class LivesWith(models.TextChoices):
    ALONE = "alone", _("单独居住")
    FAMILY = "family", _("与其他家庭成员居住")


class LeftBehindWoman(RegisterEntry):
    """A rural left-behind woman (农村留守妇女), item 5; her husband is read from her household."""

    url_name = "registry:leftbehindwoman_detail"

    lives_with = models.CharField(
        _("居住情况"), max_length=8, choices=LivesWith.choices, default=LivesWith.FAMILY
    )
    at_registration_place = models.BooleanField(_("居住在户籍地"), default=True)
    needs = models.TextField(_("困难和需求"), blank=True)

    class Meta(RegisterEntry.Meta):
        verbose_name = _("农村留守妇女")
        verbose_name_plural = _("农村留守妇女")

    def problems(self) -> list:
        from registry.rules import left_behind_woman_problems

        return left_behind_woman_problems(
            woman=self.person, on=self.ages_on, at_registration_place=self.at_registration_place
        )


class PovertyReason(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    LABOUR = "labour", _("缺劳力")
    SKILLS = "skills", _("缺技术")
    FUNDS = "funds", _("缺资金")
    EDUCATION = "education", _("因学")
    DISASTER = "disaster", _("因灾")
    OTHER = "other", _("其他")


class PoorWoman(RegisterEntry):
    """A rural poor woman (农村贫困妇女), item 7: household income below the line, and her protection."""

    url_name = "registry:poorwoman_detail"

    reason = models.CharField(_("致贫原因"), max_length=12, choices=PovertyReason.choices)
    reason_detail = models.CharField(_("原因说明"), max_length=200, blank=True)
    in_dibao = models.BooleanField(_("是否纳入低保"), default=False)
    paired = models.BooleanField(_("是否结对帮扶"), default=False)
    paired_by = models.CharField(_("帮扶人或单位"), max_length=100, blank=True)
    relief = models.BooleanField(_("是否给予救助"), default=False)
    relief_what = models.CharField(_("救助内容"), max_length=100, blank=True)
    relief_amount = models.DecimalField(
        _("救助金额（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("金额不能为负数。"))],
    )

    class Meta(RegisterEntry.Meta):
        verbose_name = _("农村贫困妇女")
        verbose_name_plural = _("农村贫困妇女")

    #: What lists and exports of these entries fetch with them (``selectors.register_entries``).
    prefetch_with_entries = ("person__household__incomes",)

    @property
    def household_income(self):
        """Return her household's per-capita net income of this record's year (None: not entered)."""
        household = self.person.household if self.person.household_id else None
        income = household.income_of(self.year) if household is not None else None
        return income.per_capita_income if income is not None else None

    def problems(self) -> list:
        from federation.core.rules import Problem
        from registry.rules import live_household, poor_woman_problems

        household = live_household(self.person)
        problems = poor_woman_problems(woman=self.person, household=household, year=self.year)
        if self.paired and not self.paired_by.strip():
            problems.append(Problem("paired_by", str(_("结对帮扶时请填写帮扶人或单位。")), "paired_by"))
        if self.relief and not self.relief_what.strip():
            problems.append(Problem("relief_what", str(_("给予救助时请填写救助内容。")), "relief_what"))
        return problems


class CommitteeSeat(models.TextChoices):
    NONE = "none", _("未进村两委")
    BRANCH = "branch", _("进村党支部委员会")
    COMMITTEE = "committee", _("进村民委员会")
    BOTH = "both", _("进村两委（交叉任职）")


class VillageDirector(DomainModel):
    """A village women's director (村妇代会主任登记表; her title is ``DIRECTOR_TITLE``), item 8."""

    scope_path = "village"
    #: What a list of directors shows (the register's page and the admin).
    list_columns = (
        "name",
        "village",
        "work_unit",
        "in_office_since",
        "committee_seat",
        "on_payroll",
        "phone",
    )

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="directors", verbose_name=_("村")
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("对应居民")
    )
    name = models.CharField(_("姓名"), max_length=50)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    birth_month = models.DateField(_("出生年月"), help_text=_("只看年和月。"))
    education = models.CharField(_("文化程度"), max_length=10, choices=Education.choices)
    political_status = models.CharField(_("政治面貌"), max_length=10, choices=PoliticalStatus.choices)
    in_office_since = models.DateField(_("任职时间"))
    committee_seat = models.CharField(_("进村两委情况"), max_length=10, choices=CommitteeSeat.choices)
    part_time_posts = models.CharField(_("兼职情况"), max_length=200, blank=True)
    yearly_income = models.DecimalField(
        _("年收入（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, _("收入不能为负数。"))],
    )
    on_payroll = models.BooleanField(_("是否在编"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    left_office_on = models.DateField(_("离任时间"), null=True, blank=True)

    class Meta:
        verbose_name = DIRECTOR
        verbose_name_plural = DIRECTOR
        ordering = ["village__code", "-in_office_since"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:villagedirector_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.person_id and self.village_id and self.person.village_id != self.village_id:
            errors["person"] = _("这位居民不属于这个村。")
        if self.left_office_on and self.in_office_since and self.left_office_on < self.in_office_since:
            errors["left_office_on"] = _("离任时间不能早于任职时间。")
        if self.birth_month and self.in_office_since and self.in_office_since <= self.birth_month:
            errors["in_office_since"] = _("任职时间应在出生之后。")
        if errors:
            raise ValidationError(errors)


class WomensHome(DomainModel):
    """A village's women's home (妇女之家), item 1: signboard and equipment received."""

    scope_path = "village"

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="womens_homes", verbose_name=_("村")
    )
    signed_up = models.BooleanField(_("是否挂牌"), default=False)
    signed_up_on = models.DateField(_("挂牌时间"), null=True, blank=True)
    has_office = models.BooleanField(_("是否设妇联办公室"), default=False)
    equipment = models.TextField(_("已配备设备"), blank=True, help_text=_("每行一项，如：桌椅 10 套"))
    equipment_received_on = models.DateField(_("设备到位时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("妇女之家")
        verbose_name_plural = _("妇女之家")
        ordering = ["village__code"]
        constraints = [
            unique_among_alive(
                ["village"], name="womenshome_one_per_village", message=_("这个村已经登记了妇女之家。")
            )
        ]

    def __str__(self) -> str:
        return f"{self.village.name}妇女之家" if self.village_id else str(_("妇女之家"))

    def get_absolute_url(self) -> str:
        return reverse("registry:womenshome_detail", args=[self.pk])

    def clean(self) -> None:
        if self.signed_up_on and not self.signed_up:
            raise ValidationError({"signed_up": _("填了挂牌时间，请勾选“是否挂牌”。")})
