"""View mixins: every class-based view of the domain goes through the scoping rule."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin


class ScopedQuerysetMixin:
    """Limit ``get_queryset()`` (and so ``get_object()``) to the user's scope.

    A row outside the scope is simply not in the queryset: detail, edit and delete answer 404.
    """

    model = None
    queryset = None

    def get_queryset(self):
        qs = self.queryset if self.queryset is not None else self.model._default_manager.all()
        return qs.for_user(self.request.user)


class ScopedViewMixin(LoginRequiredMixin, PermissionRequiredMixin, ScopedQuerysetMixin):
    """Log-in, a permission of the role, and the scope: the three gates of a domain view."""

    raise_exception = False

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            # Same answer as for a row outside the scope: no hint of what exists.
            from django.http import Http404

            raise Http404
        return super().handle_no_permission()


class ScopedFormMixin:
    """Limit every model-choice field of the form to the user's scope."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        scope_form_choices(form, self.request.user)
        return form


def scope_form_choices(form, user) -> None:
    """Restrict each ModelChoiceField whose model is scoped to the rows ``user`` may see."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "for_user"):
            field.queryset = queryset.for_user(user)
