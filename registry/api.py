"""What registry contributes to the API: households (no register of their own) and the persons'
form, both placed in a village as their pages place them; a person's read recorded as her page's."""

from federation.api.resources import Resource, add_resource, adjust
from federation.core import access
from federation.web.registers import registers
from registry.forms.people import HouseholdForm, PersonForm, place_new_resident
from registry.models import Household
from registry.selectors import person_search


def search_by_person(rows, q):
    """Return ``rows`` (records of one person each) searched as their lists search: her name, her whole
    ID number or its last four."""
    return person_search(rows, q, prefix="person__")


def _place(form, request) -> None:
    if form.instance.pk is None:
        place_new_resident(form, request.user)


adjust(
    "persons",
    form_class=PersonForm,
    prepare_form=_place,
    access_kind=lambda obj: access.Kind.PERSON,
    filters=("sex", "deceased"),
    search=person_search,
    person_fields=("pk", "village_id"),
)


def search_person_registers() -> None:
    """Let the API's lists of registry's registers of persons be searched by her, as their pages are
    (called once they are declared)."""
    for register in registers:
        model = register.model
        if register.app != "registry" or model is None or register.name == "persons":
            continue
        if any(f.name == "person" and f.many_to_one for f in model._meta.get_fields()):
            adjust(register.name, search=search_by_person, person_fields=("person_id", "person__village_id"))


add_resource(
    Resource(
        path="households",
        name="households",
        model=Household,
        form_class=HouseholdForm,
        prepare_form=_place,
        fields=("group", "number", "address"),
    )
)
