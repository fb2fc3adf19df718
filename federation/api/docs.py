"""ReDoc, the schema's reader at ``/api/redoc/``, with nothing from outside the app.

drf-spectacular-sidecar ships ReDoc's bundle, served by the app; but the bundle's menu shows
Redocly's logo, which it loads from ``cdn.redoc.ly`` whatever its settings say, and the site's
Content-Security-Policy refuses it (an error on every opening, and an address outside asked for).
The bundle is served here with that one address emptied: the image fails at once, without a
request, and ReDoc hides it as it does a logo that does not load.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

#: ReDoc's bundle as drf-spectacular-sidecar ships it (a static file).
REDOC_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
#: The one address outside the app that the bundle loads.
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@require_GET
@cache_control(max_age=86400)
def redoc_bundle(request):
    """Return ReDoc's bundle without the address of Redocly's logo (read when asked: the page is rare)."""
    with open(finders.find(REDOC_BUNDLE), encoding="utf-8") as source:
        script = source.read().replace(REDOCLY_LOGO, "")
    return HttpResponse(script, content_type="application/javascript; charset=utf-8")
