"""Lectures and training (讲座与培训): 家庭教育讲座, 家长学校, 技能培训, 艾滋病面对面, 普法.

The seed names them in its plans: the 2011 city plan holds 30 家庭教育讲座 a year (二方面), the
township plans run 家长学校 and practical-skills training, the 2014 township meeting held an
艾滋病面对面 training, and every plan asks for 普法 (送法下村). A session is organised by a village
or by the township as a whole (no village); its attendees are residents chosen by name, and those
not named are counted. Each unit has a yearly target of sessions per kind (``LectureTarget``).
The rules are in ``outreach.rules`` (``lecture_problems``, ``lecture_attendee_problems``,
``lecture_total``).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import township_field, village_field
from federation.core.models import DetailPage, raise_problems, year_validators
from outreach.models.base import UnitRecord
from registry.models import Person


class LectureKind(models.TextChoices):
    FAMILY_EDUCATION = "family_education", _("家庭教育讲座")
    PARENT_SCHOOL = "parent_school", _("家长学校")
    SKILLS = "skills", _("技能培训")
    AIDS = "aids", _("艾滋病面对面")
    LAW = "law", _("普法")
    OTHER = "other", _("其他")


class Lecture(DetailPage, UnitRecord):
    """One lecture or training session, of a village or of the township (``village`` empty)."""

    detail_url = "outreach:lecture_detail"
    _history_m2m_fields = ["attendees"]  # who attended is kept in the session's history

    township = township_field("lectures")
    village = village_field(
        "lectures",
        verbose_name=_("组织单位（村）"),
        optional=True,
        help_text=_("空着表示乡镇组织的讲座或培训。"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=LectureKind.choices)
    held_on = models.DateField(_("日期"), default=timezone.localdate)
    place = models.CharField(_("地点"), max_length=100)
    speaker = models.CharField(_("主讲人"), max_length=100)
    topic = models.CharField(_("主题"), max_length=200)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="lectures", verbose_name=_("参加人员（已登记居民）")
    )
    unnamed_count = models.IntegerField(
        _("未登记姓名的参加人数"),
        default=0,
        help_text=_("没有逐一登记姓名的参加者人数；总人数 = 已登记的参加人员 + 这个人数。"),
    )
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("讲座培训")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["township", "held_on"], name="lecture_township_held")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unnamed_count__gte=0),
                name="lecture_unnamed_count_not_negative",
                violation_error_message=_("未登记姓名的参加人数不能小于 0。"),
            )
        ]

    def __str__(self) -> str:
        if not self.held_on:
            return self.topic or str(self._meta.verbose_name)
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    @property
    def organiser_label(self) -> str:
        """Return the organiser unit's name: the village's, or the township's."""
        return self.unit_name

    def total(self, named: int | None = None) -> int:
        """Return how many attended: the named attendees and those counted (``rules.lecture_total``)."""
        from outreach.rules import lecture_total

        if named is None:
            named = getattr(self, "named_count", None)  # annotated by the list (``lecture_list``)
        if named is None:
            named = self.attendees.count() if self.pk else 0
        return lecture_total(named=named, unnamed=self.unnamed_count)

    def clean(self) -> None:
        from outreach.rules import lecture_problems

        self.take_village_township()
        raise_problems(lecture_problems(lecture=self), field="__all__")


class LectureTarget(DetailPage, UnitRecord):
    """How many sessions of one kind a unit should hold in a year (the 2011 plan: 30 家庭教育讲座).

    A village's target counts its own sessions; the township's (``village`` empty) counts every
    session of the township, its own and its villages'.
    """

    detail_url = "outreach:lecturetarget_detail"

    township = township_field("lecture_targets")
    village = village_field(
        "lecture_targets", optional=True, help_text=_("空着表示全乡镇的目标（乡镇和各村的讲座都计入）。")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    kind = models.CharField(_("类别"), max_length=20, choices=LectureKind.choices)
    sessions = models.PositiveSmallIntegerField(_("目标场次"))

    class Meta:
        verbose_name = verbose_name_plural = _("讲座培训年度目标")
        ordering = ["-year", "township__code", "village__code", "kind"]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_name} {self.get_kind_display()} {self.sessions} 场"

    @property
    def unit_label(self) -> str:
        return self.village.name if self.village_id else str(_("全乡镇"))

    def clean(self) -> None:
        from outreach.rules import lecture_target_problems

        self.take_village_township()
        raise_problems(lecture_target_problems(target=self), field="__all__")
