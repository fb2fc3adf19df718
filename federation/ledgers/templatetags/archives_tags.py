"""The 归档 link of a ledger's list page: the year on screen, closed or not, and its archives."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def archive_links(context):
    """Return [(label, url, closed)] of the closable ledgers of this list page, for the year on screen.

    ``closed`` says an archive of the user's scope closes that year of the ledger (归档); the link
    goes to the archives of the ledger and year. Nothing for a user who may read no archive.
    """
    from django.db.models import Count

    from federation.core.models import Village
    from federation.ledgers.archives import VIEW_PERMISSION, get_closable
    from federation.ledgers.exports.registry import ledgers_for_list
    from federation.ledgers.models import LedgerArchive

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or not request.user.has_perm(VIEW_PERMISSION):
        return []
    ledgers = [ledger for ledger in ledgers_for_list(match.view_name) if get_closable(ledger.name)]
    if not ledgers:
        return []
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year
    villages = Village.objects.for_user(request.user)
    # The villages of her scope each ledger's archives close, counted for all of the page's ledgers
    # in one query: a list page shows this on every view, and most years close none.
    closes = LedgerArchive.villages.through.objects.filter(
        ledgerarchive__ledger__in=[ledger.name for ledger in ledgers],
        ledgerarchive__year=year,
        ledgerarchive__status=LedgerArchive.Status.CLOSED,
        village__in=villages,
    )
    closed_of = dict(
        closes.values_list("ledgerarchive__ledger").annotate(n=Count("village", distinct=True)).order_by()
    )
    in_scope = villages.count() if closed_of else 0
    links = []
    for ledger in ledgers:
        closed = closed_of.get(ledger.name, 0)
        if closed and closed == in_scope:
            label = f"{year} 年度已归档"
        elif closed:
            label = f"{year} 年度已归档 {closed} 个村"
        else:
            label = "年度归档"
        query = urlencode({"ledger": ledger.name, "year": year})
        links.append((label, f"{reverse('archives:list')}?{query}", bool(closed)))
    return links
