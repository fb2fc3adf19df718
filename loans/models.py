"""Microloans (妇女小额担保贷款财政贴息): applications, guarantors, signatures, scanned papers.

DESIGN.md, "Microloans"; seed, 2014 plan, item 9. Rules are in ``loans.eligibility``, the path in
``loans.states`` and ``loans.services``, the signed-content digest in ``loans.signing``, the seals
and their chain in ``loans.chain``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from federation.core.fields import link_field, village_field
from federation.core.idnumber import parse_id_number
from federation.core.models import DetailPage, DomainModel, YearlyValues
from federation.core.roles import Role
from federation.core.scoping import ScopedManager
from loans.states import SIGNATURES, Action, Status
from registry.models import Person, phone_validator


class SignedContentError(ValidationError):
    """Raised when something a signature covers would change (any path: form, admin, import, save())."""


class LoanSettings(YearlyValues):
    """The loan rule values of one year, set by the administrator; the seed's values are the defaults.

    Seed, 2014 plan item 9: 20,000 to 80,000 yuan, aged 18 to 50, one guarantor up to 30,000.
    """

    min_amount = models.DecimalField(
        _("贷款金额下限（元，含）"), max_digits=10, decimal_places=2, default=Decimal("20000")
    )
    max_amount = models.DecimalField(
        _("贷款金额上限（元，含）"), max_digits=10, decimal_places=2, default=Decimal("80000")
    )
    one_guarantor_limit = models.DecimalField(
        _("一人担保的金额上限（元，含）"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("30000"),
        help_text=_("不超过此金额一人担保即可；超过需两人担保。"),
    )
    min_age = models.PositiveSmallIntegerField(_("申请人最小年龄（周岁，含）"), default=18)
    max_age = models.PositiveSmallIntegerField(_("申请人最大年龄（周岁，含）"), default=50)
    subsidy_percent = models.DecimalField(
        _("财政贴息比例（%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    ranges = (
        ("min_amount", "max_amount", _("贷款金额下限不能大于上限。")),
        ("min_age", "max_age", _("最小年龄不能大于最大年龄。")),
    )

    class Meta(YearlyValues.Meta):
        verbose_name = verbose_name_plural = _("贷款年度设置")

    def __str__(self) -> str:
        return f"{self.year} 年度贷款设置"


def loan_settings(year: int) -> LoanSettings:
    """Return the loan rule values of ``year``: its row, or an unsaved row holding the defaults."""
    return LoanSettings.of_year(year)


def _today() -> dt.date:
    return timezone.localdate()


def _not_in_future(value: dt.date) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(_("日期不能在今天之后。"))


MONEY = {"max_digits": 10, "decimal_places": 2}


#: How a loan granted before the system (imported) is marked wherever it is shown.
BEFORE_SYSTEM = _("系统前发放")

#: A loan runs from 1 to 120 months: the term applied for and the one the cooperative grants.
SHORTEST_TERM, LONGEST_TERM = 1, 120


class LoanApplication(DetailPage, DomainModel):
    """A woman's application for a microloan, from the draft to its repayment.

    The applicant's and her spouse's details and the rule values are frozen into the application when
    it is submitted; after the village signature nothing covered by ``loans.signing.content_of`` may
    change, and ``save()`` refuses it whatever the path.
    """

    detail_url = "loans:application_detail"

    #: The village where the application was filed; it stays there if the woman moves later, with
    #: the township that signed it (the once-in-a-life rule still follows her ID number everywhere).
    scope_path = "village"

    village = village_field("loan_applications", editable=False)
    applicant = link_field(Person, "loan_applications", _("申请人"))
    amount = models.DecimalField(
        _("申请金额（元）"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    project = models.CharField(_("创业项目"), max_length=100, help_text=_("例如：生猪养殖、蔬菜种植。"))
    purpose = models.TextField(_("资金用途"), help_text=_("贷款买什么、怎么用。"))
    own_funds = models.DecimalField(
        _("自有资金（元）"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    term_months = models.PositiveSmallIntegerField(
        _("贷款期限（月）"), validators=[MinValueValidator(SHORTEST_TERM), MaxValueValidator(LONGEST_TERM)]
    )
    applied_on = models.DateField(_("申请日期"), default=_today, validators=[_not_in_future])
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    # Frozen when submitted: who applied, with her spouse as the household says.
    applicant_name = models.CharField(_("申请人姓名"), max_length=50, blank=True, editable=False)
    applicant_id_number = models.CharField(
        _("申请人身份证号"), max_length=18, blank=True, editable=False, db_index=True
    )
    applicant_phone = models.CharField(_("申请人电话"), max_length=20, blank=True, editable=False)
    applicant_address = models.CharField(_("家庭住址"), max_length=200, blank=True, editable=False)
    spouse_name = models.CharField(_("配偶姓名"), max_length=50, blank=True, editable=False)
    spouse_id_number = models.CharField(_("配偶身份证号"), max_length=18, blank=True, editable=False)
    spouse_phone = models.CharField(_("配偶电话"), max_length=20, blank=True, editable=False)
    spouse_work = models.CharField(_("配偶就业情况"), max_length=120, blank=True, editable=False)

    # The rule values the application was judged by (frozen when submitted).
    rule_min_amount = models.DecimalField(_("金额下限"), null=True, editable=False, **MONEY)
    rule_max_amount = models.DecimalField(_("金额上限"), null=True, editable=False, **MONEY)
    rule_one_guarantor_limit = models.DecimalField(_("一人担保上限"), null=True, editable=False, **MONEY)
    rule_min_age = models.PositiveSmallIntegerField(_("最小年龄"), null=True, editable=False)
    rule_max_age = models.PositiveSmallIntegerField(_("最大年龄"), null=True, editable=False)

    # Recorded by the township after the signatures (not covered by them; each step's record is).
    cooperative_decided_on = models.DateField(_("信用社意见日期"), null=True, blank=True, editable=False)
    loan_number = models.CharField(_("贷款编号"), max_length=40, blank=True, editable=False)
    disbursed_on = models.DateField(_("放款日期"), null=True, blank=True, editable=False)
    disbursed_amount = models.DecimalField(
        _("放款金额（元）"), null=True, blank=True, editable=False, **MONEY
    )
    disbursed_term_months = models.PositiveSmallIntegerField(
        _("放款期限（月）"), null=True, blank=True, editable=False
    )
    interest_rate = models.DecimalField(
        _("年利率（%）"), max_digits=6, decimal_places=3, null=True, blank=True, editable=False
    )
    repaid_on = models.DateField(_("还清日期"), null=True, blank=True, editable=False)

    # A loan granted before the system (系统前发放), imported from the county's loan ledger
    # (``loans.imports``): granted or repaid as the paper says, with no signing chain of its own.
    before_system = models.BooleanField(
        _("系统前发放"),
        default=False,
        editable=False,
        help_text=_("由贷款台账导入的、系统启用前已发放的贷款：没有系统中的签字记录。"),
    )
    bank = models.CharField(_("放款银行"), max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = _("贷款申请")
        ordering = ["-applied_on", "-id"]
        permissions = [
            ("submit_application", _("提交贷款申请")),
            ("sign_village", _("村级妇联签字")),
            ("sign_township", _("乡妇联签字")),
            ("record_cooperative", _("登记信用社意见")),
            ("stamp", _("妇联盖章")),
            ("record_disbursement", _("登记放款与还款")),
            ("withdraw_application", _("撤回贷款申请")),
            ("verify_signatures", _("核验签字")),
        ]
        indexes = [models.Index(fields=["status", "applied_on"], name="loan_status_applied")]

    def __str__(self) -> str:
        name = self.applicant_name or (self.applicant.name if self.applicant_id else "")
        return f"{name} · {self.amount} 元" if self.amount is not None else name

    @property
    def status_label(self) -> str:
        """Return the status as pages and ledgers show it, marked 系统前发放 for an imported loan."""
        label = self.get_status_display()
        return f"{label}（{BEFORE_SYSTEM}）" if self.before_system else label

    @property
    def granted_year(self) -> int:
        """Return the year the loan was granted (paid out), else the year it was applied for."""
        return (self.disbursed_on or self.applied_on).year

    @property
    def is_editable(self) -> bool:
        """Return True while the application is a draft: the only status in which it can be edited."""
        return self.status == Status.DRAFT

    @property
    def due_on(self) -> dt.date | None:
        """Return the date the disbursed loan falls due (disbursement date plus its term)."""
        if self.disbursed_on is None or not self.disbursed_term_months:
            return None
        from federation.core.rules import add_months

        return add_months(self.disbursed_on, self.disbursed_term_months)

    def judged_settings(self) -> LoanSettings:
        """Return the rule values the application was judged by, or its year's when not frozen yet."""
        if self.rule_min_amount is None:
            return loan_settings(self.applied_on.year)
        return LoanSettings(
            year=self.applied_on.year,
            min_amount=self.rule_min_amount,
            max_amount=self.rule_max_amount,
            one_guarantor_limit=self.rule_one_guarantor_limit,
            min_age=self.rule_min_age,
            max_age=self.rule_max_age,
        )

    def save(self, *args, **kwargs) -> None:
        from loans.signing import refuse_if_signed_content_changed

        if self.pk is not None:
            refuse_if_signed_content_changed(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status != Status.DRAFT:
            raise SignedContentError(_("只有草稿可以删除；已提交的申请请撤回。"))
        return super().delete(*args, **kwargs)

    def check_delete(self) -> None:
        """Refuse a soft delete of an application filed here; a draft, or a loan imported as granted
        before the system (an import made by mistake), may be deleted, and restored."""
        if self.status != Status.DRAFT and not self.before_system:
            raise SignedContentError(_("只有草稿和系统前发放（导入）的贷款可以删除；已提交的申请请撤回。"))


class GuarantorKind(models.TextChoices):
    PUBLIC_FUNDED = "public_funded", _("财政拨款人员")
    DEPOSIT = "deposit", _("定期存款人员")


class Guarantor(DomainModel):
    """A guarantor of an application: paid from public funds (with work unit) or with a fixed-term deposit."""

    scope_path = "application__village"

    application = link_field(LoanApplication, "guarantors", _("贷款申请"), on_delete=models.CASCADE)
    name = models.CharField(_("担保人姓名"), max_length=50)
    id_number = models.CharField(_("担保人身份证号"), max_length=18)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[phone_validator])
    kind = models.CharField(_("担保人类别"), max_length=20, choices=GuarantorKind.choices)
    work_unit = models.CharField(_("工作单位"), max_length=100, blank=True, help_text=_("财政拨款人员填写。"))
    bank = models.CharField(_("存款银行"), max_length=100, blank=True, help_text=_("定期存款人员填写。"))
    deposit_amount = models.DecimalField(
        _("定期存款金额（元）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("定期存款人员填写。"),
        **MONEY,
    )

    class Meta:
        verbose_name = verbose_name_plural = _("担保人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.id_number:
            try:
                self.id_number = parse_id_number(self.id_number).number
            except ValidationError as exc:
                raise ValidationError({"id_number": exc}) from None

    def _signed_applications(self) -> list[int]:
        ids = {self.application_id}
        if self.pk is not None:
            ids |= set(Guarantor.all_objects.filter(pk=self.pk).values_list("application_id", flat=True))
        return list(
            Transition.objects.filter(application_id__in=ids, action=Action.SIGN_VILLAGE).values_list(
                "application_id", flat=True
            )
        )

    def save(self, *args, **kwargs) -> None:
        self.id_number = (self.id_number or "").strip().replace(" ", "").upper()
        if self._signed_applications():
            raise SignedContentError(_("村级妇联已签字：担保人不能再增加、修改或删除。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._signed_applications():
            raise SignedContentError(_("村级妇联已签字：担保人不能再增加、修改或删除。"))
        return super().delete(*args, **kwargs)


class Transition(models.Model):
    """One step taken on an application: who, in which role, when, why, and a digest of what it covered.

    Signatures (``states.SIGNATURES``) are transitions too, at most one per step and application.
    A transition is written once and never changed or deleted; its seal (``loans.chain``) shows it
    if the database is changed behind the system's back.
    """

    scope_path = "application__village"

    application = link_field(LoanApplication, "transitions", _("贷款申请"))
    action = models.CharField(_("办理事项"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    user = link_field(settings.AUTH_USER_MODEL, "+", _("办理人账号"))
    user_name = models.CharField(_("办理人"), max_length=150)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    at = models.DateTimeField(_("时间"))
    reason = models.TextField(_("理由"), blank=True)
    details = models.JSONField(_("登记内容"), default=dict, blank=True)
    digest = models.CharField(_("内容摘要（SHA-256）"), max_length=64)
    # The seal (loans.chain): an HMAC with the key kept outside the database over this record and
    # the seal before it, so that no record can be changed, deleted or moved unseen.
    sequence = models.PositiveBigIntegerField(_("封印序号"), null=True, editable=False)
    previous_seal = models.CharField(_("上一条的封印"), max_length=64, blank=True, editable=False)
    seal = models.CharField(_("封印（HMAC-SHA256）"), max_length=64, blank=True, editable=False)
    key_id = models.CharField(_("密钥编号"), max_length=16, blank=True, editable=False)
    sealed_by_migration = models.BooleanField(
        _("升级时补封"),
        default=False,
        editable=False,
        help_text=_("写入时只有 SHA-256 摘要，升级到带密钥的封印时按办理顺序补封。"),
    )

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "action"],
                condition=models.Q(action__in=sorted(SIGNATURES)),
                name="loans_one_signature_per_step",
            ),
            models.UniqueConstraint(fields=["sequence"], name="loans_one_record_per_chain_position"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_action_display()} · {self.user_name} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"
        )

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise SignedContentError(_("办理记录一经写入不能修改。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedContentError(_("办理记录不能删除。"))

    @property
    def is_signature(self) -> bool:
        return self.action in SIGNATURES

    @property
    @admin.display(description=_("核验码"))
    def check_code(self) -> str:
        """Return the short code of this record's seal, as printed on the approval form."""
        from loans.chain import check_code

        return check_code(self.seal)


class ChainHead(models.Model):
    """The end of the seal chain: the last position and seal, one row locked by every append.

    Locking this row (``select_for_update``; on SQLite every write transaction is IMMEDIATE) makes
    two steps taken at once take positions one after the other, never the same previous seal.
    """

    sequence = models.PositiveBigIntegerField(_("最后的封印序号"), default=0)
    seal = models.CharField(_("最后的封印"), max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("签字链末端")

    def __str__(self) -> str:
        return f"#{self.sequence}"


class AttachmentKind(models.TextChoices):
    APPLICATION_FORM = "application_form", _("签字的申请审批表")
    ID_COPY = "id_copy", _("身份证复印件")
    GUARANTEE = "guarantee", _("担保材料")
    COOPERATIVE = "cooperative", _("信用社意见")
    OTHER = "other", _("其他")


def attachment_path(instance: Attachment, filename: str) -> str:
    """Return where a scanned paper is stored under MEDIA_ROOT: a random name, never the uploaded one."""
    return f"loans/{instance.application_id}/{uuid.uuid4().hex}.{instance.extension}"


class Attachment(DetailPage, DomainModel):
    """A scanned paper of an application (PDF, JPEG or PNG), stored outside the web root.

    Served only through ``loans.views.AttachmentDownloadView``, which goes through the scope.
    """

    detail_url = "loans:attachment_download"
    scope_path = "application__village"

    application = link_field(LoanApplication, "attachments", _("贷款申请"))
    kind = models.CharField(_("材料类别"), max_length=20, choices=AttachmentKind.choices)
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = link_field(settings.AUTH_USER_MODEL, "+", _("上传人"))

    class Meta:
        verbose_name = verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )
