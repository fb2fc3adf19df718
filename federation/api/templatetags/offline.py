"""``{% offline_config %}``: what the pages' offline script is told (federation.api.offline)."""

from django import template
from django.utils.html import escape, json_script
from django.utils.safestring import mark_safe

from federation.api.offline import page_config

register = template.Library()


@register.simple_tag(takes_context=True)
def offline_config(context):
    """Return the page's offline settings as a JSON script block (read, never run, by offline.js)."""
    request = context.get("request")
    if request is None:
        return ""
    block = json_script(page_config(request), "offline-config")
    # Never run, but marked as the page's own like every script block of the site (its CSP nonce).
    nonce = escape(str(getattr(request, "csp_nonce", "")))
    return mark_safe(
        block.replace('type="application/json">', f'type="application/json" nonce="{nonce}">', 1)
    )
