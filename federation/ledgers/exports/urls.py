"""URLs of the exports (``exports:`` namespace), included by ``federation.project.urls`` at ``exports/``.

Besides ``exports:export`` (a ledger by name), each list page that a ledger names in its
``list_views`` gets URL names in the list's own namespace, by button: ``xlsx`` and ``pdf`` for a
table, ``cards`` for a card. ``templates/exports/_buttons.html`` reverses
``exports:<the list's URL name>:<button>`` and shows only the buttons that exist, so a list gets
its export buttons as soon as its app registers a ledger for it, with no change to its template.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import include, path

from federation.ledgers import packs_views
from federation.ledgers.exports import views
from federation.ledgers.exports.registry import all_ledgers

app_name = "exports"


def _list_patterns() -> list:
    """Return the per-list-page URL names of the buttons (see the module docstring)."""
    by_namespace: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for ledger in all_ledgers():
        for view_name in ledger.list_views:
            namespace, _sep, list_name = view_name.rpartition(":")
            for fmt in ledger.formats:
                button = fmt if ledger.is_table else "cards"
                kwargs = {"ledger": ledger.name, "fmt": fmt}
                by_namespace[namespace][list_name].append(
                    path(f"{ledger.name}/{fmt}/", views.ExportView.as_view(), kwargs, name=button)
                )
    patterns = []
    for namespace, lists in by_namespace.items():
        nested = [path("", include((buttons, list_name))) for list_name, buttons in lists.items()]
        if namespace:
            patterns.append(path("", include((nested, namespace))))
        else:
            patterns.extend(nested)
    return patterns


urlpatterns = [
    path("", views.ExportListView.as_view(), name="job_list"),
    path("jobs/<int:pk>/", views.ExportJobView.as_view(), name="job"),
    path("jobs/<int:pk>/status/", views.ExportStatusView.as_view(), name="job_status"),
    path("jobs/<int:pk>/download/", views.ExportDownloadView.as_view(), name="download"),
    # The inspection pack (迎检材料, federation.ledgers.packs): many ledgers in one ZIP.
    path("pack/", packs_views.PackStartView.as_view(), name="pack"),
    path("pack/jobs/<int:pk>/", packs_views.PackJobView.as_view(), name="pack_job"),
    path("<str:ledger>/<str:fmt>/", views.ExportView.as_view(), name="export"),
    *_list_patterns(),
]
