from django.urls import path

from federation.web.registers import declared_urls
from registry.views import people

app_name = "registry"

urlpatterns = [
    path("women-ledger/", people.WomenLedgerView.as_view(), name="women_ledger"),
    path("persons/", people.PersonListView.as_view(), name="person_list"),
    path("persons/new/", people.PersonCreateView.as_view(), name="person_create"),
    path("persons/deleted/", people.PersonDeletedListView.as_view(), name="person_deleted"),
    path("persons/<int:pk>/", people.PersonDetailView.as_view(), name="person_detail"),
    path("persons/<int:pk>/edit/", people.PersonUpdateView.as_view(), name="person_update"),
    path("persons/<int:pk>/delete/", people.PersonDeleteView.as_view(), name="person_delete"),
    path("persons/<int:pk>/restore/", people.PersonRestoreView.as_view(), name="person_restore"),
    path("persons/<int:pk>/move/", people.PersonMoveView.as_view(), name="person_move"),
    path("households/<int:pk>/move/", people.HouseholdMoveView.as_view(), name="household_move"),
    path("households/", people.HouseholdListView.as_view(), name="household_list"),
    path("households/new/", people.HouseholdCreateView.as_view(), name="household_create"),
    path("households/deleted/", people.HouseholdDeletedListView.as_view(), name="household_deleted"),
    path("households/<int:pk>/", people.HouseholdDetailView.as_view(), name="household_detail"),
    path("households/<int:pk>/edit/", people.HouseholdUpdateView.as_view(), name="household_update"),
    path("households/<int:pk>/delete/", people.HouseholdDeleteView.as_view(), name="household_delete"),
    path("households/<int:pk>/restore/", people.HouseholdRestoreView.as_view(), name="household_restore"),
]

urlpatterns += declared_urls("registry")
