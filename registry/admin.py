from collections.abc import Callable
from operator import attrgetter
from typing import Any

from django.contrib import admin

from federation.core import policy
from federation.core.admin_scoping import ScopedAdmin, ScopedTabularInline
from federation.core.policy import id_number_for, phone_for
from registry.models import (
    AidRecord,
    HardshipChild,
    Household,
    HouseholdIncome,
    LeftBehindChild,
    LeftBehindWoman,
    Pairing,
    PairingFollowUp,
    Person,
    PoorWoman,
    VillageDirector,
    WomensHome,
)


def _masked_column(description: str, shown_for: Callable[[Any, Any], str], user: Any, path: str):
    """Return the list column ``description``: the row's ``path`` as ``shown_for`` shows it to ``user``."""
    value_of = attrgetter(path)

    @admin.display(description=description)
    def shown(obj):
        return shown_for(user, value_of(obj))

    return shown


def id_number_column(user: Any, path: str = "id_number") -> Callable[[Any], str]:
    """Return the list column 身份证号: the row's ``path`` whole or masked as ``user``'s role allows."""
    return _masked_column("身份证号", id_number_for, user, path)


def phone_column(user: Any, path: str = "phone") -> Callable[[Any], str]:
    """Return the list column 联系电话: the row's ``path`` whole or with its middle 4 digits masked."""
    return _masked_column("联系电话", phone_for, user, path)


def birth_column(user: Any, path: str = "birth_date") -> str | Callable[[Any], Any]:
    """Return the list column of a birth date: the field itself, or 年龄 for a masked role."""
    if policy.can_see_full_id_number(user):
        return path
    birth_of = attrgetter(path)
    on = policy.ages_on()  # once a page, not once a row

    @admin.display(description="年龄")
    def shown_age(obj):
        return policy.masked_age(birth_of(obj), on)

    return shown_age


class HouseholdIncomeInline(ScopedTabularInline):
    model = HouseholdIncome
    fields = ["year", "per_capita_income"]
    extra = 0


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "village", "group", "address", "deleted_at"]
    inlines = [HouseholdIncomeInline]
    list_filter = ["village", "group"]
    search_fields = ["number", "address"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_filter = ["village", "sex", "marital_status", "employment", "work_place"]
    search_fields = ["name", "=id_number", "=id_last4"]
    autocomplete_fields = ["household"]
    list_select_related = ["village"]

    def get_list_display(self, request):
        """Return the columns, the ID number and birth date as the user's role allows."""
        user = request.user
        shown_id_number = id_number_column(user)
        return ["name", shown_id_number, "sex", birth_column(user), "village", "relation", "deleted_at"]


class RegisterEntryAdmin(ScopedAdmin):
    """A register in the admin: scoped, searched by name or ID number, with history."""

    list_filter = ["year", "person__village"]
    search_fields = ["person__name", "=person__id_number", "=person__id_last4"]
    autocomplete_fields = ["person"]
    list_select_related = ["person__village"]

    def get_list_display(self, request):
        """Return the columns, her ID number whole or masked as the user's role allows."""
        shown_id_number = id_number_column(request.user, "person.id_number")
        return ["__str__", shown_id_number, "year", "village", "deleted_at"]


for register_model in (LeftBehindChild, HardshipChild, LeftBehindWoman, PoorWoman):
    admin.site.register(register_model, RegisterEntryAdmin)


@admin.register(VillageDirector)
class VillageDirectorAdmin(ScopedAdmin):
    list_filter = ["village", "committee_seat", "on_payroll"]
    search_fields = ["name", "work_unit"]
    autocomplete_fields = ["person"]

    def get_list_display(self, request):
        """Return the columns, the phone whole or masked as the user's role allows."""
        shown_phone = phone_column(request.user)
        return [shown_phone if name == "phone" else name for name in VillageDirector.list_columns]


@admin.register(WomensHome)
class WomensHomeAdmin(ScopedAdmin):
    list_display = ["__str__", "signed_up", "signed_up_on", "has_office", "equipment_received_on"]
    list_filter = ["signed_up", "has_office"]
    search_fields = ["village__name"]


# -- aid programmes and pairings (registry.models.aid; their rules are the models' clean()) ----------


@admin.register(AidRecord)
class AidRecordAdmin(RegisterEntryAdmin):
    list_filter = ["year", "kind", "person__village"]


class PairingFollowUpInline(ScopedTabularInline):
    model = PairingFollowUp
    fields = ["on", "money", "goods", "hours", "note"]
    extra = 0


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    list_filter = ["kind", "person__village"]
    search_fields = ["person__name", "=person__id_number", "=person__id_last4", "helper_name"]
    autocomplete_fields = ["person"]
    list_select_related = ["person__village"]
    inlines = [PairingFollowUpInline]

    def get_list_display(self, request):
        """Return the columns, her ID number and the helper's phone as the user's role allows."""
        user = request.user
        shown_id_number = id_number_column(user, "person.id_number")
        shown_phone = phone_column(user, "helper_phone")
        return ["__str__", shown_id_number, "since", "until", shown_phone, "deleted_at"]
