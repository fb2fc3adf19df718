"""URLs of the imports (``imports:`` namespace), included by ``federation.project.urls`` at ``imports/``."""

from __future__ import annotations

from django.urls import path

from federation.ledgers.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportStartView.as_view(), name="start"),
    path("template/", views.ImportTemplateView.as_view(), name="template"),
    path("history/", views.ImportHistoryView.as_view(), name="history"),
    path("<int:pk>/", views.ImportRecordView.as_view(), name="record"),
    path("<int:pk>/status/", views.ImportStatusView.as_view(), name="status"),
    path("<int:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("<int:pk>/abandon/", views.ImportAbandonView.as_view(), name="abandon"),
    path("<int:pk>/restart/", views.ImportRestartView.as_view(), name="restart"),
    path("<int:pk>/mapping/", views.ImportMappingView.as_view(), name="mapping"),
]
