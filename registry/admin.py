from django.contrib import admin

from federation.admin_scoping import ScopedAdmin
from federation.policy import id_number_for
from registry.models import Household, Person


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["__str__", "village", "group", "address", "per_capita_income", "deleted_at"]
    list_filter = ["village", "group"]
    search_fields = ["number", "address"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_filter = ["village", "sex", "marital_status", "employment", "work_place"]
    search_fields = ["name", "=id_number", "=id_last4"]
    autocomplete_fields = ["household"]
    list_select_related = ["village"]

    def get_list_display(self, request):
        """Return the columns, the ID number whole or masked as the user's role allows."""

        @admin.display(description="身份证号")
        def shown_id_number(obj):
            return id_number_for(request.user, obj.id_number)

        return ["name", shown_id_number, "sex", "birth_date", "village", "relation", "deleted_at"]
