from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Household, Person, Relation


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


class HouseholdMoveForm(forms.Form):
    to_group = forms.ModelChoiceField(queryset=None, label=_("迁入的村民小组"))
    number = forms.CharField(
        label=_("迁入后的户号"), max_length=20, required=False, help_text=_("空着表示沿用原户号。")
    )

    def __init__(self, *args, user, household, **kwargs):
        super().__init__(*args, **kwargs)
        from federation.models import VillageGroup

        self.fields["to_group"].queryset = (
            VillageGroup.objects.for_user(user).exclude(village=household.village).select_related("village")
        )
        self.fields["to_group"].label_from_instance = lambda g: f"{g.village.name} {g}"


class PersonMoveForm(forms.Form):
    to_household = forms.ModelChoiceField(queryset=None, label=_("迁入的户"))
    relation = forms.ChoiceField(choices=Relation.choices, label=_("与新户户主的关系"))

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_household"].queryset = (
            Household.objects.for_user(user)
            .exclude(pk=person.household_id)
            .select_related("village", "group")
        )
        self.fields["to_household"].label_from_instance = lambda h: f"{h.village.name} {h}"
