"""The 导入 button of a list page: the importers of the ledgers exported from this page."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def import_links(context):
    """Return [(title, url)] of the ledgers of this list page that the signed-in user may import.

    A list page's ledgers are those whose export names it in ``list_views``; a ledger has an import
    when an importer is registered under its name (or an alias). The year filter of the list is
    kept, so the import goes to the year on screen.
    """
    from federation.ledgers.exports.registry import ledgers_for_list
    from federation.ledgers.imports.framework import get_importer, importers_for

    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if request is None or match is None or not request.user.is_authenticated:
        return []
    allowed = {imp.name for imp in importers_for(request.user)}
    links, seen = [], set()
    for ledger in ledgers_for_list(match.view_name):
        importer = get_importer(ledger.name)
        if importer is None or importer.name not in allowed or importer.name in seen:
            continue
        seen.add(importer.name)
        query = {"ledger": importer.name}
        year = request.GET.get("year", "")
        if importer.yearly and year.isdigit():
            query["year"] = year
        links.append((importer.title, f"{reverse('imports:start')}?{urlencode(query)}"))
    return links


@register.simple_tag(takes_context=True)
def can_import(context) -> bool:
    """Return whether the signed-in user may import some ledger (the 导入 buttons)."""
    from federation.ledgers.imports.framework import may_import

    request = context.get("request")
    return may_import(getattr(request, "user", None))
