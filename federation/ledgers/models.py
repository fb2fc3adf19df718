"""What the ledger framework records: each export and each import of a ledger (who, what, when), and
the year-end snapshots of the yearly ledgers (归档)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from federation.core.fields import link_field, township_field, user_field, village_field
from federation.core.models import Township, year_validators
from federation.core.scoping import ScopedManager, ScopedQuerySet, membership_of, scope_q


def progress_percent(done: int, total: int, *, finished: bool) -> int:
    """Return the progress of ``done`` rows of ``total`` in percent: 100 only once ``finished``."""
    if finished:
        return 100
    return min(99, int(100 * done / total)) if total else 0


class ExportRecord(models.Model):
    """One export of a ledger (导出记录): who, which ledger, which scope, format, rows, when, file.

    Web exports belong to the user who asked, and only she can download the file; the command
    line's exports have no user. Files live under ``VAR_DIR / "exports"``, outside the web root.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        EXPIRED = "expired", _("文件已过期")

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        PDF = "pdf", "PDF"
        # An inspection pack (迎检材料, federation.ledgers.packs): many ledgers' files and a cover in one ZIP.
        ZIP = "zip", _("ZIP 材料包")

    user = user_field(_("导出人"), related_name="exports")
    requested_by = models.CharField(_("导出人姓名"), max_length=150)
    ledger = models.CharField(_("台账"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    scope = models.CharField(_("范围"), max_length=100, help_text=_("填报单位，如 幸福乡红旗村。"))
    scope_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    format = models.CharField(_("格式"), max_length=4, choices=Format.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    background = models.BooleanField(_("后台生成"), default=False)
    rows_total = models.PositiveIntegerField(_("预计行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file_path = models.CharField(_("文件"), max_length=255, blank=True, editable=False)
    file_name = models.CharField(_("下载文件名"), max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("导出时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The background task's liveness (federation.ledgers.liveness): its heartbeat while it runs and
    # the token of its attempt, which a task redelivered after its worker died no longer holds.
    heartbeat_at = models.DateTimeField(_("最后心跳"), null=True, blank=True, editable=False)
    task_token = models.CharField(_("任务标记"), max_length=32, blank=True, editable=False)
    # An export of an archived ledger (made from its stored rows): its file is kept as long as the
    # archive, never purged after LEDGER_KEEP_DAYS (federation.ledgers.exports.services.export_purge).
    archive = link_field("ledgers.LedgerArchive", "exports", _("归档"), optional=True)

    class Meta:
        verbose_name = verbose_name_plural = _("导出记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="exportrecord_user_created")]
        db_table = "federation_exportrecord"  # kept from when the records lived in the core app

    def __str__(self) -> str:
        return f"{self.title} · {self.get_format_display()} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        """Return the progress in percent (100 once done)."""
        return progress_percent(self.rows_done, self.rows_total, finished=self.status == self.Status.DONE)


class ImportRecord(models.Model):
    """One import of a ledger from Excel (导入记录): who, which file, which village, rows, result.

    A web import is uploaded, checked (the preview: nothing written) and then confirmed by the
    user who uploaded it, which writes everything in one transaction. The uploaded file lives under
    ``VAR_DIR / "imports"``, outside the web root, until the import is done or abandoned.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("正在检查")
        INVALID = "invalid", _("有错误，未导入")
        REFUSED = "refused", _("文件被拒绝")
        CHECKED = "checked", _("检查通过，待确认")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")
        ABANDONED = "abandoned", _("已放弃")

    user = user_field(_("导入人"), related_name="imports")
    requested_by = models.CharField(_("导入人姓名"), max_length=150)
    ledger = models.CharField(_("台账"), max_length=50)
    title = models.CharField(_("台账名称"), max_length=200)
    village = village_field("+")
    year = models.PositiveSmallIntegerField(
        _("登记年度"), null=True, blank=True, validators=year_validators()
    )
    file_name = models.CharField(_("文件名"), max_length=255)
    file_path = models.CharField(_("文件"), max_length=255, blank=True, editable=False)
    file_size = models.PositiveBigIntegerField(_("文件大小（字节）"), null=True, blank=True)
    mapping = models.JSONField(
        _("列的对应关系"), null=True, blank=True, help_text=_("字段 → 列序号（从 0 起）。")
    )
    columns = models.JSONField(_("文件的表头"), default=list, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    background = models.BooleanField(_("后台处理"), default=False)
    rows_total = models.PositiveIntegerField(_("行数"), default=0)
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    created = models.PositiveIntegerField(_("新建"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("无变化"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True, help_text=_("最多保存前 2000 处。"))
    preview = models.JSONField(
        _("预览"), default=dict, blank=True, help_text=_("检查时前 10 行将要保存的值；文件删除时一并删除。")
    )
    warnings = models.JSONField(
        _("提醒"), default=list, blank=True, help_text=_("文件的填报单位或村列写的是别的村。")
    )
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The background task's liveness, as on the export record; ``interrupted`` keeps what the task
    # was doing (checking or importing) when its worker died, which starting again does once more.
    heartbeat_at = models.DateTimeField(_("最后心跳"), null=True, blank=True, editable=False)
    task_token = models.CharField(_("任务标记"), max_length=32, blank=True, editable=False)
    interrupted = models.CharField(
        _("中断时在做"),
        max_length=10,
        blank=True,
        choices=[
            (Status.CHECKING.value, Status.CHECKING.label),
            (Status.IMPORTING.value, Status.IMPORTING.label),
        ],
    )

    class Meta:
        verbose_name = verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="importrecord_user_created")]
        permissions = [("view_every_import", _("查看本范围内每个人的导入记录"))]
        db_table = "federation_importrecord"  # kept from when the records lived in the core app

    def __str__(self) -> str:
        return f"{self.title} · {self.file_name} · {self.get_status_display()}"

    @property
    def percent(self) -> int:
        """Return the progress in percent (100 once finished)."""
        return progress_percent(self.rows_done, self.rows_total, finished=not self.running)

    @property
    def running(self) -> bool:
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def can_restart(self) -> bool:
        """Return whether the import failed because its worker died, and can be started again."""
        return self.status == self.Status.FAILED and bool(self.interrupted) and bool(self.file_path)


class ArchiveQuerySet(ScopedQuerySet):
    def for_user(self, user) -> ArchiveQuerySet:
        """Return the archives ``user`` sees: a village director her village's; the township roles
        their township's (its villages' and the township's own); the county viewer her townships'."""
        condition = scope_q(user, "village")
        if condition is None:
            return self.none()
        if not condition:
            return self
        membership = membership_of(user)
        if membership.village_id:
            return self.filter(condition)
        return self.filter(township__in=Township.objects.for_user(user).values("pk"))


class LedgerArchive(models.Model):
    """A year's ledger of a village or a township closed by the township (归档): its rows as the ledger
    showed them, stored as canonical JSON (``content``) with their SHA-256 (``digest``).

    ``content`` never changes; ``verify_archives`` recomputes its digest. A reopened archive (撤销
    归档, with a reason) is kept, superseded by the archive of the next closing of the same unit.
    ``villages`` are the villages it closes: its village, or every village of its township.
    """

    class Status(models.TextChoices):
        CLOSED = "closed", _("已归档")
        REOPENED = "reopened", _("已撤销归档")

    scope_path = "village"
    township_path = "township"

    ledger = models.CharField(_("台账"), max_length=50)
    title = models.CharField(_("台账名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"), validators=year_validators())
    township = township_field("+")
    village = village_field("+", optional=True, help_text=_("空：全乡镇。"))
    villages = models.ManyToManyField("federation.Village", related_name="+", verbose_name=_("归档的村"))
    scope = models.CharField(_("填报单位"), max_length=100)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.CLOSED)
    closed_by = user_field(_("归档人"))
    closed_by_name = models.CharField(_("归档人姓名"), max_length=150)
    closed_at = models.DateTimeField(_("归档时间"))
    reopened_by = user_field(_("撤销人"))
    reopened_by_name = models.CharField(_("撤销人姓名"), max_length=150, blank=True)
    reopened_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("撤销归档的原因"), blank=True)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("取代的归档"),
    )
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    content = models.TextField(_("归档内容"), editable=False, help_text=_("表头和各行的规范 JSON。"))
    digest = models.CharField(_("SHA-256"), max_length=64, editable=False)

    # The rows are never changed; history keeps who closed and who reopened it, and why.
    history = HistoricalRecords(excluded_fields=["content"])

    objects = ScopedManager.from_queryset(ArchiveQuerySet)()

    class Meta:
        verbose_name = verbose_name_plural = _("台账归档")
        ordering = ["-year", "ledger", "township_id", "village_id", "-closed_at"]
        permissions = [("close_ledgerarchive", _("归档和撤销归档年度台账"))]
        indexes = [models.Index(fields=["ledger", "year", "status"], name="archive_ledger_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["ledger", "year", "village"],
                condition=Q(status="closed", village__isnull=False),
                name="archive_one_closed_per_village",
                violation_error_message=_("这个村这一年度的台账已经归档。"),
            ),
            models.UniqueConstraint(
                fields=["ledger", "year", "township"],
                condition=Q(status="closed", village__isnull=True),
                name="archive_one_closed_per_township",
                violation_error_message=_("这个乡镇这一年度的台账已经归档。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}{self.year}年度{self.title}台账（{self.get_status_display()}）"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED
