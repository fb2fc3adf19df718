"""Letters and visits, and family-dispute mediation (来信来访, 家庭纠纷调解), seed 2014 plan item 13."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.fields import link_field, village_field
from federation.core.models import DetailPage, DomainModel, raise_problems, soft_delete_managers
from outreach.models.base import OutreachQuerySet
from registry.models import Person, phone_validator

DOMESTIC_VIOLENCE_PERMISSION = "outreach.view_domestic_violence"


class PetitionWay(models.TextChoices):
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    PHONE = "phone", _("来电")


class PetitionCategory(models.TextChoices):
    MARRIAGE_FAMILY = "marriage_family", _("婚姻家庭")
    DOMESTIC_VIOLENCE = "domestic_violence", _("家庭暴力")
    PROPERTY = "property", _("财产权益")
    OTHER = "other", _("其他")


class Handling(models.TextChoices):
    VILLAGE = "village", _("村内调解处理")
    TOWNSHIP = "township", _("上报乡镇妇联")
    REFERRED = "referred", _("转有关部门")


class MediationResult(models.TextChoices):
    NONE = "", _("未调解")
    SUCCEEDED = "succeeded", _("调解成功")
    FAILED = "failed", _("调解未成功")


class PetitionQuerySet(OutreachQuerySet):
    """Domestic-violence cases are seen only by roles holding ``outreach.view_domestic_violence``.

    ``for_user`` leaves them out for everyone else (the county viewer by default): lists, counts,
    details, forms and the admin all go through it, so such a case answers 404 as a row outside
    the scope does.
    """

    def for_user(self, user) -> PetitionQuerySet:
        qs = super().for_user(user)
        if user is None or not getattr(user, "is_authenticated", False):
            return qs.none()
        if not user.has_perm(DOMESTIC_VIOLENCE_PERMISSION):
            qs = qs.exclude(category=PetitionCategory.DOMESTIC_VIOLENCE)
        return qs

    def open(self) -> PetitionQuerySet:
        """Return the cases not closed yet."""
        return self.filter(closed_on__isnull=True)


class Petition(DetailPage, DomainModel):
    """A letter, visit or call received, what it was about, how it was handled and closed."""

    detail_url = "outreach:petition_detail"
    scope_path = "village"

    village = village_field("petitions")
    received_on = models.DateField(_("受理日期"), default=timezone.localdate)
    way = models.CharField(_("来信来访方式"), max_length=8, choices=PetitionWay.choices)
    person = link_field(Person, "petitions", _("来访人（已登记居民）"), optional=True)
    petitioner_name = models.CharField(
        _("来访人姓名"), max_length=50, blank=True, help_text=_("来访人还没有登记为居民时填写。")
    )
    petitioner_phone = models.CharField(
        _("来访人电话"), max_length=20, blank=True, validators=[phone_validator]
    )
    category = models.CharField(_("类别"), max_length=20, choices=PetitionCategory.choices)
    summary = models.TextField(_("反映的问题"))
    received_by = models.CharField(_("接待人"), max_length=50)
    handling = models.CharField(_("处理方式"), max_length=10, choices=Handling.choices)
    referred_to = models.CharField(_("转往部门"), max_length=100, blank=True)
    mediation = models.CharField(
        _("调解结果"), max_length=10, choices=MediationResult.choices, blank=True, default=""
    )
    result = models.TextField(_("处理结果"), blank=True)
    return_visit_on = models.DateField(_("回访日期"), null=True, blank=True)
    return_visit_note = models.TextField(_("回访情况"), blank=True)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)

    objects, all_objects = soft_delete_managers(PetitionQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = _("来信来访")
        ordering = ["-received_on", "-id"]
        permissions = [(DOMESTIC_VIOLENCE_PERMISSION.split(".")[1], _("查看家庭暴力案件"))]
        indexes = [models.Index(fields=["village", "closed_on"], name="petition_village_closed")]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} {self.petitioner}" if self.received_on else self.petitioner

    @property
    def petitioner(self) -> str:
        return self.person.name if self.person_id else self.petitioner_name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def days_open(self, today=None) -> int:
        """Return the days from receipt to closing, or to ``today`` (default: today) while open."""
        end = self.closed_on or today or timezone.localdate()
        return (end - self.received_on).days

    def clean(self) -> None:
        from outreach.rules import petition_problems

        raise_problems(petition_problems(petition=self), field="__all__")
