"""The organisation tree, memberships, and the base every domain record is built on."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from federation.core.addresses import record_address
from federation.core.fields import link_field, township_field, user_field, village_field
from federation.core.roles import ROLE_LEVEL, Level, Role
from federation.core.scoping import ScopedManager, ScopedQuerySet

if TYPE_CHECKING:
    from federation.core.rules import Problem

#: The years a record may name: what the calendar and the yearly settings know (a year 30000 has
#: no 18 March for a rule to count on).
YEARS = (1990, 2100)
YEAR_OUT_OF_RANGE = _("年度不对：请填写 1990 到 2100 之间的年份。")


def year_validators() -> list:
    """Return the validators of a record's year (every model's ``year`` field takes them)."""
    return [MinValueValidator(YEARS[0], YEAR_OUT_OF_RANGE), MaxValueValidator(YEARS[1], YEAR_OUT_OF_RANGE)]


county_code_validator = RegexValidator(r"^\d{6}$", _("县级区划代码应为 6 位数字。"))
division_code_validator = RegexValidator(r"^\d{12}$", _("统计用区划代码应为 12 位数字。"))


def division_code_field() -> models.CharField:
    """Return the 12-digit statistical division code (统计用区划代码) of a township or a village."""
    return models.CharField(
        _("统计用区划代码"), max_length=12, unique=True, validators=[division_code_validator]
    )


class OrgUnit(models.Model):
    """A unit of the organisation tree (county, township, village): shown by its name, in the order of
    its division code; each declares its ``name`` and ``code`` after the unit it belongs to."""

    objects = ScopedManager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class County(OrgUnit):
    """A county (县): the widest scope, that of the county viewer."""

    scope_path = "townships__villages"

    name = models.CharField(_("名称"), max_length=50)
    code = models.CharField(_("区划代码"), max_length=6, unique=True, validators=[county_code_validator])

    class Meta(OrgUnit.Meta):
        verbose_name = verbose_name_plural = _("县")


class Township(OrgUnit):
    """A township (乡/镇/街道) with its 12-digit statistical division code (last three digits 000)."""

    scope_path = "villages"

    county = link_field(County, "townships", _("县"))
    name = models.CharField(_("名称"), max_length=50)
    code = division_code_field()

    class Meta(OrgUnit.Meta):
        verbose_name = verbose_name_plural = _("乡镇")

    def clean(self) -> None:
        errors = {}
        if self.code and self.county_id and not self.code.startswith(self.county.code):
            errors["code"] = _("乡镇代码的前 6 位应为所属县的代码 %(code)s。") % {"code": self.county.code}
        if self.code and len(self.code) == 12 and not self.code.endswith("000"):
            errors.setdefault("code", _("乡镇代码的后 3 位应为 000。"))
        if errors:
            raise ValidationError(errors)


class Village(OrgUnit):
    """A village or community (村/社区); its code starts with its township's first nine digits."""

    scope_path = ""  # a village is its own scope

    township = township_field("villages")
    name = models.CharField(_("名称"), max_length=50)
    code = division_code_field()

    class Meta(OrgUnit.Meta):
        verbose_name = verbose_name_plural = _("村")

    def clean(self) -> None:
        if self.code and self.township_id and self.code[:9] != self.township.code[:9]:
            raise ValidationError(
                {
                    "code": _("村代码的前 9 位应与所属乡镇代码 %(prefix)s 相同。")
                    % {"prefix": self.township.code[:9]}
                }
            )
        if self.code and self.code.endswith("000"):
            raise ValidationError({"code": _("村代码的后 3 位不能为 000（那是乡镇的代码）。")})


