from django import template
from django.utils.translation import gettext as _

from federation.core import policy
from federation.core.masking import is_birth_field, is_id_number_field, is_phone_field
from federation.core.policy import id_number_for, phone_for
from federation.web.pages import menu_for
from federation.web.tables import CellShower, shower_for

register = template.Library()


def _user(context):
    return context["request"].user


def _shower(context) -> CellShower:
    """Return how this request's page shows cells, for the page's year (made once a request)."""
    year = context.get("year")
    return shower_for(context["request"], year if isinstance(year, int) else None)


def _ages_on(context):
    """Return the day a masked role's ages are counted on: the page's year's reference date."""
    return _shower(context).ages_on


@register.simple_tag(takes_context=True)
def id_number(context, number):
    """Render an ID number whole or masked, as the signed-in user's role allows."""
    return id_number_for(_user(context), number) or "—"


@register.simple_tag(takes_context=True)
def phone(context, number):
    """Render a phone number whole or with its middle 4 digits masked, as the user's role allows."""
    return phone_for(_user(context), number) or "—"


@register.simple_tag(takes_context=True)
def full_personal_data(context):
    """Return True when the signed-in user sees birth dates, ID numbers and phones whole."""
    return policy.can_see_full_id_number(_user(context))


@register.simple_tag(takes_context=True)
def masked_age(context, birth_date):
    """Render the age in whole years shown to a masked role in place of ``birth_date``."""
    return _shower(context).age(birth_date)


@register.simple_tag(takes_context=True)
def ages_on_text(context):
    """Return the note of a masked role's 年龄 column: on which reference date ages are counted."""
    on = _ages_on(context)
    return _("按 %(year)s年%(month)s月%(day)s日（统计截止日）计算的周岁") % {
        "year": on.year,
        "month": on.month,
        "day": on.day,
    }


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
    """Render one list cell as the user's role allows (``federation.web.tables.CellShower``)."""
    return _shower(context).value(obj, path)


@register.simple_tag(takes_context=True)
def field_rows(context, obj):
    """Return (label, name, shown value) for each field of a record a user would read on its page.

    ID numbers and phones are shown as the user's role allows; a masked role reads 年龄 in place
    of a birth date or month.
    """
    from django.db import models as m

    user = _user(context)
    full = policy.can_see_full_id_number(user)
    hidden = {"id", "created_at", "updated_at", "deleted_at", "version", "id_last4"}
    rows = []
    for field in obj._meta.concrete_fields:
        if field.name in hidden:
            continue
        label = field.verbose_name
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        elif isinstance(field, m.ForeignKey):
            value = getattr(obj, field.name)
        else:
            value = getattr(obj, field.attname)
        if is_id_number_field(field.name):
            value = id_number_for(user, value)
        elif is_phone_field(field.name):
            value = phone_for(user, value)
        elif is_birth_field(field.name) and not full:
            label, value = _("年龄"), policy.masked_age(value, _ages_on(context))
        rows.append((label, field.name, value))
    return rows


@register.simple_tag(takes_context=True)
def main_menu(context):
    """Return the menu groups the signed-in user sees (``federation.web.pages.menu_for``)."""
    return menu_for(context["request"].user)
