"""The registers of the 2014 work plan (seed, third plan, items 2 to 8 and 1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import amount_field, link_field, user_field, village_field
from federation.core.labels import DIRECTOR
from federation.core.models import (
    DetailPage,
    DomainModel,
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


def default_entered_on(year: int) -> dt.date:
    """Return the entry date an entry of ``year`` gets when none is typed: today in the current year,
    the year's reference date for a past year (its first collection, as the entries before entry
    dates were given), 1 January for a later year (which cannot be entered yet)."""
    today = timezone.localdate()
    if year == today.year:
        return today
    return year_settings(year).ages_on if year < today.year else dt.date(year, 1, 1)


class ExitReason(models.TextChoices):
    """Why an entry ended (退出原因); each register offers the ones that fit it (``exit_reasons``)."""

    HUSBAND_RETURNED = "husband_returned", _("丈夫返乡")
    AGE_OVER = "age_over", _("年龄超出")
    TURNED_16 = "turned_16", _("年满 16 周岁")
    PARENTS_RETURNED = "parents_returned", _("父母返回")
    INCOME_ABOVE_LINE = "income_above_line", _("收入超过贫困线")
    MOVED_AWAY = "moved_away", _("迁出")
    DECEASED = "deceased", _("死亡")
    OTHER = "other", _("其他")


#: The exit proposed (待核实) for a rule an active entry now fails, by the rule's ``Problem`` code: the
#: first of the reasons that its register offers (``exit_reasons``); a code not named here, or none
#: offered, proposes 其他 with the rule's message as the note. Death first: it ends every register.
EXIT_REASON_OF_PROBLEM: dict[str, tuple[str, ...]] = {
    "deceased": (ExitReason.DECEASED,),
    "too_old": (ExitReason.AGE_OVER, ExitReason.TURNED_16),
    "husband_not_away": (ExitReason.HUSBAND_RETURNED,),
    "parent_not_away": (ExitReason.PARENTS_RETURNED,),
    "income_not_below_line": (ExitReason.INCOME_ABOVE_LINE,),
    "not_at_home": (ExitReason.MOVED_AWAY,),  # no longer living at her place of registration
}


@dataclass(frozen=True)
class ProposedExit:
    """The exit the facts propose for an active entry (待核实): its reason, the first day it is no longer
    active (``exited_on``), the note (the rule's message for 其他) and every failed rule."""

    reason: str
    exited_on: dt.date
    note: str
    problems: tuple

    @property
    def reason_label(self) -> str:
        return str(ExitReason(self.reason).label)

    @property
    def codes(self) -> list[str]:
        return sorted({p.rule for p in self.problems})

    @property
    def message(self) -> str:
        return "；".join(str(p.message).rstrip("。") for p in self.problems) + "。"


def _birthday(born: dt.date, year: int) -> dt.date:
    """Return the birthday of ``born`` in ``year`` (29 February: 1 March in a common year)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


class PersonsVillage(models.Model):
    """A record of one person (its ``person``) that keeps her village on itself (``fill_derived``;
    never typed): a village's list of these records reads its own rows from one index instead of the
    whole county's records joined to their persons. A register entry, a visit (``outreach``).

    ``registry.services.records_follow`` moves the records with her to another village.
    """

    scope_path = "village"

    # Indexed by each model as its lists read it (village first: ``alive_index``), not alone.
    village = village_field("+", editable=False, db_index=False)

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


class RegisterEntry(DetailPage, PersonsVillage, DomainModel):
    """A person's entry in a yearly register, from the day it was entered (认定日期) to its exit.

    Its conditions are judged on ``entered_on`` (the national registers are kept up to date all
    year, 动态管理); an entry is active on a day from ``entered_on`` until the day before
    ``exited_on`` (the day the facts changed: a 51st birthday, a husband's return).
    """

    #: Not in its history rows (``DomainHistory``): her name, which her own history keeps.
    history_excluded: ClassVar[tuple[str, ...]] = ("person_name",)
    #: The exit reasons that fit this register (of ``ExitReason``), in the order offered: a register's
    #: own first, then these, which fit every register.
    exit_reasons: ClassVar[tuple[str, ...]] = (ExitReason.MOVED_AWAY, ExitReason.DECEASED, ExitReason.OTHER)

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("姓名"))
    # Her name, kept on the entry (``fill_derived``; never typed; ``names_follow`` after a rename) so
    # that a list searched beyond a village for a part of a name reads the scope's entries of the year
    # from their (village, year) index instead of every person of the county: no index serves a
    # single character. Not in the history rows: her own history keeps her names.
    person_name = models.CharField(_("姓名"), max_length=50, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("登记年度"), default=_this_year, validators=year_validators())
    entered_on = models.DateField(
        _("认定日期"),
        blank=True,  # none typed: ``default_entered_on`` (today), filled in by ``fill_derived``
        help_text=_("登记条件按这一天核实；须在登记年度内，不能晚于今天。"),
    )
    exited_on = models.DateField(
        _("退出日期"), null=True, blank=True, help_text=_("从这一天起不再在册（如年满 51 周岁的生日）。")
    )
    exit_reason = models.CharField(_("退出原因"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_note = models.CharField(_("退出说明"), max_length=200, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # "Still valid" (仍然有效) of the 待核实 list: who said so, when, why, and of which failed rules
    # (their codes, comma-separated). The same failures are not proposed again until a record the
    # rule reads (her, her household's members and incomes) changes after ``kept_at``.
    kept_at = models.DateTimeField(_("核实仍有效时间"), null=True, blank=True, editable=False)
    kept_by = user_field(_("核实人"), editable=False)
    kept_note = models.CharField(_("核实说明"), max_length=200, blank=True, editable=False)
    kept_codes = models.CharField(_("核实时不符的条件"), max_length=200, blank=True, editable=False)

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

    def fill_derived(self) -> None:
        """Set its village and name (its person's) and, when none is given, its entry date
        (``default_entered_on``)."""
        super().fill_derived()
        if self.person_id:
            self.person_name = self.person.name
        if self.entered_on is None and self.year:
            self.entered_on = default_entered_on(self.year)

    @property
    def ages_on(self) -> dt.date:
        """Return the date this entry's conditions (and ages) are judged on: its entry date (认定日期,
        ``default_entered_on`` when none is given yet)."""
        return self.entered_on or default_entered_on(self.year)

    @classmethod
    def exit_reason_choices(cls) -> list[tuple[str, str]]:
        """Return the (value, label) of the exit reasons this register offers."""
        return [(value, ExitReason(value).label) for value in cls.exit_reasons]

    @staticmethod
    def active_on_q(day: dt.date) -> Q:
        """Return the condition of an entry active on ``day``: entered by then, not exited by then."""
        return Q(entered_on__lte=day) & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))

    @staticmethod
    def active_in_year_q(year: int) -> Q:
        """Return the condition of an entry of ``year`` active on at least one day of it (an entry
        that ended on the day it was entered, or on 1 January, never was)."""
        first = dt.date(year, 1, 1)
        return Q(year=year) & (
            Q(exited_on__isnull=True) | (Q(exited_on__gt=models.F("entered_on")) & Q(exited_on__gt=first))
        )

    def is_active_on(self, day: dt.date) -> bool:
        """Return whether the entry is active on ``day`` (the same as ``active_on_q``)."""
        return self.entered_on <= day and (self.exited_on is None or self.exited_on > day)

    def problems(self, on: dt.date | None = None) -> list:
        """Return the register's failed rules for this entry on ``on`` (its entry date by default;
        see ``registry.rules``)."""
        return []

    def proposed_exit(self, on: dt.date) -> ProposedExit | None:
        """Return the exit the facts propose on ``on`` (待核实): the entry judged again on that day by
        its register's rules (``problems``), or None when it still fits or was said still valid for
        the same failures with no change of the facts since (``kept_at``).

        The reason is the first failed rule's of ``EXIT_REASON_OF_PROBLEM`` (death first), else 其他
        with the rules' messages as the note; the date is the day the fact changed where it is known
        (the birthday past the age limit), else ``on``, never before the entry date.
        """
        problems = self.problems(on)
        if not problems or self.still_valid_for(problems):
            return None
        offered = set(self.exit_reasons)
        order = sorted(problems, key=lambda p: p.rule != "deceased")
        reason, cause = ExitReason.OTHER, None
        for problem in order:
            found = [r for r in EXIT_REASON_OF_PROBLEM.get(problem.rule, ()) if r in offered]
            if found:
                reason, cause = found[0], problem
                break
        exited_on = on
        if cause is not None and cause.rule == "too_old" and self.person.birth_date:
            age = self.person.age_on(on)
            exited_on = _birthday(self.person.birth_date, self.person.birth_date.year + age)
        exited_on = min(max(exited_on, self.entered_on), on)
        note = "" if reason != ExitReason.OTHER else "；".join(str(p.message) for p in problems)[:200]
        return ProposedExit(reason=reason, exited_on=exited_on, note=note, problems=tuple(problems))

    def facts_changed_at(self) -> dt.datetime | None:
        """Return when a record this entry's rules read last changed: her, her household, its live
        members and incomes (as ``registry.rules.judged_together`` fetched them; read otherwise)."""
        from registry.rules import JUDGED_MEMBERS

        person = self.person
        times = [person.updated_at]
        household = person.household if person.household_id else None
        if household is not None:
            times.append(household.updated_at)
            members = getattr(household, JUDGED_MEMBERS, None)
            members = members if members is not None else household.members.all()
            times += [m.updated_at for m in members]
            times += [i.updated_at for i in household.incomes.all()]
        return max((t for t in times if t is not None), default=None)

    def still_valid_for(self, problems) -> bool:
        """Return whether a director said this entry still valid (仍然有效) for ``problems``' failures
        and no record its rules read has changed since."""
        if self.kept_at is None:
            return False
        kept = set(filter(None, self.kept_codes.split(",")))
        if not {p.rule for p in problems} <= kept:
            return False
        changed = self.facts_changed_at()
        return changed is None or changed <= self.kept_at

    def date_errors(self) -> dict[str, list[ValidationError]]:
        """Return what is wrong with the entry's dates and exit (by field): an entry date in the future
        or outside its year (or the year before), an exit before the entry, after its year or in the
        future, an exit reason this register does not offer, 其他 without a note."""
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, message: str, code: str) -> None:
            errors.setdefault(field, []).append(ValidationError(message, code=code))

        today = timezone.localdate()
        year, entered, exited = self.year, self.entered_on, self.exited_on
        if entered is not None:
            if entered > today:
                add(
                    "entered_on",
                    _("认定日期不能晚于今天（%(today)s）。") % {"today": today},
                    "entered_future",
                )
            elif year and entered.year != year:
                add(
                    "entered_on",
                    _(
                        "%(year)s 年度的登记，认定日期须在 %(year)s 年内；"
                        "%(on)s 认定的请登记到 %(other)s 年度。"
                    )
                    % {"year": year, "on": entered, "other": entered.year},
                    "entered_outside_year",
                )
        if exited is not None:
            if entered is not None and exited < entered:
                add(
                    "exited_on",
                    _("退出日期不能早于认定日期（%(on)s）。") % {"on": entered},
                    "exit_before_entry",
                )
            elif exited > today:
                add("exited_on", _("退出日期不能晚于今天（%(today)s）。") % {"today": today}, "exit_future")
            elif year and exited.year > year:
                add(
                    "exited_on",
                    _("%(year)s 年度的登记，退出日期不能晚于 %(year)s 年 12 月 31 日。") % {"year": year},
                    "exit_after_year",
                )
            if not self.exit_reason:
                add("exit_reason", _("请选择退出原因。"), "exit_reason_missing")
        elif self.exit_reason:
            add("exited_on", _("请填写退出日期。"), "exit_date_missing")
        if self.exit_reason and self.exit_reason not in self.exit_reasons:
            offered = "、".join(str(label) for _value, label in self.exit_reason_choices())
            add(
                "exit_reason",
                _("%(register)s的退出原因只能是：%(offered)s。")
                % {"register": self._meta.verbose_name, "offered": offered},
                "exit_reason_not_offered",
            )
        if self.exit_reason == ExitReason.OTHER and not self.exit_note.strip():
            add("exit_note", _("退出原因为“其他”时请说明。"), "exit_note_missing")
        return errors

    def check_delete(self) -> None:
        archives.refuse_if_closed(self)

    def clean(self) -> None:
        archives.refuse_if_closed(self)  # a closed year (归档) takes no change, whatever the path
        errors = self.date_errors()
        if not self.person_id:
            if errors:
                raise ValidationError(errors)
            return
        # An ended entry is not judged again by its register's rules: the facts have changed since
        # (a father came home: that is why it ended), and its conditions were judged when it was
        # entered. Its dates and exit are checked above.
        problems = self.problems() if self.exited_on is None else []
        for field, messages in problem_errors(problems, field="person").items():
            errors.setdefault(field, []).extend(messages)
        clash = type(self).objects.filter(person_id=self.person_id, year=self.year).exclude(pk=self.pk)
        if clash.exists():
            errors.setdefault("person", []).append(
                ValidationError(_("%(year)s 年度已登记过此人。") % {"year": self.year}, code="duplicate")
            )
        if errors:
            raise ValidationError(errors)


def names_follow(person_ids: Iterable[int]) -> None:
    """Give the register entries of ``person_ids`` (ended and deleted ones too) their persons' names of
    now: the one place an entry's kept name (``RegisterEntry.person_name``) follows a rename.
    ``Person.save`` calls it when her name changed, ``Person.copies_follow`` after a bulk write
    (``federation.core.history.bulk_update``: the imports).

    Derived copies (as the village, ``registry.services.records_follow``): no version is raised and
    no history row written; no kept figure counts names. One ``UPDATE`` a register (900 persons a
    statement), of the entries whose name differs.
    """
    ids = sorted({pk for pk in person_ids if pk is not None})
    name = Subquery(Person._base_manager.filter(pk=OuterRef("person_id")).values("name")[:1])
    registers = [m for m in apps.get_models() if issubclass(m, RegisterEntry)]
    for start in range(0, len(ids), 900):  # SQLite allows 999 parameters a statement
        chunk = ids[start : start + 900]
        for model in registers:
            model._base_manager.filter(person_id__in=chunk).exclude(person_name=name).update(person_name=name)


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

    detail_url = "registry:leftbehindchild_detail"
    exit_reasons = (ExitReason.TURNED_16, ExitReason.PARENTS_RETURNED, *RegisterEntry.exit_reasons)

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
        verbose_name = verbose_name_plural = _("留守儿童")

    def problems(self, on: dt.date | None = None) -> list:
        from registry.rules import child_problems, left_behind_child_family_problems, school_problems

        on = on or self.ages_on
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

    detail_url = "registry:hardshipchild_detail"
    exit_reasons = (ExitReason.TURNED_16, *RegisterEntry.exit_reasons)

    reason = models.CharField(_("困难原因"), max_length=20, choices=HardshipReason.choices)
    reason_detail = models.CharField(_("原因说明"), max_length=200, blank=True)

    class Meta(RegisterEntry.Meta):
        verbose_name = verbose_name_plural = _("特殊困难儿童")

    def problems(self, on: dt.date | None = None) -> list:
        from registry.rules import child_problems, hardship_child_family_problems, school_problems

        on = on or self.ages_on
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

    detail_url = "registry:leftbehindwoman_detail"
    exit_reasons = (ExitReason.HUSBAND_RETURNED, ExitReason.AGE_OVER, *RegisterEntry.exit_reasons)

    lives_with = models.CharField(
        _("居住情况"), max_length=8, choices=LivesWith.choices, default=LivesWith.FAMILY
    )
    at_registration_place = models.BooleanField(_("居住在户籍地"), default=True)
    needs = models.TextField(_("困难和需求"), blank=True)

    class Meta(RegisterEntry.Meta):
        verbose_name = verbose_name_plural = _("农村留守妇女")

    def problems(self, on: dt.date | None = None) -> list:
        from registry.rules import left_behind_woman_problems

        return left_behind_woman_problems(
            woman=self.person, on=on or self.ages_on, at_registration_place=self.at_registration_place
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

    detail_url = "registry:poorwoman_detail"
    exit_reasons = (ExitReason.INCOME_ABOVE_LINE, *RegisterEntry.exit_reasons)

    reason = models.CharField(_("致贫原因"), max_length=12, choices=PovertyReason.choices)
    reason_detail = models.CharField(_("原因说明"), max_length=200, blank=True)
    in_dibao = models.BooleanField(_("是否纳入低保"), default=False)
    paired = models.BooleanField(_("是否结对帮扶"), default=False)
    paired_by = models.CharField(_("帮扶人或单位"), max_length=100, blank=True)
    relief = models.BooleanField(_("是否给予救助"), default=False)
    relief_what = models.CharField(_("救助内容"), max_length=100, blank=True)
    relief_amount = amount_field(_("救助金额（元）"), MinValueValidator(0, _("金额不能为负数。")))

    class Meta(RegisterEntry.Meta):
        verbose_name = verbose_name_plural = _("农村贫困妇女")

    #: What lists and exports of these entries fetch with them (``selectors.register_entries``).
    prefetch_with_entries = ("person__household__incomes",)

    @property
    def household_income(self):
        """Return her household's per-capita net income of this record's year (None: not entered)."""
        household = self.person.household if self.person.household_id else None
        income = household.income_of(self.year) if household is not None else None
        return income.per_capita_income if income is not None else None

    def problems(self, on: dt.date | None = None) -> list:
        from federation.core.rules import Problem
        from registry.rules import live_household, poor_woman_problems

        household = live_household(self.person)
        problems = poor_woman_problems(
            woman=self.person, household=household, year=self.year, on=on or self.ages_on
        )
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


class VillageDirector(DetailPage, DomainModel):
    """A village women's director (村妇代会主任登记表; her title is ``DIRECTOR_TITLE``), item 8."""

    detail_url = "registry:villagedirector_detail"
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

    village = village_field("directors")
    person = link_field(Person, "+", _("对应居民"), optional=True)
    name = models.CharField(_("姓名"), max_length=50)
    work_unit = models.CharField(_("工作单位"), max_length=100)
    birth_month = models.DateField(_("出生年月"), help_text=_("只看年和月。"))
    education = models.CharField(_("文化程度"), max_length=10, choices=Education.choices)
    political_status = models.CharField(_("政治面貌"), max_length=10, choices=PoliticalStatus.choices)
    in_office_since = models.DateField(_("任职时间"))
    committee_seat = models.CharField(_("进村两委情况"), max_length=10, choices=CommitteeSeat.choices)
    part_time_posts = models.CharField(_("兼职情况"), max_length=200, blank=True)
    yearly_income = amount_field(_("年收入（元）"), MinValueValidator(0, _("收入不能为负数。")))
    on_payroll = models.BooleanField(_("是否在编"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    left_office_on = models.DateField(_("离任时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = DIRECTOR
        ordering = ["village__code", "-in_office_since"]

    def __str__(self) -> str:
        return self.name

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


class WomensHome(DetailPage, DomainModel):
    """A village's women's home (妇女之家), item 1: signboard and equipment received."""

    detail_url = "registry:womenshome_detail"
    scope_path = "village"

    village = village_field("womens_homes")
    signed_up = models.BooleanField(_("是否挂牌"), default=False)
    signed_up_on = models.DateField(_("挂牌时间"), null=True, blank=True)
    has_office = models.BooleanField(_("是否设妇联办公室"), default=False)
    equipment = models.TextField(_("已配备设备"), blank=True, help_text=_("每行一项，如：桌椅 10 套"))
    equipment_received_on = models.DateField(_("设备到位时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("妇女之家")
        ordering = ["village__code"]
        constraints = [
            unique_among_alive(
                ["village"], name="womenshome_one_per_village", message=_("这个村已经登记了妇女之家。")
            )
        ]

    def __str__(self) -> str:
        return f"{self.village.name}妇女之家" if self.village_id else str(_("妇女之家"))

    def clean(self) -> None:
        if self.signed_up_on and not self.signed_up:
            raise ValidationError({"signed_up": _("填了挂牌时间，请勾选“是否挂牌”。")})
