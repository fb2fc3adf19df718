from django import template

from federation.policy import id_number_for

register = template.Library()


@register.simple_tag(takes_context=True)
def id_number(context, number):
    """Render an ID number whole or masked, as the signed-in user's role allows."""
    return id_number_for(context["request"].user, number) or "—"


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """Return the current query string with ``changes`` applied (keeps filters across pages)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()
