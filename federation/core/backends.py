"""Permissions come from the user's membership: the role's group, kept in step by migrations."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q

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

    def get_all_permissions(self, user_obj, obj=None):
        """Return her permissions, her own, her groups' and her role's, read in one query (once a
        request, as Django's backend keeps them on the user; two queries a page else)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                perms = Permission.objects.filter(Q(user=user_obj) | self._groups_granting(user_obj))
            pairs = perms.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in pairs}
        return user_obj._perm_cache

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(self._groups_granting(user_obj))

    @staticmethod
    def _groups_granting(user_obj) -> Q:
        """Return the condition on a permission of coming from one of her groups or her role's group."""
        granted = Q(group__user=user_obj)
        membership = membership_of(user_obj)
        if membership is not None:
            granted |= Q(group__name=group_name(membership.role))
        return granted
