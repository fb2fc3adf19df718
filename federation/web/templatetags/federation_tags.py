from django import template

from federation.core.dotted import resolve
from federation.core.policy import id_number_for
from federation.web.pages import menu_for

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


@register.simple_tag(takes_context=True)
def cell(context, obj, path):
    """Render one list cell: ID numbers as the role allows, booleans as 是/否, empty as a dash."""
    value = resolve(obj, path)
    if path.endswith("id_number"):
        return id_number_for(context["request"].user, value) or "—"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value in (None, ""):
        return "—"
    return value


@register.simple_tag
def field_rows(obj):
    """Return (label, shown value) for each field of a record a user would read on its page."""
    from django.db import models as m

    hidden = {"id", "created_at", "updated_at", "deleted_at", "version", "id_last4"}
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in hidden:
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(field, m.ForeignKey):
            value = getattr(obj, field.name)
        else:
            value = getattr(obj, field.attname)
        rows.append((field.verbose_name, field.name, value))
    return rows


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Return the menu groups the signed-in user sees (``federation.web.pages.menu_for``)."""
    return menu_for(context["request"].user)
