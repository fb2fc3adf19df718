"""Forms of the registers. The rules are the models' (``clean()`` calls ``registry.rules``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from federation.core import policy
from federation.core.forms import DATE_INPUT, AutocompleteSelect, VersionedModelForm
from registry.models import Person

PHONE_INPUT = forms.TextInput(attrs={"inputmode": "tel"})
MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "min": 0})


def person_label(person: Person, user=None, *, age: bool = False) -> str:
    """Return how a person is offered in a form: name, sex, birth date, village and group; to a role
    that sees ages in place of birth dates (``user`` given), or with ``age`` (what a phone keeps
    offline, ``registry.offline``), her age."""
    born = person.birth_date.isoformat() if person.birth_date else "出生日期不详"
    if person.birth_date and (age or (user is not None and not policy.can_see_full_id_number(user))):
        born = f"{policy.masked_age(person.birth_date, policy.ages_on())}岁"
    group = f"{person.household.group}" if person.household_id else ""
    return f"{person.name}（{person.get_sex_display()}，{born}，{person.village.name}{group}）"


class PersonChoiceField(forms.ModelChoiceField):
    """Pick an existing person of the scope by typing her name or ID number (an autocomplete,
    ``registry.views.autocomplete``): the page never holds the list. ``search`` narrows what is
    offered as the field's queryset does (``sex``, ``alive``, ``registered``); the queryset is what
    is accepted. Shown as name, sex, birth date and group."""

    def __init__(self, *args, search: dict | None = None, **kwargs):
        kwargs.setdefault("widget", AutocompleteSelect("registry:person_autocomplete", search))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, person: Person) -> str:
        return person_label(person)


def _people(**filters):
    return Person.objects.filter(deceased=False, **filters).select_related("village", "household__group")


class RegisterEntryForm(VersionedModelForm):
    person_filters: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "person" in self.fields:
            self.fields["person"] = PersonChoiceField(
                queryset=_people(**self.person_filters),
                label=self.fields["person"].label,
                search={**self.person_filters, "alive": 1},
            )
        if "entered_on" in self.fields:
            self.fields["entered_on"].widget = DATE_INPUT
            if self.instance.pk is None and not self.initial.get("entered_on"):
                self.initial["entered_on"] = timezone.localdate()


class VillageDirectorForm(VersionedModelForm):
    """A village director: the resident she is, if registered, is chosen among the village's women."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=_people(sex="F"),
            required=False,
            label=self.fields["person"].label,
            search={"sex": "F", "alive": 1},
        )
