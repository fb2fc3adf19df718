"""Households and persons: the base of every register (DESIGN.md, "The registers")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from federation.core.fields import link_field, village_field
from federation.core.idnumber import Sex, age_on, parse_id_number
from federation.core.models import (
    DetailPage,
    DomainModel,
    VillageGroup,
    alive_index,
    unique_among_alive,
    year_validators,
)

phone_validator = RegexValidator(r"^[0-9\-+ ]{5,20}$", _("电话号码只能包含数字、空格、+ 和 -。"))


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    OTHER = "other", _("其他")


class SexChoice(models.TextChoices):
    FEMALE = Sex.FEMALE, _("女")
    MALE = Sex.MALE, _("男")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("未婚")
    MARRIED = "married", _("已婚")
    DIVORCED = "divorced", _("离异")
    WIDOWED = "widowed", _("丧偶")


class Education(models.TextChoices):
    NONE = "none", _("文盲或半文盲")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科及以上")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("群众")
    LEAGUE = "league", _("共青团员")
    PARTY = "party", _("中共党员")
    OTHER = "other", _("民主党派")


class Employment(models.TextChoices):
    UNEMPLOYED = "unemployed", _("未就业")
    FARMING = "farming", _("务农")
    MIGRANT = "migrant", _("外出务工")
    BUSINESS = "business", _("个体经营")
    EMPLOYED = "employed", _("单位就业")
    STUDENT = "student", _("在校学生")
    RETIRED = "retired", _("退休")
    PRESCHOOL = "preschool", _("学龄前")


class WorkPlace(models.TextChoices):
    HOME = "", _("在家")
    IN_COUNTY = "in_county", _("县内")
    OUT_COUNTY = "out_county", _("县外省内")
    OUT_PROVINCE = "out_province", _("省外")


def _stored_id_number(raw: str | None) -> str | None:
    """Return the ID number as stored: None when blank, 18 upper-case characters when valid.

    Every path that skips ``full_clean()`` (bulk loads, scripts) still stores the same form.
    """
    value = (raw or "").strip().replace(" ", "").upper()
    if not value:
        return None
    try:
        return parse_id_number(value).number
    except ValidationError:
        return value  # full_clean() reports it; nothing here hides a bad number


class Household(DetailPage, DomainModel):
    """A household (户) of a village group, with its members."""

    detail_url = "registry:household_detail"
    scope_path = "village"

    village = village_field("households")
    group = link_field(VillageGroup, "households", _("村民小组"))
    number = models.CharField(_("户号"), max_length=20)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    # Its group's number, kept on it (``fill_derived``; never typed) so that the list of a county's
    # households is read in order (村, 组, 户号) from one index instead of joining every group.
    group_number = models.PositiveSmallIntegerField(null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("户")
        ordering = ["village_id", "group_number", "number"]
        constraints = [
            unique_among_alive(
                ["village", "number"],
                name="household_unique_number_in_village",
                message=_("本村已有这个户号，请换一个户号。"),
            )
        ]
        indexes = [
            models.Index(fields=["village", "id"], name="household_village_id"),
            alive_index(["village", "group_number", "number", "id"], name="household_book_order"),
            models.Index(fields=["number"], name="household_number"),  # the header's search by 户号
        ]

    def __str__(self) -> str:
        group = f"{self.group} " if self.group_id else ""
        return f"{group}{self.number}号" if self.number else str(self._meta.verbose_name)

    @property
    def head(self) -> Person | None:
        return next((p for p in self.members.all() if p.relation == Relation.HEAD), None)

    def clean(self) -> None:
        if self.group_id and self.village_id and self.group.village_id != self.village_id:
            raise ValidationError({"group": _("村民小组不属于这个村。")})

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        self.fill_derived()
        super().save(*args, **kwargs)
        if not adding:  # its members keep its group and number (household_keys)
            # Derived copies, not what anyone types: no version is raised (Person.save derives them again).
            members = Person.all_objects.filter(household=self)
            members.update(group_number=self.group_number, household_number=self.number)

    def fill_derived(self) -> None:
        """Set its group's number (``save()`` calls it; a bulk load calls it on each household)."""
        self.group_number = self.group.number if self.group_id else None

    def income_of(self, year: int) -> HouseholdIncome | None:
        """Return the household's per-capita net income of ``year`` (uses prefetched ``incomes``)."""
        return next((i for i in self.incomes.all() if i.year == year), None)

    def income_change(self, year: int, amount) -> HouseholdIncome | None:
        """Return the income record of ``year`` set to ``amount``, to be checked and saved.

        ``None`` when that year's stored figure is already ``amount`` (nothing to save).
        """
        income = HouseholdIncome.objects.filter(household=self, year=year).first()
        if income is None:
            return HouseholdIncome(household=self, year=year, per_capita_income=amount)
        if income.per_capita_income == amount:
            return None
        income.per_capita_income = amount
        return income  # its version is raised by whoever saves it (domain_record_raise_version)

    def changes_kept_elsewhere(self, *, since: Household) -> list[tuple[str, str]]:
        """Return the yearly incomes changed since ``since`` was saved: the household's form edits them."""
        if since.updated_at is None:
            return []
        label = HouseholdIncome._meta.get_field("per_capita_income").verbose_name
        changed = HouseholdIncome.all_objects.filter(household=self, updated_at__gt=since.updated_at)
        return [
            (f"{label}（{income.year}）", "" if income.is_deleted else str(income.per_capita_income))
            for income in changed.order_by("year")
        ]

    @property
    def latest_income(self) -> HouseholdIncome | None:
        """Return the income of the latest year entered (uses prefetched ``incomes``)."""
        return max(self.incomes.all(), key=lambda i: i.year, default=None)


