from django.urls import path

from federation.web.generic import page_urls, record_urls
from federation.web.registers import declared_urls
from registry.forms.people import HouseholdForm, PersonForm
from registry.models import Household, Person
from registry.views import access_log, autocomplete, carry_over, people, recheck, search
from registry.views.registers import entry_exit_urls

app_name = "registry"


def _resident_urls(model, route: str, form_class, *, create) -> list:
    """Return the URL patterns of the pages of ``model``, the person or the household: the seven of a
    record, with its own list and detail views (``people.<Model>ListView``, ``people.<Model>DetailView``)
    and ``create``, and the township's move (``people.<Model>MoveView``)."""
    own = model.__name__
    views = {"list": getattr(people, f"{own}ListView"), "detail": getattr(people, f"{own}DetailView")}
    return [
        *page_urls(people, own, "move", path=route),
        *record_urls(model, route, form_class=form_class, views={**views, "create": create}),
    ]


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
    *_resident_urls(Person, "persons", PersonForm, create=people.PersonCreateView),
    *_resident_urls(Household, "households", HouseholdForm, create=people.ResidentCreateView),
]

urlpatterns += declared_urls("registry")
urlpatterns += entry_exit_urls()
