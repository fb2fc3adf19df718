from django.urls import path

from federation.web.generic import record_urls
from federation.web.registers import declared_urls
from registry.forms.people import HouseholdForm, PersonForm
from registry.models import Household, Person
from registry.views import access_log, autocomplete, carry_over, people, recheck, search
from registry.views.registers import entry_exit_urls

app_name = "registry"

urlpatterns = [
    path("women-ledger/", people.WomenLedgerView.as_view(), name="women_ledger"),
    path("access-log/", access_log.AccessLogView.as_view(), name="access_log"),
    path("search/", search.SearchView.as_view(), name="search"),
    path("carry-over/", carry_over.CarryOverView.as_view(), name="carry_over"),
    path("recheck/", recheck.RecheckView.as_view(), name="recheck"),
    path("recheck/<str:register>/<int:pk>/keep/", recheck.RecheckKeepView.as_view(), name="recheck_keep"),
    path("autocomplete/persons/", autocomplete.PersonAutocompleteView.as_view(), name="person_autocomplete"),
    path(
        "autocomplete/households/",
        autocomplete.HouseholdAutocompleteView.as_view(),
        name="household_autocomplete",
    ),
    path("persons/<int:pk>/move/", people.PersonMoveView.as_view(), name="person_move"),
    path("households/<int:pk>/move/", people.HouseholdMoveView.as_view(), name="household_move"),
    *record_urls(
        Person,
        "persons",
        form_class=PersonForm,
        views={
            "list": people.PersonListView,
            "detail": people.PersonDetailView,
            "create": people.PersonCreateView,
        },
    ),
    *record_urls(
        Household,
        "households",
        form_class=HouseholdForm,
        views={
            "list": people.HouseholdListView,
            "detail": people.HouseholdDetailView,
            "create": people.ResidentCreateView,
        },
    ),
]

urlpatterns += declared_urls("registry")
urlpatterns += entry_exit_urls()
