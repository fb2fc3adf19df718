"""比对核实: the lists other departments send, their rows, and the differences found in them.

A :class:`DepartmentList` is one uploaded list (低保, 特困, 建档立卡, 防返贫监测, 残疾人证, 寄宿生,
羁押/服刑通知) of a township for a date: who uploaded it and when, its rows (:class:`ListRow`) as
read from the file, and the :class:`Difference` s its matching found (``crosschecks.matching``).
Nothing of it is ever written into the registers: a difference is acted on by a person's click.

A difference marked 核实无误 is closed by a :class:`DifferenceCheck`, keyed on what stays the same
when the same kind of list comes again (the township, the list's kind, the person or the ID number,
the difference's kind), not on the upload's row: the next list of that kind finds it closed.

Scope (``federation.core.scoping``, the one rule): a list belongs to its township
(``scope_path = "township__villages"``: whoever sees a village of it sees the list); its rows and
differences to a village (``scope_path = "village"``), those of no village of ours (a person not
registered, on a row naming no village we know) to the township as a whole, seen by the users
whose scope is wider than one village (:class:`ListPartQuerySet`).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from federation.core.fields import link_field, township_field, user_field, village_field
from federation.core.roles import Level
from federation.core.scoping import ScopedManager, ScopedQuerySet, membership_of, sees_everything
from registry.models import Person


class ListKind(models.TextChoices):
    DIBAO = "dibao", _("低保对象名单")
    TEKUN = "tekun", _("特困供养人员名单")
    POVERTY_FILE = "poverty_file", _("建档立卡户名单")
    MONITORING = "monitoring", _("防返贫监测户名单")
    DISABILITY = "disability", _("残疾人证名单")
    BOARDING = "boarding", _("学校寄宿生名单")
    DETENTION = "detention", _("羁押/服刑通知")


class DepartmentList(models.Model):
    """One list received from another department, for a date; kept as uploaded, never merged."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待确认列")
        CHECKED = "checked", _("已比对")

    scope_path = "township__villages"
    township_path = "township"

    township = township_field("+", on_delete=models.CASCADE)
    village = village_field(
        "+",
        verbose_name=_("所属村"),
        optional=True,
        on_delete=models.CASCADE,
        help_text=_("空着表示全乡镇的名单；行里写了村的，以行里的为准。"),
    )
    kind = models.CharField(_("名单类别"), max_length=20, choices=ListKind.choices)
    as_of = models.DateField(_("名单日期"))
    source_name = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    uploaded_by = user_field(_("上传人"))
    uploaded_by_name = models.CharField(_("上传人姓名"), max_length=150)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    checked_at = models.DateTimeField(_("比对时间"), null=True, blank=True)
    # The file while its columns are not confirmed (emptied on confirming: the rows keep what it held).
    source = models.BinaryField(null=True, blank=True, editable=False)
    columns = models.JSONField(default=list, blank=True)  # [{"index": 0, "title": "姓名"}, …]
    mapping = models.JSONField(default=dict, blank=True)  # {"name": 0, "id_number": 2, …}
    row_count = models.PositiveIntegerField(_("行数"), default=0)

    history = HistoricalRecords(excluded_fields=["source"])
    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = _("比对名单")
        ordering = ["-as_of", "-id"]
        indexes = [models.Index(fields=["uploaded_at"], name="departmentlist_uploaded")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.as_of:%Y-%m-%d}）"

    def get_absolute_url(self) -> str:
        return reverse("crosschecks:departmentlist_detail", args=[self.pk])

    def clean(self) -> None:
        """A list is of a day not after today, and its village (when it names one) is its township's."""
        errors = {}
        if self.as_of and self.as_of > timezone.localdate():
            errors["as_of"] = _("名单日期不能晚于今天。")
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("这个村不属于所选的乡镇。")
        if errors:
            raise ValidationError(errors)


class ListPartQuerySet(ScopedQuerySet):
    """The rows and differences of lists: scoped by their village as every village record is, and
    those of no village (a person registered nowhere, on a row naming no village of ours) seen by
    whoever sees the list and more than one village (township roles, the county viewer)."""

    def for_user(self, user) -> ListPartQuerySet:
        own = super().for_user(user)
        if sees_everything(user):
            return own
        membership = membership_of(user)
        if membership is None or membership.level == Level.VILLAGE:
            return own
        lists = DepartmentList.objects.for_user(user).values("pk")
        return self.filter(
            models.Q(pk__in=own.values("pk")) | models.Q(village__isnull=True, department_list__in=lists)
        )


class ListPartManager(ScopedManager.from_queryset(ListPartQuerySet)):
    pass


