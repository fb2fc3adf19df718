"""What registry contributes to the API: households (no register of their own) and the persons'
form, both placed in a village as their pages place them; a person's read recorded as her page's."""

from federation.api.resources import Resource, add_resource, adjust
from federation.core import access
from registry.forms.people import HouseholdForm, PersonForm, place_new_resident
from registry.models import Household


def _place(form, request) -> None:
    if form.instance.pk is None:
        place_new_resident(form, request.user)


adjust(
    "persons",
    form_class=PersonForm,
    prepare_form=_place,
    access_kind=lambda obj: access.Kind.PERSON,
    filters=("sex", "deceased"),
)
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
