"""Forms of the registers. The rules are the models' (``clean()`` calls ``registry.rules``)."""

from __future__ import annotations

from django import forms

from registry.forms.people import VersionedModelForm
from registry.models import (
    HardshipChild,
    LeftBehindChild,
    LeftBehindWoman,
    Person,
    PoorWoman,
    VillageDirector,
    WomensHome,
)

DATE = {"type": "date"}


class PersonChoiceField(forms.ModelChoiceField):
    """Pick an existing person: shown as name, sex, birth date and group, never the ID number."""

    def label_from_instance(self, person: Person) -> str:
        born = person.birth_date.isoformat() if person.birth_date else "出生日期不详"
        group = f"{person.household.group} " if person.household_id else ""
        return f"{person.name}（{person.get_sex_display()}，{born}，{person.village.name}{group}）"


def _people(**filters):
    return Person.objects.filter(deceased=False, **filters).select_related("village", "household__group")


class RegisterEntryForm(VersionedModelForm):
    person_filters: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "person" in self.fields:
            self.fields["person"] = PersonChoiceField(
                queryset=_people(**self.person_filters), label=self.fields["person"].label
            )


class LeftBehindChildForm(RegisterEntryForm):
    class Meta:
        model = LeftBehindChild
        fields = [
            "year",
            "person",
            "category",
            "parents_away",
            "away_reason",
            "guardian_name",
            "guardian_relation",
            "guardian_phone",
            "school",
            "grade",
            "boarding",
            "regular_contact",
            "health",
            "notes",
        ]
        widgets = {"guardian_phone": forms.TextInput(attrs={"inputmode": "tel"})}


class HardshipChildForm(RegisterEntryForm):
    class Meta:
        model = HardshipChild
        fields = [
            "year",
            "person",
            "reason",
            "reason_detail",
            "guardian_name",
            "guardian_relation",
            "guardian_phone",
            "school",
            "grade",
            "notes",
        ]
        widgets = {"guardian_phone": forms.TextInput(attrs={"inputmode": "tel"})}


class LeftBehindWomanForm(RegisterEntryForm):
    person_filters = {"sex": "F"}

    class Meta:
        model = LeftBehindWoman
        fields = ["year", "person", "lives_with", "at_registration_place", "needs", "notes"]


class PoorWomanForm(RegisterEntryForm):
    person_filters = {"sex": "F"}

    class Meta:
        model = PoorWoman
        fields = [
            "year",
            "person",
            "reason",
            "reason_detail",
            "in_dibao",
            "paired",
            "paired_by",
            "relief",
            "relief_what",
            "relief_amount",
            "notes",
        ]
        widgets = {"relief_amount": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0})}


class VillageDirectorForm(VersionedModelForm):
    class Meta:
        model = VillageDirector
        fields = [
            "village",
            "person",
            "name",
            "work_unit",
            "birth_month",
            "education",
            "political_status",
            "in_office_since",
            "committee_seat",
            "part_time_posts",
            "yearly_income",
            "on_payroll",
            "phone",
            "left_office_on",
        ]
        widgets = {
            "birth_month": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "in_office_since": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "left_office_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=_people(sex="F"), required=False, label=self.fields["person"].label
        )


class WomensHomeForm(VersionedModelForm):
    class Meta:
        model = WomensHome
        fields = [
            "village",
            "signed_up",
            "signed_up_on",
            "has_office",
            "equipment",
            "equipment_received_on",
            "notes",
        ]
        widgets = {
            "signed_up_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
            "equipment_received_on": forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        }
