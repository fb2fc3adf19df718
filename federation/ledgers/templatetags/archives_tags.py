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
    from federation.core.models import Village
    from federation.ledgers.archives import VIEW_PERMISSION, get_closable
    from federation.ledgers.exports.registry import ledgers_for_list
    from federation.ledgers.models import LedgerArchive

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or not request.user.has_perm(VIEW_PERMISSION):
        return []
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() else timezone.localdate().year
    villages = Village.objects.for_user(request.user)
    links = []
    for ledger in ledgers_for_list(match.view_name):
        if get_closable(ledger.name) is None:
            continue
        archives = LedgerArchive.objects.filter(
            ledger=ledger.name, year=year, status=LedgerArchive.Status.CLOSED
        )
        closed = villages.filter(pk__in=archives.values("villages")).count()
        if closed and closed == villages.count():
            label = f"{year} 年度已归档"
        elif closed:
            label = f"{year} 年度已归档 {closed} 个村"
        else:
            label = "年度归档"
        query = urlencode({"ledger": ledger.name, "year": year})
        links.append((label, f"{reverse('archives:list')}?{query}", bool(closed)))
    return links
