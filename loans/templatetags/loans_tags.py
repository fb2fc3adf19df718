import datetime as dt

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from federation.core.addresses import record_address
from loans.states import Status

register = template.Library()

_BADGES = {
    Status.DRAFT: "text-bg-secondary",
    Status.SUBMITTED: "text-bg-warning",
    Status.VILLAGE_SIGNED: "text-bg-info",
    Status.TOWNSHIP_SIGNED: "text-bg-info",
    Status.COOPERATIVE_AGREED: "text-bg-primary",
    Status.STAMPED: "text-bg-primary",
    Status.DISBURSED: "text-bg-success",
    Status.REPAID: "text-bg-light border",
    Status.REFUSED: "text-bg-danger",
    Status.WITHDRAWN: "text-bg-dark",
}


@register.filter
def status_badge(status: str) -> str:
    """Return the Bootstrap badge class of an application status."""
    return _BADGES.get(status, "text-bg-secondary")


@register.filter
def move_button(move) -> str:
    """Return the button class of a step: signatures stand out, refusals warn."""
    if move.is_signature or move.awaits:
        return "btn-federation"
    if move.target in (Status.REFUSED, Status.WITHDRAWN):
        return "btn-outline-danger"
    return "btn-outline-secondary"


#: The ledger's columns shown as wrapped text, and the one shown as an ID number.
_WRAPPED = ("guarantors", "project")


@register.simple_tag(takes_context=True)
def ledger_cells(context, row, columns) -> SafeString:
    """Return the ``<td>`` cells of one row of the loan ledger's page: its name linked to the
    application, a dash for an empty value, dates as 2026-03-18, the rest as the page shows a value.

    One tag a row rather than template logic a cell: a page of the county's ledger is 50 rows of
    21 columns. The row's dates are days already (``loans.selectors.LedgerRow``: a signature's
    moment as its local day), shown as ISO dates.
    """
    cells = []
    for name, label in columns:
        value = getattr(row, name)
        css = "id-number" if name == "id_number" else "wrap" if name in _WRAPPED else ""
        if name == "name":
            url = record_address("loans:application_detail", row.pk)
            shown = format_html('<a href="{}">{}</a>', url, render_value_in_context(value, context))
        elif value is None or value == "":
            shown = "—"
        elif isinstance(value, dt.date):
            shown = value.isoformat()
        else:
            shown = render_value_in_context(value, context)
        cells.append((label, css, shown))
    return format_html_join("", '<td data-label="{}" class="{}">{}</td>', cells)