class HouseholdIncome(DomainModel):
    """A household's per-capita net income (家庭人均纯收入) of one year.

    Each year has its own figure: a register of a year (poor women) is judged on that year's income,
    and entering a new year's income changes nothing in an earlier year's register.
    """

    scope_path = "household__village"

    household = link_field(Household, "incomes", _("户"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(
        _("年度"),
        validators=year_validators(),
    )
    per_capita_income = models.DecimalField(
        _("家庭人均纯收入（元）"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0, _("收入不能为负数。"))],
    )

    class Meta:
        verbose_name = verbose_name_plural = _("家庭人均纯收入")
        ordering = ["household", "-year"]
        constraints = [
            unique_among_alive(
                ["household", "year"],
                name="household_income_one_per_year",
                message=_("这一户这一年的收入已经填写过。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.per_capita_income} 元"


class Person(DetailPage, DomainModel):
    """A resident (居民). One person is one row; the ID number is unique across the installation."""

    detail_url = "registry:person_detail"
    scope_path = "village"

    village = village_field("persons")
    household = link_field(Household, "members", _("户"), optional=True)
    relation = models.CharField(_("与户主关系"), max_length=10, choices=Relation.choices, blank=True)
    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        null=True,
        blank=True,
        unique=True,
        help_text=_("不知道时可以先空着，系统会列入待补录。"),
        error_messages={"unique": _("这个身份证号已经登记过。")},
    )
    id_last4 = models.CharField(max_length=4, blank=True, editable=False, db_index=True)
    sex = models.CharField(
        _("性别"),
        max_length=1,
        choices=SexChoice.choices,
        blank=True,
        help_text=_("填了身份证号会自动得出。"),
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    marital_status = models.CharField(_("婚姻状况"), max_length=10, choices=MaritalStatus.choices, blank=True)
    education = models.CharField(_("文化程度"), max_length=10, choices=Education.choices, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=10, choices=PoliticalStatus.choices, blank=True
    )
    employment = models.CharField(_("就业状况"), max_length=12, choices=Employment.choices, blank=True)
    work_place = models.CharField(_("务工地点"), max_length=12, choices=WorkPlace.choices, blank=True)
    work_place_detail = models.CharField(_("务工单位或地址"), max_length=100, blank=True)
    away_since = models.DateField(_("外出务工起始日期"), null=True, blank=True)
    deceased = models.BooleanField(_("已故"), default=False)
    # Her household's group number and number, kept on her (``household_keys``; never typed) so that
    # a list is read in the order of the register book (村, 组, 户号) from one index instead of
    # joining and sorting every household of a county.
    group_number = models.PositiveSmallIntegerField(null=True, editable=False)
    household_number = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("居民")
        ordering = ["village_id", "group_number", "household_number", "id"]
        indexes = [
            models.Index(fields=["village", "id"], name="person_village_id"),
            alive_index(["village", "group_number", "household_number", "id"], name="person_book_order"),
            models.Index(fields=["phone"], name="person_phone"),  # the header's search by phone
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = person_problems(self)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        person._saved_name = person.__dict__.get("name")  # what her entries keep (``save``)
        return person

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        self.fill_derived()
        super().save(*args, **kwargs)
        if not adding and getattr(self, "_saved_name", None) != self.name:
            # Her register entries keep her name (a derived copy, as her household keeps its group's
            # number): renamed, or read without it, they follow.
            from registry.models.registers import names_follow

            names_follow([self.pk])
        self._saved_name = self.name

    @classmethod
    def copies_follow(cls, persons: Sequence[Person], fields: Iterable[str]) -> None:
        """After ``persons`` were written in bulk (``federation.core.history.bulk_update``), give what
        keeps a copy of them (her register entries' names) their values of now."""
        if "name" in fields:
            from registry.models.registers import names_follow

            names_follow([person.pk for person in persons])

    def fill_derived(self) -> None:
        """Set what is derived, never typed: the stored ID number, its last 4, the household keys.

        ``save()`` calls it; a bulk load (which skips ``save()``) calls it on each person.
        """
        self.id_number = _stored_id_number(self.id_number)
        self.id_last4 = (self.id_number or "")[-4:]
        self.group_number, self.household_number = household_keys(self)

    def age_on(self, on: dt.date) -> int | None:
        """Return the age in full years on ``on``, or None when the birth date is unknown."""
        return age_on(self.birth_date, on) if self.birth_date else None

    @property
    def works_away(self) -> bool:
        return self.work_place in (WorkPlace.OUT_COUNTY, WorkPlace.OUT_PROVINCE)


def household_keys(person: Person) -> tuple[int | None, str]:
    """Return (group number, household number) of ``person``'s household, (None, "") without one.

    From the household and its group already loaded with her when they are (a bulk load builds them
    so), else in one query. ``Household.save`` and a group's change of number keep her keys current.
    """
    if person.household_id is None:
        return None, ""
    household_field = Person._meta.get_field("household")
    if household_field.is_cached(person) and Household._meta.get_field("group").is_cached(person.household):
        household = person.household
        return household.group.number, household.number
    keys = Household.all_objects.filter(pk=person.household_id).values_list("group__number", "number").first()
    return keys or (None, "")


@receiver(post_save, sender=VillageGroup)
def _group_numbered(sender, instance: VillageGroup, created: bool, **kwargs) -> None:
    """Keep the group number of a group's households and their persons when the group is renumbered."""
    if not created and not kwargs.get("raw"):
        # Derived copies (as in Household.save): no version is raised, a save derives them again.
        Household.all_objects.filter(group=instance).update(group_number=instance.number)
        Person.all_objects.filter(household__group=instance).update(group_number=instance.number)


Clash = Callable[["Person", str], "tuple[int | None, dt.datetime | None] | None"]
Taken = Callable[["Person"], bool]


def clash_in_database(person: Person, number: str) -> tuple[int | None, dt.datetime | None] | None:
    """Return (village, deleted_at) of another record holding ``number``, or None."""
    clash = Person.all_objects.filter(id_number=number).exclude(pk=person.pk)
    return clash.values_list("village_id", "deleted_at").first()


def taken_in_database(person: Person) -> bool:
    """Return whether another live person of ``person``'s household holds her relation."""
    if person.household_id is None:
        return False  # a household not saved yet has no one in it
    others = Person.objects.filter(household_id=person.household_id, relation=person.relation)
    return others.exclude(pk=person.pk).exists()


def same_township(person: Person, village_id: int | None) -> bool:
    """Return whether ``village_id`` is a village of ``person``'s township (None: no village known)."""
    if village_id is None or person.village_id is None:
        return False
    from federation.core.models import Village

    return Village.objects.filter(pk=village_id, township_id=person.village.township_id).exists()


def registered_elsewhere(person: Person, village_id: int | None) -> ValidationError:
    """Return the refusal for an ID number another village holds, naming nothing beyond her township.

    Within the township the township can move her; beyond it the director learns only that the
    number is held outside her township, not in which county, township or village.
    """
    if same_township(person, village_id):
        message = _("此人已在本乡镇其他村登记，不能重复登记。如需迁入本村，请联系乡镇妇联办理迁移。")
    else:
        message = _("此身份证号已在本乡镇以外登记，不能重复登记。请联系乡镇妇联核实。")
    return ValidationError(message, code="registered_elsewhere")


def person_problems(
    person: Person, *, clash: Clash | None = None, taken: Taken | None = None
) -> dict[str, ValidationError]:
    """Return the rule problems of ``person`` by field (empty when she may be saved): Person.clean's rules.

    Like ``clean()`` it normalises the ID number and takes sex and birth date from it. The two rules
    that look at other records ask ``clash(person, number)`` for ``(village_id, deleted_at)`` of another
    record holding the ID number (or None) and ``taken(person)`` whether another live person of her
    household is already its 户主 (or 配偶); by default both ask the database. An import that fetched
    those records once passes its own (``registry.imports.persons``); the rules stay here.
    """
    clash = clash or clash_in_database
    taken = taken or taken_in_database
    errors: dict[str, ValidationError] = {}
    if person.id_number:
        try:
            parsed = parse_id_number(person.id_number)
        except ValidationError as exc:
            errors["id_number"] = exc
        else:
            person.id_number = parsed.number
            other_village, other_deleted = clash(person, parsed.number) or (None, None)
            if other_deleted is not None and not same_township(person, other_village):
                errors["id_number"] = registered_elsewhere(person, other_village)
            elif other_deleted is not None:
                errors["id_number"] = ValidationError(
                    _("此人的记录已被删除。请联系乡镇妇联恢复原记录，不要重新登记。"), code="deleted"
                )
            elif other_village is not None and other_village != person.village_id:
                errors["id_number"] = registered_elsewhere(person, other_village)
            elif other_village is not None:
                errors["id_number"] = ValidationError(
                    _("此人已在本村登记过，请在居民名单中查找，不要重复登记。"), code="duplicate"
                )
            if person.birth_date and person.birth_date != parsed.birth_date:
                errors["birth_date"] = ValidationError(_("出生日期与身份证号不一致。"))
            if person.sex and person.sex != parsed.sex:
                errors["sex"] = ValidationError(_("性别与身份证号不一致。"))
            person.birth_date = parsed.birth_date
            person.sex = parsed.sex
    if not person.sex and "id_number" not in errors:
        errors["sex"] = ValidationError(_("请选择性别，或填写身份证号。"))
    # A household not saved yet (an import creates it with her) is her household all the same.
    in_household = person.household_id is not None or (
        Person.household.is_cached(person) and person.household is not None
    )
    if in_household and person.village_id and person.household.village_id != person.village_id:
        errors["household"] = ValidationError(_("这户不属于这个村。"))
    if in_household and not person.relation:
        errors["relation"] = ValidationError(_("请选择与户主的关系。"))
    if in_household and person.relation in (Relation.HEAD, Relation.SPOUSE) and taken(person):
        errors["relation"] = ValidationError(
            _("这户已有%(relation)s，一户只能有一位。") % {"relation": person.get_relation_display()}
        )
    if person.away_since and not person.work_place:
        errors["away_since"] = ValidationError(_("填了外出务工起始日期，请同时选择务工地点。"))
    if person.work_place_detail and not person.work_place:
        # The ledgers write the detail after the place's label; alone it reads as no place at all.
        errors["work_place_detail"] = ValidationError(
            _("务工地点为“在家”时不填务工单位或地址；在外务工请先选择务工地点。"), code="detail_at_home"
        )
    return errors
