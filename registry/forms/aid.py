"""Forms of the aid programmes and pairings; the rules are the models' (``registry.aid``)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from federation.core.forms import VersionedModelForm
from registry.forms.registers import DATE_INPUT, MONEY_INPUT, PHONE_INPUT, PersonChoiceField
from registry.models import AidRecord, Pairing, PairingFollowUp, Person

TEXT = forms.Textarea(attrs={"rows": 3})


def _person_field(form, *, help_text, **filters) -> PersonChoiceField:
    """Return the person field of an aid form: a living resident of the scope (and ``filters``)."""
    condition = Q(deceased=False, **filters) | Q(pk=form.instance.person_id or 0)
    qs = Person.objects.filter(condition).select_related("village", "household__group")
    return PersonChoiceField(
        queryset=qs, label=form.fields["person"].label, search={**filters, "alive": 1}, help_text=help_text
    )


class AidRecordForm(VersionedModelForm):
    """A grant of 春蕾计划 or 贫困母亲 to a registered girl or woman."""

    class Meta:
        model = AidRecord
        fields = [
            "kind",
            "person",
            "year",
            "school_year",
            "school",
            "given_on",
            "amount",
            "goods",
            "funder",
            "notes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "given_on": DATE_INPUT,
            "amount": MONEY_INPUT,
            "school_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "notes": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _person_field(
            self,
            sex="F",
            help_text=_(
                "春蕾计划：当年在留守儿童、特殊困难儿童台账上，或家里有妇女在农村贫困妇女台账上的女童；"
                "贫困母亲：当年在农村贫困妇女台账上的妇女。"
            ),
        )


class PairingForm(VersionedModelForm):
    """A helper paired with a registered child or poor woman."""

    class Meta:
        model = Pairing
        fields = [
            "kind",
            "person",
            "helper_name",
            "helper_unit",
            "helper_phone",
            "since",
            "until",
            "plan",
            "notes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "helper_phone": PHONE_INPUT,
            "since": DATE_INPUT,
            "until": DATE_INPUT,
            "notes": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _person_field(
            self,
            help_text=_(
                "结对那一年或上一年在留守儿童、特殊困难儿童台账上的儿童（结对帮扶也可以是农村贫困妇女台账上的妇女）。"
            ),
        )


class PairingFollowUpForm(VersionedModelForm):
    """A follow-up of a pairing; opened from the pairing's page, which it names."""

    class Meta:
        model = PairingFollowUp
        fields = ["pairing", "on", "money", "goods", "hours", "note"]
        widgets = {
            "on": DATE_INPUT,
            "money": MONEY_INPUT,
            "hours": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.5"}),
            "note": TEXT,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = Pairing.objects.select_related("person")
        if self.instance.pairing_id or self.initial.get("pairing"):
            self.fields["pairing"].widget = forms.HiddenInput()
