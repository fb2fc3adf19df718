from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from federation.core.admin_scoping import (
    AdministratorOnlyMixin,
    HistoriedAdmin,
    ScopedAdmin,
    ServiceSavesMixin,
)
from federation.core.models import (
    AccessRecord,
    County,
    Membership,
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
    list_display = ["username", "first_name", "is_active", "membership"]


@admin.register(YearSettings)
class YearSettingsAdmin(HistoriedAdmin):
    """The administrator's yearly rule values; a year without a row uses the seed's defaults."""

    list_display = [
        "year",
        "reference_date",
        "adult_age",
        "left_behind_woman_min_age",
        "left_behind_woman_max_age",
        "husband_away_months",
        "child_age_limit",
        "poverty_line",
    ]


@admin.register(AccessRecord)
class AccessRecordAdmin(AdministratorOnlyMixin, admin.ModelAdmin):
    """Who read which record, when, from where: read only, administrator only (the township chair
    searches her township's on the 访问记录 page)."""

    list_display = ["at", "username", "kind", "content_type", "object_id", "person_id", "village", "address"]
    list_filter = ["kind"]
    search_fields = ["username", "address"]
    date_hierarchy = "at"
    list_select_related = ["content_type", "village"]
