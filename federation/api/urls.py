"""``/api/``: the schema, its two readers (ReDoc's bundle from federation.api.docs), the token page
and ``/api/v1/`` (every resource)."""

from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from federation.api import docs, exports, imports, organisation, tokens
from federation.api.resources import all_resources
from federation.api.views import viewset_for

router = SimpleRouter()
for resource in all_resources():
    router.register(resource.path, viewset_for(resource), basename=f"api-{resource.name}")
router.register("exports", exports.ExportViewSet, basename="api-exports")
router.register("imports", imports.ImportViewSet, basename="api-imports")

v1 = [
    path("organisation/", organisation.OrganisationView.as_view(), name="api-organisation"),
    path("settings/<str:year>/", organisation.YearSettingsView.as_view(), name="api-settings"),
    *router.urls,
]

# ReDoc draws the schema in a web worker it makes from a blob: the page's own policy allows it.
redoc = csp_update({"worker-src": ["'self'", "blob:"]})(SpectacularRedocView.as_view(url_name="api_schema"))

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", redoc, name="api_redoc"),
    path("redoc/redoc.standalone.js", docs.redoc_bundle, name="api_redoc_bundle"),
    path("tokens/", tokens.TokenListView.as_view(), name="api_tokens"),
    path("tokens/<str:digest>/revoke/", tokens.TokenRevokeView.as_view(), name="api_token_revoke"),
]