class Match(models.TextChoices):
    EXACT = "exact", _("身份证号匹配")
    WEAK = "weak", _("弱匹配（姓名+户主）")
    NONE = "none", _("未匹配")


class ListRow(models.Model):
    """One row of a list as read from its file. Never edited (no history: it is the file's text),
    deleted with its list."""

    scope_path = "village"
    township_path = "department_list__township"

    department_list = models.ForeignKey(DepartmentList, on_delete=models.CASCADE, related_name="rows")
    number = models.PositiveIntegerField(_("行号"))
    id_number = models.CharField(_("身份证号"), max_length=40, blank=True)
    id_valid = models.BooleanField(_("身份证号有效"), default=False)
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    head = models.CharField(_("户主"), max_length=100, blank=True)
    village_text = models.CharField(_("村（名单所写）"), max_length=100, blank=True)
    listed_village = village_field(
        "+", verbose_name=_("名单所写的村"), optional=True, on_delete=models.SET_NULL
    )
    extra = models.JSONField(_("名单的其他列"), default=dict, blank=True)
    person = link_field(Person, "+", _("匹配居民"), optional=True, on_delete=models.SET_NULL)
    match = models.CharField(_("匹配"), max_length=8, choices=Match.choices, default=Match.NONE)
    # The village the row is seen in: its person's, else the village the list names.
    village = village_field("+", optional=True, on_delete=models.SET_NULL)

    objects = ListPartManager()

    class Meta:
        verbose_name = verbose_name_plural = _("比对名单行")
        ordering = ["department_list", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class DifferenceKind(models.TextChoices):
    DIBAO_NOT_LISTED = "dibao_not_listed", _("贫困妇女登记为低保，但不在低保名单上")
    POOR_NOT_REGISTERED = "poor_not_registered", _("收入低于贫困线的妇女，未登记为贫困妇女")
    DETENTION_REASON = "detention_reason", _("父母在押，留守儿童登记未写明这一原因")
    BOARDING_NOT_MARKED = "boarding_not_marked", _("寄宿生，留守儿童登记未标记寄宿")
    OTHER_VILLAGE = "other_village", _("登记在另一村")
    NOT_REGISTERED = "not_registered", _("未登记")


class DifferenceCheck(models.Model):
    """核实无误: a difference checked and left as it is, with a note; closes the same difference (same
    township, list kind, person or ID number, difference kind) in every later list of that kind."""

    scope_path = "village"
    township_path = "township"

    township = township_field("+", on_delete=models.CASCADE)
    village = village_field("+", optional=True, on_delete=models.SET_NULL)
    list_kind = models.CharField(_("名单类别"), max_length=20, choices=ListKind.choices)
    subject = models.CharField(_("对象"), max_length=200)  # person:12, id:5134…, name:张三|李四
    kind = models.CharField(_("差异类别"), max_length=24, choices=DifferenceKind.choices)
    note = models.CharField(_("核实说明"), max_length=200)
    checked_by = user_field(_("核实人"))
    checked_by_name = models.CharField(_("核实人姓名"), max_length=150)
    checked_at = models.DateTimeField(_("核实时间"), default=timezone.now)

    history = HistoricalRecords()
    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = _("核实无误记录")
        constraints = [
            models.UniqueConstraint(
                fields=["township", "list_kind", "subject", "kind"], name="differencecheck_one_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.note}"


class Difference(models.Model):
    """One difference a list shows against the registers, open until a check closes it."""

    scope_path = "village"
    township_path = "department_list__township"

    department_list = models.ForeignKey(DepartmentList, on_delete=models.CASCADE, related_name="differences")
    row = models.ForeignKey(
        ListRow, null=True, blank=True, on_delete=models.CASCADE, related_name="differences"
    )
    kind = models.CharField(_("差异类别"), max_length=24, choices=DifferenceKind.choices)
    person = link_field(Person, "+", _("居民"), optional=True, on_delete=models.SET_NULL)
    village = village_field("+", optional=True, on_delete=models.SET_NULL)
    subject = models.CharField(_("对象"), max_length=200)
    detail = models.CharField(_("说明"), max_length=300, blank=True)
    # The register entry it is about (its model label and id), for 打开登记.
    entry_model = models.CharField(max_length=40, blank=True)
    entry_id = models.PositiveBigIntegerField(null=True, blank=True)
    closed_by = models.ForeignKey(
        DifferenceCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="differences"
    )

    history = HistoricalRecords()
    objects = ListPartManager()

    class Meta:
        verbose_name = verbose_name_plural = _("比对差异")
        ordering = ["department_list", "village_id", "kind", "id"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_open(self) -> bool:
        return self.closed_by_id is None
