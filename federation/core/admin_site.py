from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path

from federation.core.scoping import membership_of


class FederationAdminSite(admin.AdminSite):
    site_header = "乡镇妇联工作台账系统 · 管理"
    site_title = "妇联台账管理"
    index_title = "管理"

    def has_permission(self, request):
        """Return True for the administrator and the township roles (whose rows are scoped)."""
        user = request.user
        if not user.is_active:
            return False
        if user.is_superuser:
            return True
        membership = membership_of(user)
        return membership is not None and user.is_staff

    def get_urls(self):
        """Return the admin's URLs, its view-on-site link scoped (``admin_scoping.view_on_site``)."""
        from federation.core.admin_scoping import view_on_site

        scoped = path(
            "r/<int:content_type_id>/<path:object_id>/", self.admin_view(view_on_site), name="view_on_site"
        )
        return [scoped, *super().get_urls()]


class FederationAdminConfig(AdminConfig):
    default_site = "federation.core.admin_site.FederationAdminSite"
