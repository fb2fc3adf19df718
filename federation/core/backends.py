"""Permissions come from the user's membership: the role's group, kept in step by migrations."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from federation.core.roles import group_name
from federation.core.scoping import membership_of


class RoleBackend(ModelBackend):
    """Django's model backend, plus the permissions of the group of the user's membership role.

    A user's role lives in one place, her membership; she need not also be put into the group.
    """

    def get_user(self, user_id):
        """Return the signed-in user with her membership and its unit, read in one query: every page
        scopes by the membership and names its unit in the header (two queries more a page else)."""
        users = get_user_model()._default_manager.select_related(
            "membership__county", "membership__township", "membership__village"
        )
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def _get_group_permissions(self, user_obj):
        perms = super()._get_group_permissions(user_obj)
        membership = membership_of(user_obj)
        if membership is None:
            return perms
        return perms | Permission.objects.filter(group__name=group_name(membership.role))
