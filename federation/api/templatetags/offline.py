"""``{% offline_config %}``: what the pages' offline script is told (federation.api.offline)."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html

from federation.api.offline import page_config

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_config(context):
    """Return the page's offline settings as a ``<meta name="offline-config">`` whose content is their
    JSON (read by offline.js): no script block on the page, so the page holds no inline script and
    two requests of one page read alike (no per-request nonce)."""
    request = context.get("request")
    if request is None:
        return ""
    settings = json.dumps(page_config(request), cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    return format_html('<meta name="offline-config" content="{}">', settings)
