"""Forms of households and persons; their rules are the models' (``registry.models.people``)."""

from __future__ import annotations

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core import history
from federation.core.forms import AutocompleteSelect, FriendlyErrorsMixin, VersionedModelForm
from federation.core.models import Village, VillageGroup
from federation.core.roles import Level
from federation.core.scoping import membership_of
from federation.core.services import domain_record_save
from registry.forms.registers import DATE_INPUT
from registry.models import Household, HouseholdIncome, Person, Relation
from registry.rules import next_free_numbers


def place_new_resident(form: forms.ModelForm, user) -> None:
    """Place a new household's or person's ``form`` in a village: a director's own (set on the record);
    for the township roles a 村 field first, among their villages, in whose village the record's
    rules are then judged (a number held in another village, say). The pages and the API call it."""
    membership = membership_of(user)
    if membership is not None and membership.level == Level.VILLAGE:
        form.instance.village_id = membership.village_id
        return
    form.fields = {
        "village": forms.ModelChoiceField(queryset=Village.objects.for_user(user), label=_("村")),
        **form.fields,
    }
    form_clean = form.clean

    def clean():
        cleaned = form_clean()
        if cleaned.get("village") is not None:
            form.instance.village = cleaned["village"]
        return cleaned

    form.clean = clean


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
            "birth_date": DATE_INPUT,
            "away_since": DATE_INPUT,
            "id_number": forms.TextInput(
                attrs={"inputmode": "text", "autocomplete": "off", "data-id-number": "1", "maxlength": 18}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "household": AutocompleteSelect(
                "registry:household_autocomplete", attrs={"data-placeholder": _("输入户号或户主姓名查找")}
            ),
        }

    def clean_id_number(self) -> str | None:
        """Return the number as typed, stripped; the model's ``clean()`` checks and normalises it."""
        return (self.cleaned_data.get("id_number") or "").strip().upper() or None


#: Over how many villages the household form still proposes a number for every group it offers
#: (beyond, only for the group chosen: the numbers of a whole county are not read for one form).
PROPOSE_FOR_VILLAGES = 20


class HouseholdForm(VersionedModelForm):
    """A household, and its per-capita net income of one year (each year keeps its own figure)."""

    income_year = forms.IntegerField(
        label=_("收入年度"),
        help_text=_("每年的收入分开保存：填写新一年的收入不会改动往年的登记。"),
    )
    per_capita_income = forms.DecimalField(
        label=_("家庭人均纯收入（元）"),
        required=False,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"}),
        help_text=_("空着表示这一年的收入还不知道。"),
    )

    #: The fields of the income record (HouseholdIncome) as this form names them.
    INCOME_FIELDS = {"year": "income_year", "per_capita_income": "per_capita_income"}

    class Meta:
        model = Household
        fields = ["group", "number", "address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        latest = self.instance.latest_income if self.instance.pk else None
        self.fields["income_year"].initial = latest.year if latest else timezone.localdate().year
        self.fields["per_capita_income"].initial = latest.per_capita_income if latest else None

    def propose_numbers(self) -> None:
        """Offer the next free 户号 of the groups the form offers (``next_free_numbers``).

        The page's script fills it in when a group is chosen (``data-next-numbers``); a new form
        whose group is known starts with it. Call it once the group choices are the user's.
        """
        if self.instance.pk is not None:
            return
        groups = self.fields["group"].queryset
        chosen = self["group"].value()
        if len({g.village_id for g in groups.only("village_id")}) > PROPOSE_FOR_VILLAGES:
            groups = groups.filter(pk=chosen) if str(chosen or "").isdigit() else groups.none()
        proposed = next_free_numbers(groups)
        number = self.fields["number"]
        number.widget.attrs["data-next-numbers"] = json.dumps({str(k): v for k, v in proposed.items()})
        number.help_text = _("选了村民小组会自动填上本组下一个空着的户号，可以修改。")
        if not self.is_bound and str(chosen or "").isdigit() and int(chosen) in proposed:
            self.initial["number"] = proposed[int(chosen)]
        self._proposed = proposed

    def full_clean(self):
        super().full_clean()
        group = getattr(self, "cleaned_data", {}).get("group")
        proposed = getattr(self, "_proposed", {})
        if "number" in self._errors and group is not None and group.pk in proposed:
            hint = _("%(group)s下一个空着的户号是 %(number)s。") % {
                "group": group,
                "number": proposed[group.pk],
            }
            self.fields["number"].help_text = self["number"].help_text = hint  # the bound field keeps its own

    def clean(self):
        cleaned = super().clean()
        amount, year = cleaned.get("per_capita_income"), cleaned.get("income_year")
        if year is not None:
            unchecked = ["household"] if amount is not None else ["household", "per_capita_income"]
            try:  # the income's own rules (HouseholdIncome), as every other path checks them
                HouseholdIncome(year=year, per_capita_income=amount).full_clean(exclude=unchecked)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(self.INCOME_FIELDS.get(field), errors)
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        amount = self.cleaned_data.get("per_capita_income")
        income = (
            None if amount is None else self.instance.income_change(self.cleaned_data["income_year"], amount)
        )
        if income is not None:  # checked, scoped and its version raised, by who saved the household
            domain_record_save(user=history.actor_of(self.instance), instance=income)


class HouseholdMoveForm(FriendlyErrorsMixin, forms.Form):
    to_group = forms.ModelChoiceField(queryset=None, label=_("迁入的村民小组"))
    number = forms.CharField(
        label=_("迁入后的户号"), max_length=20, required=False, help_text=_("空着表示沿用原户号。")
    )

    def __init__(self, *args, user, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_group"].queryset = (
            VillageGroup.objects.for_user(user).exclude(village=household.village).select_related("village")
        )
        self.fields["to_group"].label_from_instance = lambda g: f"{g.village.name} {g}"


class PersonMoveForm(FriendlyErrorsMixin, forms.Form):
    to_household = forms.ModelChoiceField(
        queryset=None,
        label=_("迁入的户"),
        widget=AutocompleteSelect(
            "registry:household_autocomplete", attrs={"data-placeholder": _("输入户号或户主姓名查找")}
        ),
    )
    relation = forms.ChoiceField(choices=Relation.choices, label=_("与新户户主的关系"))

    def __init__(self, *args, user, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_household"].queryset = (
            Household.objects.for_user(user)
            .exclude(pk=person.household_id)
            .select_related("village", "group")
        )
        self.fields["to_household"].label_from_instance = lambda h: f"{h.village.name} {h}"
