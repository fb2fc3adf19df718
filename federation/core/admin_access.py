"""The admin's change pages are reads too: each one shown of a domain record is in the access log."""

from __future__ import annotations

from federation.core import access
from federation.core.models import DomainModel


class RecordsAdminReadMixin:
    """Record in the access log every change page (or view-only page) of a domain record shown, and
    every past version of one (the history's 查看 page).

    The hooks are the ones the admin and django-simple-history call with the object they loaded
    through the scoped queryset: no second read, and an id outside the scope (404) records nothing.
    A save that fails validation shows the page again and is recorded again: the data was shown again.
    """

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and isinstance(obj, DomainModel):
            access.record(request, access.Kind.ADMIN, obj)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def render_history_view(self, request, template, context, **kwargs):
        version = context.get("original")  # a past version's page, not the list of changes
        if isinstance(version, DomainModel):
            access.record(request, access.Kind.ADMIN, version)
        return super().render_history_view(request, template, context, **kwargs)
