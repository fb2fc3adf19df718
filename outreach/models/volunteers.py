"""Women volunteer teams (巾帼志愿者服务队), seed 2014 plan item 11.

A team belongs to a village, or to the township as a whole (no village): the seed's township team
of the central school's and the township government's women. Directors choose one or more teams by
their speciality, so a director can be a member of several teams, of her village's and the township's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import link_field, township_field, village_field
from federation.core.labels import DIRECTOR, with_director
from federation.core.models import DetailPage, unique_among_alive
from outreach.models.base import TownshipLevelRecord, UnitRecord
from registry.models import Person, VillageDirector, phone_validator


class Speciality(models.TextChoices):
    PUBLICITY = "publicity", _("文艺宣传")
    LEGAL = "legal", _("法律维权")
    FAMILY_EDUCATION = "family_education", _("家庭教育")
    SKILLS = "skills", _("科技致富")
    ENVIRONMENT = "environment", _("环境整治")
    CARE = "care", _("关爱留守儿童和妇女")
    HEALTH = "health", _("健康卫生")
    ANTI_DRUG = "anti_drug", _("禁毒防艾")
    OTHER = "other", _("其他")


class VolunteerTeam(DetailPage, UnitRecord):
    """A volunteer team of a village, or of the township when it has no village."""

    detail_url = "outreach:volunteerteam_detail"

    township = township_field("volunteer_teams")
    village = village_field("volunteer_teams", optional=True, help_text=_("空着表示乡镇级服务队。"))
    name = models.CharField(_("队名"), max_length=100)
    speciality = models.CharField(_("服务特长"), max_length=20, choices=Speciality.choices)
    speciality_detail = models.CharField(_("特长说明"), max_length=200, blank=True)
    leader = models.CharField(_("队长"), max_length=50, blank=True)
    founded_on = models.DateField(_("成立时间"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("巾帼志愿者服务队")
        ordering = ["township__code", "village__code", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_label(self) -> str:
        return self.village.name if self.village_id else str(_("乡镇级"))

    def clean(self) -> None:
        self.take_village_township()
        self.refuse_village_of_other_township()
        if self.speciality == Speciality.OTHER and not self.speciality_detail.strip():
            raise ValidationError({"speciality_detail": _("选择“其他”时请说明服务特长。")})


class VolunteerMember(DetailPage, TownshipLevelRecord):
    """A member of a team: a village director, another registered woman, or someone typed by name.

    The member's village is that of her director record or person; a member typed by name with no
    village (a teacher of the township school) is a township-level row of the team's township.
    """

    detail_url = "outreach:volunteermember_detail"
    township_path = "team__township"

    team = link_field(VolunteerTeam, "members", _("服务队"))
    director = link_field(
        VillageDirector,
        "volunteer_memberships",
        DIRECTOR,
        optional=True,
        help_text=with_director("{director}参加服务队时选这里。"),
    )
    person = link_field(
        Person,
        "volunteer_memberships",
        _("居民"),
        optional=True,
        help_text=_("已登记的居民选这里；都不是时只填姓名。"),
    )
    village = village_field(
        "+",
        verbose_name=_("所在村"),
        optional=True,
        help_text=_("空着表示乡镇单位的人员（如中心校、乡政府女职工）。"),
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[phone_validator])
    speciality = models.CharField(_("个人特长"), max_length=100, blank=True)
    joined_on = models.DateField(_("加入时间"), default=timezone.localdate)

    class Meta:
        verbose_name = verbose_name_plural = _("志愿者")
        ordering = ["team__name", "name"]
        constraints = [
            unique_among_alive(
                ["team", "director"],
                name="volunteermember_director_once_per_team",
                message=_("这位主任已经是这个服务队的队员。"),
                director__isnull=False,
            ),
            unique_among_alive(
                ["team", "person"],
                name="volunteermember_person_once_per_team",
                message=_("这位居民已经是这个服务队的队员。"),
                person__isnull=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self._meta.verbose_name)

    def clean(self) -> None:
        errors = {}
        if self.director_id:
            self.name = self.director.name
            self.village_id = self.director.village_id
            self.phone = self.phone or self.director.phone
            self.work_unit = self.work_unit or self.director.work_unit
            if self.person_id and self.director.person_id not in (None, self.person_id):
                errors["person"] = _("所选居民与所选主任不是同一个人。")
        elif self.person_id:
            self.name = self.person.name
            self.village_id = self.person.village_id
            self.phone = self.phone or self.person.phone
        if not self.name.strip():
            errors["name"] = with_director("请选择{director}或居民，或者填写姓名。")
        if self.village_id and self.team_id and self.village.township_id != self.team.township_id:
            errors["village"] = _("队员须是本乡镇的人。")
        if errors:
            raise ValidationError(errors)


class VolunteerActivity(DetailPage, TownshipLevelRecord):
    """An activity of a team: when, where, what, and which members took part."""

    detail_url = "outreach:volunteeractivity_detail"
    scope_path = "team__village"
    township_path = "team__township"
    _history_m2m_fields = ["participants"]

    team = link_field(VolunteerTeam, "activities", _("服务队"))
    held_on = models.DateField(_("活动日期"), default=timezone.localdate)
    title = models.CharField(_("活动名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    content = models.TextField(_("活动内容"), blank=True)
    participants = models.ManyToManyField(
        VolunteerMember, blank=True, related_name="activities", verbose_name=_("参加的队员")
    )
    other_participants = models.PositiveIntegerField(
        _("其他参加人数"), default=0, help_text=_("不是队员的参加者人数。")
    )
    people_served = models.PositiveIntegerField(_("服务群众（人次）"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("志愿服务活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}" if self.held_on else self.title

    @property
    def village(self):
        return self.team.village if self.team_id else None

    def clean(self) -> None:
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("活动日期不能晚于今天：活动办过以后再记录。")})
