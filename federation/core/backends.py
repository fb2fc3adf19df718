"""Permissions come from the user's membership: the role's group, kept in step by migrations."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission

from federation.core.roles import group_name
from federation.core.scoping import membership_of


class RoleBackend(ModelBackend):
    """Django's model backend, plus the permissions of the group of the user's membership role.

    A user's role lives in one place, her membership; she need not also be put into the group.
    """

    def _get_group_permissions(self, user_obj):
        perms = super()._get_group_permissions(user_obj)
        membership = membership_of(user_obj)
        if membership is None:
            return perms
        return perms | Permission.objects.filter(group__name=group_name(membership.role))
