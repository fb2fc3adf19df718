from django.urls import path

from crosschecks import views

app_name = "crosschecks"

urlpatterns = [
    path("", views.DepartmentListListView.as_view(), name="departmentlist_list"),
    path("new/", views.DepartmentListCreateView.as_view(), name="departmentlist_create"),
    path("<int:pk>/", views.DepartmentListDetailView.as_view(), name="departmentlist_detail"),
    path("<int:pk>/confirm/", views.DepartmentListConfirmView.as_view(), name="departmentlist_confirm"),
    path("<int:pk>/export/", views.DepartmentListExportView.as_view(), name="departmentlist_export"),
    path("differences/<int:pk>/check/", views.DifferenceCheckView.as_view(), name="difference_check"),
    path("differences/<int:pk>/person/", views.DifferencePersonView.as_view(), name="difference_person"),
]