class VillageGroup(models.Model):
    """A village group (村民小组), numbered inside its village."""

    scope_path = "village"

    village = village_field("groups")
    number = models.PositiveSmallIntegerField(_("组号"))
    name = models.CharField(_("名称"), max_length=30, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = verbose_name_plural = _("村民小组")
        ordering = ["village__code", "number"]
        constraints = [
            models.UniqueConstraint(fields=["village", "number"], name="villagegroup_unique_number"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.number}组"


class Membership(models.Model):
    """A user's one role in one org unit. A user without a membership sees nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(County, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("县"))
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        Village, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("村")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = _("成员身份")
        permissions = [
            ("view_full_id_number", _("查看完整身份证号")),
            ("move_between_villages", _("在村之间迁移户和人员")),
            ("restore_deleted", _("恢复已删除的记录")),
            ("change_township_records", _("登记和修改乡镇一级的记录")),
        ]
        constraints = [
            models.CheckConstraint(
                name="membership_unit_matches_role",
                condition=(
                    models.Q(
                        role=Role.VILLAGE_DIRECTOR,
                        village__isnull=False,
                        township__isnull=True,
                        county__isnull=True,
                    )
                    | models.Q(
                        role__in=[Role.TOWNSHIP_STAFF, Role.TOWNSHIP_CHAIR],
                        township__isnull=False,
                        village__isnull=True,
                        county__isnull=True,
                    )
                    | models.Q(
                        role__in=[Role.COUNTY_VIEWER, Role.ADMINISTRATOR],
                        county__isnull=False,
                        village__isnull=True,
                        township__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    @property
    def unit(self) -> County | Township | Village | None:
        """Return the org unit this membership is attached to."""
        return self.village or self.township or self.county

    @property
    def level(self) -> str:
        return ROLE_LEVEL[self.role]

    def clean(self) -> None:
        wanted = {Level.VILLAGE: "village", Level.TOWNSHIP: "township", Level.COUNTY: "county"}[self.level]
        for field in ("village", "township", "county"):
            if field == wanted and getattr(self, f"{field}_id") is None:
                raise ValidationError(
                    {field: _("此角色需要选择所属的%(unit)s。") % {"unit": Level(wanted).label}}
                )
            if field != wanted and getattr(self, f"{field}_id") is not None:
                raise ValidationError(
                    {field: _("此角色只属于一个%(unit)s。") % {"unit": Level(wanted).label}}
                )


class DomainQuerySet(ScopedQuerySet):
    def alive(self) -> DomainQuerySet:
        return self.filter(deleted_at__isnull=True)

    def deleted(self) -> DomainQuerySet:
        return self.filter(deleted_at__isnull=False)


class LiveManager(ScopedManager.from_queryset(DomainQuerySet)):
    """The default manager: records not soft-deleted."""

    def get_queryset(self) -> DomainQuerySet:
        return super().get_queryset().alive()


def soft_delete_managers(
    queryset: type[DomainQuerySet] = DomainQuerySet,
) -> tuple[models.Manager, models.Manager]:
    """Return the managers of a soft-deleted model over ``queryset``: ``objects``, the records not
    deleted (the default manager), and ``all_objects``, every record."""
    return LiveManager.from_queryset(queryset)(), ScopedManager.from_queryset(queryset)()


class DomainHistory(HistoricalRecords):
    """django-simple-history's records of a model, without the fields it names in ``history_excluded``:
    copies of another record kept for reading (a register entry's ``person_name``), which that record's
    own history holds. simple_history's ``excluded_fields`` is one list for every model inheriting
    the records, and it reads each excluded field of every model it rebuilds from a history row."""

    def create_history_model(self, model, inherited):
        shared = self.excluded_fields
        self.excluded_fields = [*shared, *getattr(model, "history_excluded", ())]
        try:
            return super().create_history_model(model, inherited)
        finally:
            self.excluded_fields = shared

    def fields_included(self, model):
        excluded = set(getattr(model, "history_excluded", ()))
        return [field for field in super().fields_included(model) if field.name not in excluded]


class DetailPage:
    """A record with a page of its own: ``detail_url`` names the page's URL, which takes the record's pk."""

    detail_url: ClassVar[str]

    def get_absolute_url(self) -> str:
        return record_address(self.detail_url, self.pk)


class DomainModel(models.Model):
    """Base of every domain record: soft delete, optimistic version, timestamps, full history.

    Subclasses declare ``scope_path``, the path from the record to its village.
    """

    scope_path: str

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = DomainHistory(inherit=True)

    objects, all_objects = soft_delete_managers()

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def mark_deleted(self) -> None:
        self.deleted_at = timezone.now()

    def mark_restored(self) -> None:
        self.deleted_at = None

    def check_delete(self) -> None:
        """Raise ``ValidationError`` when the record may not be deleted now; by default it may."""

    def changes_kept_elsewhere(self, *, since: DomainModel) -> list[tuple[str, str]]:
        """Return (label, value now) of what its form edits but other records keep, changed after ``since``.

        ``since`` is this record as a form opened it; what a stale save is refused with lists these
        beside its own fields. A model whose form also edits records of their own (a household's
        yearly incomes) says here what of them changed; by default nothing.
        """
        return []


def unique_among_alive(fields: list[str], *, name: str, message: str, **condition) -> models.UniqueConstraint:
    """Return the constraint that ``fields`` are unique among the records not soft-deleted.

    ``condition`` narrows the rows it holds for further (e.g. ``director__isnull=False``).
    """
    return models.UniqueConstraint(
        fields=fields,
        condition=models.Q(deleted_at__isnull=True, **condition),
        name=name,
        violation_error_message=message,
    )


def alive_index(fields: list[str], *, name: str) -> models.Index:
    """Return an index of ``fields`` over the records not soft-deleted (what the lists read)."""
    return models.Index(fields=fields, name=name, condition=models.Q(deleted_at__isnull=True))


def problem_errors(problems: Iterable[Problem], *, field: str) -> dict[str, list[ValidationError]]:
    """Return ``problems`` as ``clean()``'s errors by field (under ``field`` when a problem names none)."""
    errors: dict[str, list[ValidationError]] = {}
    for problem in problems:
        errors.setdefault(problem.field or field, []).append(
            ValidationError(problem.message, code=problem.rule)
        )
    return errors


def raise_problems(problems: Iterable[Problem], *, field: str) -> None:
    """Raise ``problems`` as ``clean()``'s ``ValidationError`` by field (as ``problem_errors``), if any."""
    errors = problem_errors(problems, field=field)
    if errors:
        raise ValidationError(errors)


REMINDER_DAYS_MESSAGE = _("请填写 1 到 365 之间的天数，用逗号分隔，如 14,7,1。")


def parse_reminder_days(value: str) -> tuple[int, ...]:
    """Return the days before a deadline that remind of it (``YearSettings.reminder_days``), largest
    first; a value that is not whole days from 1 to 365 separated by commas is refused."""
    parts = [part.strip() for part in str(value).replace("，", ",").split(",")]
    if not parts or not all(part.isascii() and part.isdigit() and 1 <= int(part) <= 365 for part in parts):
        raise ValidationError(REMINDER_DAYS_MESSAGE, code="reminder_days")
    return tuple(sorted({int(part) for part in parts}, reverse=True))


def validate_reminder_days(value: str) -> None:
    """Refuse a ``reminder_days`` that ``parse_reminder_days`` cannot read."""
    parse_reminder_days(value)


class YearlyValues(models.Model):
    """Rule values of one year (a row a year); a year without a row uses the fields' defaults."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True, validators=year_validators())

    #: The values that bound a range, as (low end, high end, what a low end above the high end is told).
    ranges: ClassVar[tuple[tuple[str, str, Any], ...]] = ()

    class Meta:
        abstract = True
        ordering = ["-year"]

    def clean(self) -> None:
        for low, high, message in self.ranges:
            if getattr(self, low) > getattr(self, high):
                raise ValidationError(message)

    @classmethod
    def of_year(cls, year: int):
        """Return the values of ``year``: its row, or an unsaved row holding the defaults.

        Within :func:`yearly_values_kept`, each year's row of each kind is read once.
        """
        kept = _kept_values.get()
        if kept is not None and (cls, year) in kept:
            return kept[(cls, year)]
        values = cls._default_manager.filter(year=year).first() or cls(year=year)
        if kept is not None:
            kept[(cls, year)] = values
        return values


_kept_values: ContextVar[dict | None] = ContextVar("kept_yearly_values", default=None)


@contextmanager
def yearly_values_kept() -> Iterator[None]:
    """Read each year's rule values (``YearlyValues.of_year``: the year's settings, the outreach's,
    the loans') once within the block: a loop judging many records by their rules, each asking for
    its year's values, reads one row a year instead of one a record; a page reading them in its
    view, its rules and its template, once (``federation.web.yearly.YearlyValuesMiddleware``)."""
    token = _kept_values.set({})
    try:
        yield
    finally:
        _kept_values.reset(token)


class YearSettings(YearlyValues):
    """The rule values of one year, set by the administrator; the seed's values are the defaults.

    A year without a row uses the defaults. Changing a year's row changes that year's checks only:
    every rule asks for the settings of the year of the date it judges.
    """

    reference_date = models.DateField(
        _("统计截止日"),
        null=True,
        blank=True,
        help_text=_("台账中年龄按这一天计算；空着表示该年 3 月 18 日。"),
    )
    adult_age = models.PositiveSmallIntegerField(_("妇女年龄下限（周岁）"), default=18)
    left_behind_woman_min_age = models.PositiveSmallIntegerField(_("留守妇女最小年龄"), default=20)
    left_behind_woman_max_age = models.PositiveSmallIntegerField(_("留守妇女最大年龄"), default=50)
    husband_away_months = models.PositiveSmallIntegerField(_("丈夫县外务工至少（月）"), default=3)
    child_age_limit = models.PositiveSmallIntegerField(
        _("儿童年龄上限（不满，周岁）"), default=16, help_text=_("留守儿童、困境儿童须不满此年龄。")
    )
    poverty_line = models.DecimalField(
        _("贫困线：家庭人均纯收入低于（元）"), max_digits=10, decimal_places=2, default=Decimal("2300")
    )
    reminder_days = models.CharField(
        _("台账期限提醒（提前天数）"),
        max_length=40,
        default="14,7,1",
        validators=[validate_reminder_days],
        help_text=_("期限前多少天提醒还没有上报的村和乡镇，用逗号分隔，如 14,7,1。"),
    )
    history = HistoricalRecords()

    ranges = (
        ("left_behind_woman_min_age", "left_behind_woman_max_age", _("留守妇女最小年龄不能大于最大年龄。")),
    )

    #: The rule values besides the reference date (what the admin lists and the county bench draws with).
    RULES = (
        "adult_age",
        "left_behind_woman_min_age",
        "left_behind_woman_max_age",
        "husband_away_months",
        "child_age_limit",
        "poverty_line",
        "reminder_days",
    )

    class Meta(YearlyValues.Meta):
        verbose_name = verbose_name_plural = _("年度设置")

    def __str__(self) -> str:
        return f"{self.year} 年度设置"

    def clean(self) -> None:
        super().clean()
        if self.reference_date and self.reference_date.year != self.year:
            raise ValidationError({"reference_date": _("统计截止日应在本年度内。")})

    @property
    def reminder_day_list(self) -> tuple[int, ...]:
        """Return the days before a deadline that remind of it, largest first (14, 7, 1 by default)."""
        return parse_reminder_days(self.reminder_days)

    @property
    def ages_on(self) -> dt.date:
        """Return the reference date of the year's ledgers (18 March when none is set)."""
        return self.reference_date or dt.date(self.year, 3, 18)


def year_settings(year: int) -> YearSettings:
    """Return the settings of ``year``: its row, or an unsaved row holding the defaults."""
    return YearSettings.of_year(year)


class LoginFailure(models.Model):
    """One failed log-in: the user name typed, when, from which address (never the password typed).

    The trail of failed log-ins the administrator reads; a later success does not erase it. The
    rows of the last ``LOGIN_ADDRESS_COOLOFF`` also count towards the limit per address
    (``federation.core.logins``) until the administrator releases the address. Kept for
    ``LOGIN_FAILURE_RETENTION_DAYS``.
    """

    username = models.CharField(_("输入的用户名"), max_length=150)
    ip_address = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    attempted_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    blocks_address = models.BooleanField(
        _("触发地址限制"), default=False, help_text=_("这一次失败使该地址暂停登录。")
    )
    released_at = models.DateTimeField(
        _("解除时间"), null=True, blank=True, help_text=_("管理员解除该地址限制的时间；解除后不再计数。")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("登录失败记录")
        ordering = ["-attempted_at"]
        indexes = [models.Index(fields=["ip_address", "attempted_at"], name="loginfailure_address_time")]

    def __str__(self) -> str:
        return f"{self.username} · {self.ip_address} · {timezone.localtime(self.attempted_at):%Y-%m-%d %H:%M}"


class ForcedPasswordChange(models.Model):
    """The administrator's demand that a user change her password at her next log-in.

    The row is the flag: it exists until she has changed her password (``federation.core.logins``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="forced_password_change",
        verbose_name=_("用户"),
    )
    required_at = models.DateTimeField(_("要求时间"), auto_now_add=True)
    required_by = user_field(_("要求人"))

    class Meta:
        verbose_name = verbose_name_plural = _("须修改密码")

    def __str__(self) -> str:
        return f"{self.user} 须在下次登录时修改密码"


# --- the installation: a demo or a real office ------------------------------------------------------

#: Host names that reach only this machine (with every 127.0.0.0/8 and ::1 address).
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def host_is_loopback(host: str) -> bool:
    """Return whether ``host`` (a name, or an address with or without brackets) reaches only this machine."""
    host = host.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_is_loopback(bind: str) -> bool:
    """Return whether gunicorn's ``--bind`` value (``HOST:PORT``, ``[IPv6]:PORT``, ``unix:PATH``) is loopback.

    A Unix socket is not: it is how a reverse proxy serves the office network. ``:8000`` and
    ``0.0.0.0`` are every interface.
    """
    bind = bind.strip()
    if bind.startswith("unix:") or not bind:
        return False
    if bind.startswith("["):
        host = bind[1 : bind.find("]")] if "]" in bind else bind
    elif bind.count(":") == 1:
        host = bind.split(":")[0]
    else:
        host = bind  # a bare host name, or a bare IPv6 address
    return host_is_loopback(host)


class InstallationRefused(Exception):
    """The database is not one for what was asked (the demo, or setting up an office); ``str()`` says why."""


class Installation(models.Model):
    """What this database is: the demo (``seed_demo``, public passwords) or a real office (``setup_office``).

    One row, made by the first of the two commands to run on an empty database; neither turns one
    kind into the other. ``demo_accounts`` are the log-ins the demo created: they are never
    created again, even once deleted.
    """

    class Kind(models.TextChoices):
        DEMO = "demo", _("演示数据库")
        OFFICE = "office", _("正式使用")

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(_("设置时间"), default=timezone.now)
    demo_accounts = models.JSONField(
        _("演示账号"), default=list, blank=True, help_text=_("演示数据创建过的账号；删除后不会再创建。")
    )

    class Meta:
        verbose_name = verbose_name_plural = _("安装类型")
        constraints = [models.CheckConstraint(name="installation_singleton", condition=models.Q(id=1))]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    @classmethod
    def current(cls) -> Installation | None:
        """Return the database's row, or None for a database neither command has set up."""
        return cls.objects.filter(pk=cls.SINGLETON).first()

    @staticmethod
    def database_is_empty() -> bool:
        """Return whether the database holds no organisation unit and no account."""
        from django.contrib.auth import get_user_model

        return not (
            County.objects.exists()
            or Township.objects.exists()
            or Village.objects.exists()
            or get_user_model().objects.exists()
        )

    @classmethod
    def claim_for_demo(cls, *, bind: str) -> Installation:
        """Return the demo's row, flagging an empty database as the demo; lock it until the transaction ends.

        Refuse (:class:`InstallationRefused`) an office's database, a non-loopback ``bind`` (the
        demo's passwords are published) and a database that holds data but was never flagged.
        """
        installation = cls.objects.select_for_update().filter(pk=cls.SINGLETON).first()
        if installation is not None and installation.kind != cls.Kind.DEMO:
            raise InstallationRefused(
                _("不生成演示数据：这是正式使用的数据库（%(when)s 起）。")
                % {"when": timezone.localtime(installation.created_at).strftime("%Y-%m-%d")}
            )
        if not bind_is_loopback(bind):
            raise InstallationRefused(
                _(
                    "不生成演示数据：服务地址 %(bind)s 不是本机地址（127.0.0.1、localhost 或 ::1），"
                    "演示账号的密码是公开的。正式使用请在空数据库上运行 python manage.py setup_office。"
                )
                % {"bind": bind}
            )
        if installation is None:
            if not cls.database_is_empty():
                raise InstallationRefused(
                    _(
                        "不生成演示数据：数据库里已有单位或账号，却不是演示数据库。演示数据只生成在空数据库里。"
                    )
                )
            installation = cls.objects.create(kind=cls.Kind.DEMO)
        return installation

    @classmethod
    def claim_for_office(cls) -> Installation:
        """Flag an empty database as a real office and return its row.

        Refuse (:class:`InstallationRefused`) any database already set up or holding data: a real
        office starts from an empty database, never from the demo's.
        """
        installation = cls.current()
        if installation is not None and installation.kind == cls.Kind.DEMO:
            raise InstallationRefused(
                _(
                    "不能设置：这是演示数据库（演示账号的密码是公开的）。"
                    "正式使用请换一个空数据库（新的 DATABASE_URL，或删除 var/db.sqlite3 后重新 migrate）。"
                )
            )
        if installation is not None:
            raise InstallationRefused(
                _("不能设置：这个数据库已经设置过（%(when)s）。")
                % {"when": timezone.localtime(installation.created_at).strftime("%Y-%m-%d")}
            )
        if not cls.database_is_empty():
            raise InstallationRefused(_("不能设置：数据库里已有单位或账号。正式使用请从空数据库开始。"))
        return cls.objects.create(kind=cls.Kind.OFFICE)

    def record_demo_accounts(self, usernames: Iterable[str]) -> None:
        """Remember that the demo created ``usernames`` (it will not create them again)."""
        self.demo_accounts = sorted({*self.demo_accounts, *usernames})
        self.save(update_fields=["demo_accounts"])


class PurgeRecord(models.Model):
    """A soft-deleted record the administrator deleted for good: who, when, which record, why.

    No personal data beyond the record's primary key and a label (its name as lists show it, any ID
    number taken out): what was purged is gone, its history too; this row says that it was.
    """

    purged_at = models.DateTimeField(_("彻底删除时间"), default=timezone.now, db_index=True)
    purged_by = user_field(_("操作人账号"), blank=False)
    purged_by_name = models.CharField(_("操作人"), max_length=150)
    model = models.CharField(_("记录类别"), max_length=100, help_text=_("如 registry.person"))
    model_name = models.CharField(_("类别名称"), max_length=100)
    object_pk = models.CharField(_("记录编号"), max_length=64)
    label = models.CharField(_("记录"), max_length=200)
    reason = models.TextField(_("原因"))

    class Meta:
        verbose_name = verbose_name_plural = _("彻底删除记录")
        ordering = ["-purged_at", "-id"]

    def __str__(self) -> str:
        return f"{self.model_name} {self.label}（#{self.object_pk}）"


class AccessRecord(models.Model):
    """One read of personal data (访问记录): who, when, what kind of read, which record, from where.

    Never the data read: no ID number, no search text, no health result, no petition text. A search
    by ID number is recorded as such, with the person it found. ``person_id`` is the person the
    read was about (the core names no person model: a plain id) and ``village`` hers or the
    record's, which the township chair's search is scoped by (``federation.core.access``).
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("查看居民")
        HOUSEHOLD = "household", _("查看户")
        ID_SEARCH = "id_search", _("身份证号查询")
        SCREENING = "screening", _("查看筛查记录")
        DOMESTIC_VIOLENCE = "domestic_violence", _("查看家暴信访")
        LOAN_PDF = "loan_pdf", _("贷款审批表PDF")
        LOAN_PAPER = "loan_paper", _("下载贷款材料")
        ADMIN = "admin", _("后台查看")
        EXPORT = "export", _("导出")
        CROSSCHECK = "crosscheck", _("查看比对名单")
        CROSSCHECK_DELETED = "crosscheck_deleted", _("比对名单到期删除")

    user = user_field(_("用户"), blank=False, db_index=False)  # the index (user, -at) serves
    username = models.CharField(_("用户名"), max_length=150, help_text=_("用户被删除后仍可知是谁。"))
    at = models.DateTimeField(_("时间"), default=timezone.now)
    kind = models.CharField(_("操作"), max_length=20, choices=Kind.choices)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        on_delete=models.PROTECT,
        db_index=False,
        verbose_name=_("记录类型"),
    )
    object_id = models.PositiveBigIntegerField(_("记录编号"), null=True)
    person_id = models.PositiveBigIntegerField(_("居民编号"), null=True)
    village = village_field("+", null=True)
    address = models.GenericIPAddressField(_("来源地址"), null=True)
    path = models.CharField(_("页面"), max_length=200, help_text=_("不含查询参数。"))

    class Meta:
        verbose_name = verbose_name_plural = _("访问记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at"], name="accessrecord_at"),
            models.Index(fields=["person_id", "-at"], name="accessrecord_person_at"),
            models.Index(fields=["user", "-at"], name="accessrecord_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_kind_display()} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class StoredFigure(models.Model):
    """One village's figures of one kind (``key``: the figure's name and parameters), kept for the
    pages that sum many villages (``federation.core.figures``): computed on the first view, forgotten
    when a record of the village changes, recomputed after ``FIGURES_MAX_AGE_SECONDS``.

    A row of a ``township`` (no village) holds the sum of its villages' figures, what the county's
    pages read: forgotten with any of its villages' rows, as old as the oldest of them.
    """

    key = models.CharField(max_length=120)
    village = models.ForeignKey(Village, null=True, on_delete=models.CASCADE, related_name="+")
    # indexed by its unique constraint (township first)
    township = models.ForeignKey(
        Township, null=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    values = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = _("村统计数字")
        constraints = [
            models.UniqueConstraint(fields=["key", "village"], name="stored_figure_unique"),
            # township first: it is also the index a township's rows are forgotten by
            models.UniqueConstraint(fields=["township", "key"], name="stored_figure_township_unique"),
            models.CheckConstraint(
                condition=models.Q(village__isnull=False, township__isnull=True)
                | models.Q(village__isnull=True, township__isnull=False),
                name="stored_figure_of_one_unit",
            ),
        ]
        indexes = [models.Index(fields=["village"], name="stored_figure_village")]

    def __str__(self) -> str:
        unit = f"乡镇 {self.township_id}" if self.township_id else self.village_id
        return f"{self.key} · {unit}"


class Reminder(models.Model):
    """A reminder shown to one user on her home page until she marks it read; nothing is sent out.

    Made by the daily job ``federation.core.reminders.create_due`` from what the apps say is due
    (a register's deadline); ``key`` names what it reminds of, so the job never makes it twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("用户")
    )
    key = models.CharField(_("提醒事项"), max_length=150)
    message = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True)
    created_at = models.DateTimeField(_("提醒时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("提醒")
        ordering = ["due_on", "-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_once_per_user")]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_user_unread")]

    def __str__(self) -> str:
        return self.message
