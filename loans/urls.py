from django.urls import path

from loans import views

app_name = "loans"

urlpatterns = [
    path("", views.ApplicationListView.as_view(), name="application_list"),
    path("queue/", views.ApplicationQueueView.as_view(), name="application_queue"),
    path("new/", views.ApplicationFormView.as_view(), name="application_create"),
    path("<int:pk>/", views.ApplicationDetailView.as_view(), name="application_detail"),
    path("<int:pk>/edit/", views.ApplicationFormView.as_view(), name="application_update"),
    path("<int:pk>/step/<str:action>/", views.ApplicationActionView.as_view(), name="application_action"),
    path("<int:pk>/form.pdf", views.ApplicationPdfView.as_view(), name="application_pdf"),
    path("<int:pk>/attachments/new/", views.AttachmentAddView.as_view(), name="attachment_add"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.AttachmentDeleteView.as_view(), name="attachment_delete"),
    path("ledger/", views.LedgerView.as_view(), name="ledger"),
    path("subsidy/", views.SubsidyView.as_view(), name="subsidy"),
    path("verify/", views.VerifyView.as_view(), name="verify"),
]
