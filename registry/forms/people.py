from __future__ import annotations

from django import forms

from registry.models import Household, Person


class VersionedModelForm(forms.ModelForm):
    """A model form that carries the version the editor started from (no silent overwrite)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class PersonForm(VersionedModelForm):
    class Meta:
        model = Person
        fields = [
            "household",
            "relation",
            "name",
            "id_number",
            "sex",
            "birth_date",
            "ethnicity",
            "phone",
            "marital_status",
            "education",
            "political_status",
            "employment",
            "work_place",
            "work_place_detail",
            "away_since",
            "deceased",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "away_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "id_number": forms.TextInput(
                attrs={"inputmode": "text", "autocomplete": "off", "data-id-number": "1", "maxlength": 18}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def clean_id_number(self) -> str | None:
        """Return the number as typed, stripped; the model's ``clean()`` checks and normalises it."""
        return (self.cleaned_data.get("id_number") or "").strip().upper() or None


class HouseholdForm(VersionedModelForm):
    class Meta:
        model = Household
        fields = ["group", "number", "address", "income_year", "per_capita_income"]
        widgets = {"per_capita_income": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0})}
