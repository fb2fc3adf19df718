from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from federation.api import offline
from federation.web import views
from registry import offline as registry_offline

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("reminders/<int:pk>/read/", views.reminder_read, name="reminder_read"),
    path("registry/", include("registry.urls")),
    path("outreach/", include("outreach.urls")),
    path("loans/", include("loans.urls")),
    path("crosschecks/", include("crosschecks.urls")),
    path("exports/", include("federation.ledgers.exports.urls")),
    path("imports/", include("federation.ledgers.imports.urls")),
    path("archives/", include("federation.ledgers.archive_pages")),
    path("api/", include("federation.api.urls")),
    path("admin/", admin.site.urls),
    # Entry without a network (issue 16, part B): the service worker from the root, so it serves the site.
    path("sw.js", offline.worker, name="offline_worker"),
    path("manifest.webmanifest", offline.manifest, name="offline_manifest"),
    path("offline/queue/", offline.queue, name="offline_queue"),
    path("offline/unavailable/", offline.unavailable, name="offline_unavailable"),
    path("offline/roster/", registry_offline.roster_page, name="offline_roster"),
    path("offline/roster.json", registry_offline.roster_data, name="offline_roster_data"),
]

# Chinese pages in the site's layout: 403.html, 404.html and 400.html by Django's own handlers (an
# address under /api/ that resolves to nothing: the API's JSON refusal); a server error's page
# without a request or the database (federation.web.errors).
handler404 = "federation.api.errors.page_not_found"
handler500 = "federation.web.errors.server_error"
