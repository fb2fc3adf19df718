"""``{% offline_config %}``: what the pages' offline script is told (federation.api.offline)."""

from django import template
from django.utils.html import json_script

from federation.api.offline import page_config

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_config(context):
    """Return the page's offline settings as a JSON script block (read, never run, by offline.js)."""
    request = context.get("request")
    if request is None:
        return ""
    return json_script(page_config(request), "offline-config")
