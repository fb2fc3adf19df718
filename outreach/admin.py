"""Outreach in the admin: every screen scoped (``ScopedAdmin``), searchable, with history.

Screening and petitions go through their models' ``for_user``, so the health-data and
domestic-violence permissions hold in the admin as everywhere else.
"""

from django.contrib import admin

from federation.core.admin_scoping import ScopedAdmin
from outreach import models


@admin.register(models.OutreachSettings)
class OutreachSettingsAdmin(ScopedAdmin):
    """The administrator's yearly outreach values; a year without a row uses the defaults."""

    list_display = [
        "year",
        "visits_per_year",
        "screening_min_age",
        "screening_max_age",
        "honour_clean_years",
        "honour_notice_days",
    ]
    search_fields = ["=year"]


@admin.register(models.RegisterDeadline)
class RegisterDeadlineAdmin(ScopedAdmin):
    """A year's register deadlines; a register without a row keeps the 2014 plan's date."""

    list_display = ["year", "register", "due_on"]
    list_filter = ["year", "register"]
    search_fields = ["=year"]


@admin.register(models.Visit)
class VisitAdmin(ScopedAdmin):
    list_display = ["__str__", "visitors", "is_poor", "deleted_at"]
    list_filter = ["mode", "is_poor", "person__village"]
    search_fields = ["person__name", "=person__id_last4", "visitors"]
    autocomplete_fields = ["person"]
    list_select_related = ["person"]
    date_hierarchy = "visited_on"


@admin.register(models.Screening)
class ScreeningAdmin(ScopedAdmin):
    list_display = ["__str__", "screened_on", "institution", "result", "treated", "relief_granted"]
    list_filter = ["year", "kind", "result", "person__village"]
    search_fields = ["person__name", "=person__id_last4", "institution"]
    autocomplete_fields = ["person"]
    list_select_related = ["person"]


@admin.register(models.VolunteerTeam)
class VolunteerTeamAdmin(ScopedAdmin):
    list_display = ["name", "level_label", "speciality", "leader", "founded_on"]
    list_filter = ["speciality", "township", "village"]
    search_fields = ["name", "leader", "village__name"]
    list_select_related = ["village"]


@admin.register(models.VolunteerMember)
class VolunteerMemberAdmin(ScopedAdmin):
    list_display = ["name", "team", "village", "work_unit", "joined_on"]
    list_filter = ["team"]
    search_fields = ["name", "work_unit", "team__name"]
    autocomplete_fields = ["person", "director"]
    list_select_related = ["team", "village"]


@admin.register(models.VolunteerActivity)
class VolunteerActivityAdmin(ScopedAdmin):
    list_display = ["title", "team", "held_on", "place", "people_served"]
    list_filter = ["team"]
    search_fields = ["title", "team__name", "place"]
    filter_horizontal = ["participants"]
    date_hierarchy = "held_on"


@admin.register(models.Petition)
class PetitionAdmin(ScopedAdmin):
    list_display = ["__str__", "village", "category", "handling", "closed_on"]
    list_filter = ["category", "handling", "way", "village"]
    search_fields = ["petitioner_name", "person__name", "summary"]
    autocomplete_fields = ["person"]
    list_select_related = ["village", "person"]
    date_hierarchy = "received_on"


@admin.register(models.RegisterReport)
class RegisterReportAdmin(ScopedAdmin):
    list_display = ["village", "year", "register", "reported_at", "reported_by"]
    list_filter = ["year", "register", "village"]
    search_fields = ["village__name"]
    list_select_related = ["village", "reported_by"]


@admin.register(models.HonourNomination)
class HonourNominationAdmin(ScopedAdmin):
    list_display = ["__str__", "village", "status", "proposed_on", "deleted_at"]
    list_filter = ["year", "status", "village"]
    search_fields = ["household__number", "story"]
    autocomplete_fields = ["household"]
    readonly_fields = ["status", "decision_note", "notice", "confirmed_on"]


@admin.register(models.RedBannerAward)
class RedBannerAwardAdmin(ScopedAdmin):
    list_display = ["__str__", "level", "document", "deleted_at"]
    list_filter = ["year", "kind", "level"]
    search_fields = ["name", "document"]
    autocomplete_fields = ["person"]
