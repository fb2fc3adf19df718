from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from federation.core.admin_scoping import (
    AdministratorOnlyMixin,
    HistoriedAdmin,
    ScopedAdmin,
    ServiceSavesMixin,
)
from federation.core.logins import (
    address_unlock,
    password_change_require,
    password_change_waive,
    user_unlock,
)
from federation.core.models import (
    AccessRecord,
    County,
    ForcedPasswordChange,
    LoginFailure,
    Membership,
    PurgeRecord,
    Township,
    Village,
    VillageGroup,
    YearSettings,
)


@admin.register(County)
class CountyAdmin(ScopedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Township)
class TownshipAdmin(ScopedAdmin):
    list_display = ["name", "code", "county"]
    search_fields = ["name", "code"]


class VillageGroupInline(admin.TabularInline):
    model = VillageGroup
    extra = 0


@admin.register(Village)
class VillageAdmin(ScopedAdmin):
    list_display = ["name", "code", "township"]
    list_filter = ["township"]
    search_fields = ["name", "code"]
    inlines = [VillageGroupInline]


@admin.register(VillageGroup)
class VillageGroupAdmin(ScopedAdmin):
    list_display = ["__str__", "number", "village"]
    list_filter = ["village"]


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    fk_name = "user"


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class FederationUserAdmin(ServiceSavesMixin, UserAdmin):
    """Users and their one membership; only the administrator reaches this screen."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "is_active", "membership", "must_change_password"]
    actions = ["unlock_logins", "require_password_change", "waive_password_change"]

    def get_queryset(self, request):
        demanded = ForcedPasswordChange.objects.filter(user=OuterRef("pk"))
        return super().get_queryset(request).annotate(must_change=Exists(demanded))

    @admin.display(boolean=True, description=_("须改密码"), ordering="must_change")
    def must_change_password(self, user) -> bool:
        return user.must_change

    def has_security_permission(self, request) -> bool:
        """Return True for the administrator, who alone unlocks users and demands password changes."""
        return request.user.is_superuser

    @admin.action(description=_("解除所选用户的登录锁定"), permissions=["security"])
    def unlock_logins(self, request, queryset):
        for user in queryset:
            user_unlock(username=user.get_username())
            self.log_change(request, user, _("解除登录锁定"))
        self.message_user(request, _("已解除 %(n)d 个用户在所有地址的登录锁定。") % {"n": len(queryset)})

    @admin.action(description=_("要求所选用户下次登录时修改密码"), permissions=["security"])
    def require_password_change(self, request, queryset):
        for user in queryset:
            password_change_require(user=user, by=request.user)
            self.log_change(request, user, _("要求下次登录时修改密码"))
        self.message_user(
            request, _("%(n)d 个用户下次登录后须先修改密码才能使用系统。") % {"n": len(queryset)}
        )

    @admin.action(description=_("取消所选用户的修改密码要求"), permissions=["security"])
    def waive_password_change(self, request, queryset):
        for user in queryset:
            password_change_waive(user=user)
            self.log_change(request, user, _("取消修改密码要求"))
        self.message_user(request, _("已取消 %(n)d 个用户的修改密码要求。") % {"n": len(queryset)})


def _filter_link(field: str, value: str) -> str:
    """Return ``value`` as a link to the list of the failed log-ins with that ``field``."""
    return format_html('<a href="?{}">{}</a>', urlencode({field: value}), value)


@admin.register(LoginFailure)
class LoginFailureAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """The failed log-ins, read-only, for the administrator: filter by name or address (a click on
    either, or the search), unlock a name at its address, release an address."""

    list_display = ["attempted_at", "username_link", "address_link", "blocks_address", "released_at"]
    list_filter = ["blocks_address", ("released_at", admin.EmptyFieldListFilter), "attempted_at"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempted_at"
    actions = ["unlock_names", "release_addresses"]

    @admin.display(description=_("输入的用户名"), ordering="username")
    def username_link(self, failure):
        return _filter_link("username", failure.username)

    @admin.display(description=_("地址"), ordering="ip_address")
    def address_link(self, failure):
        if not failure.ip_address:
            return "-"
        return _filter_link("ip_address", failure.ip_address)

    @admin.action(description=_("解除所选记录的用户名在其地址的锁定"))
    def unlock_names(self, request, queryset):
        pairs = set(queryset.values_list("username", "ip_address"))
        for username, address in pairs:
            user_unlock(username=username, address=address)
        self.message_user(request, _("已解除 %(n)d 个用户名（在各自地址）的锁定。") % {"n": len(pairs)})

    @admin.action(description=_("解除所选记录的地址的登录限制"))
    def release_addresses(self, request, queryset):
        addresses = set(queryset.exclude(ip_address=None).values_list("ip_address", flat=True))
        for address in addresses:
            address_unlock(address=address)
        self.message_user(
            request,
            _("已解除 %(n)d 个地址的登录限制，这些地址上所有用户名的锁定也已解除。") % {"n": len(addresses)},
        )


@admin.register(YearSettings)
class YearSettingsAdmin(HistoriedAdmin):
    """The administrator's yearly rule values; a year without a row uses the seed's defaults."""

    list_display = ["year", "reference_date", *YearSettings.RULES]


@admin.register(PurgeRecord)
class PurgeRecordAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """What the administrator deleted for good: who, when, which record, why (read only)."""

    list_display = ["purged_at", "purged_by_name", "model_name", "object_pk", "label", "reason"]
    list_filter = ["model_name"]
    search_fields = ["purged_by_name", "label", "reason", "=object_pk"]
    date_hierarchy = "purged_at"


@admin.register(AccessRecord)
class AccessRecordAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """Who read which record, when, from where: read only, administrator only (the township chair
    searches her township's on the 访问记录 page)."""

    list_display = ["at", "username", "kind", "content_type", "object_id", "person_id", "village", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "village"]
