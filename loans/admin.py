"""The microloans in the admin: scoped like every screen; only drafts can be changed there.

A submitted or signed application is read-only (and its ``save()`` refuses signed content anyway);
statuses move only through ``loans.services.application_transition``. The guarantor inline runs the
loan rules on the whole application (``BaseGuarantorFormSet.clean``).
"""

from __future__ import annotations

from django.contrib import admin

from federation.core.admin_scoping import HistoriedAdmin, ReadOnlyMixin, ScopedAdmin, ScopedTabularInline
from federation.core.policy import id_number_for
from loans.forms import BaseGuarantorFormSet
from loans.models import Attachment, Guarantor, LoanApplication, LoanSettings, Transition
from loans.states import Status


def _is_draft(obj) -> bool:
    return obj is None or obj.status == Status.DRAFT


class GuarantorInline(ScopedTabularInline):
    model = Guarantor
    formset = BaseGuarantorFormSet
    fields = ["name", "id_number", "phone", "kind", "work_unit", "bank", "deposit_amount"]
    extra = 0

    def has_add_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _is_draft(obj) and super().has_delete_permission(request, obj)


class TransitionInline(ReadOnlyMixin, ScopedTabularInline):
    model = Transition
    fields = ["at", "action", "user_name", "role", "reason", "digest", "sequence", "check_code"]
    readonly_fields = fields
    extra = 0


class AttachmentInline(ReadOnlyMixin, ScopedTabularInline):
    model = Attachment
    fields = ["kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(LoanApplication)
class LoanApplicationAdmin(ScopedAdmin):
    list_filter = ["status", "before_system", "applied_on"]
    search_fields = ["applicant__name", "applicant_name", "=applicant__id_number", "=applicant__id_last4"]
    list_select_related = ["village"]
    autocomplete_fields = ["applicant"]
    inlines = [GuarantorInline, TransitionInline, AttachmentInline]
    actions = None  # no bulk delete: a filed application is withdrawn, never deleted

    def get_list_display(self, request):
        """Return the columns, the ID number whole or masked as the user's role allows."""

        @admin.display(description="身份证号")
        def shown_id_number(obj):
            return id_number_for(request.user, obj.applicant_id_number or obj.applicant.id_number)

        return ["__str__", shown_id_number, "applied_on", "status", "before_system", "village"]

    def has_add_permission(self, request):
        # The loan rules run in the guarantor inline: without it, no application is written here.
        return super().has_add_permission(request) and request.user.has_perm("loans.add_guarantor")

    def has_change_permission(self, request, obj=None):
        """Return False for anything but a draft: the admin shows a filed application read-only."""
        return (
            _is_draft(obj)
            and super().has_change_permission(request, obj)
            and request.user.has_perm("loans.change_guarantor")
        )

    def has_delete_permission(self, request, obj=None):
        """Return True for a record its model lets go (``LoanApplication.check_delete``: a draft, or a
        loan imported as granted before the system), deleted softly and restorable."""
        return obj is not None and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Save a draft (through the services, as every admin save): it belongs to its applicant's village."""
        obj.village_id = obj.applicant.village_id
        super().save_model(request, obj, form, change)


@admin.register(Transition)
class TransitionAdmin(ReadOnlyMixin, ScopedAdmin):
    """The steps taken, read-only: a record is written once by the service and never changed."""

    list_display = ["application", "action", "user_name", "role", "at"]
    list_filter = ["action", "role"]
    actions = None

    def history_view(self, request, object_id, extra_context=None):
        from django.http import Http404

        raise Http404


@admin.register(LoanSettings)
class LoanSettingsAdmin(HistoriedAdmin):
    """The administrator's yearly loan rule values; a year without a row uses the seed's defaults."""

    list_display = [
        "year",
        "min_amount",
        "max_amount",
        "one_guarantor_limit",
        "min_age",
        "max_age",
        "subsidy_percent",
    ]
