"""Forms of the honours. The rules are the models' (``clean()`` calls ``outreach.honour_rules``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.core.forms import AutocompleteSelect, FriendlyErrorsMixin, VersionedModelForm
from outreach.models import AwardKind, FamilyHeading, HonourNomination, HonourObjection, RedBannerAward
from registry.forms.registers import PersonChoiceField
from registry.models import Household, Person
from registry.views.autocomplete import household_label

DATE = {"type": "date"}


def _date() -> forms.DateInput:
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, household: Household) -> str:
        return household_label(household)


class HonourNominationForm(VersionedModelForm):
    """A village's proposal: the family, the headings its deeds fall under, and its story."""

    headings = forms.MultipleChoiceField(
        label=_("事迹类别"),
        choices=FamilyHeading.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("可选几个：事迹突出、得到群众好评的方面。"),
        error_messages={"required": _("请至少选一个事迹类别。")},
    )

    class Meta:
        model = HonourNomination
        fields = ["village", "household", "year", "proposed_on", "headings", "story"]
        widgets = {
            "proposed_on": _date(),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "story": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"] = HouseholdChoiceField(
            queryset=Household.objects.select_related("village", "group").prefetch_related("members"),
            widget=AutocompleteSelect(
                "registry:household_autocomplete", attrs={"data-placeholder": _("输入户号或户主姓名查找")}
            ),
            label=_("推荐家庭"),
            help_text=_("只能推荐本村登记的家庭；系统按推荐日期核实最美家庭的条件，不符合的逐条说明。"),
        )
        self.fields["story"].help_text = _("按事迹类别写清楚具体事例，公示时原样印出。")


class ObjectionForm(VersionedModelForm):
    """An objection received while the family is on the notice."""

    class Meta:
        model = HonourObjection
        fields = ["received_on", "raised_by", "content"]
        widgets = {"received_on": _date(), "content": forms.Textarea(attrs={"rows": 3})}


class ObjectionHandlingForm(VersionedModelForm):
    """What the township found of an objection, how it handled it and when."""

    class Meta:
        model = HonourObjection
        fields = ["outcome", "handling", "handled_on"]
        widgets = {
            "outcome": forms.RadioSelect,
            "handled_on": _date(),
            "handling": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            c for c in HonourObjection.Outcome.choices if c[0] != HonourObjection.Outcome.OPEN
        ]
        self.fields["outcome"].required = True


class NoticeForm(FriendlyErrorsMixin, forms.Form):
    """The families to put on the notice, its first day, its days and the telephone it prints."""

    nominations = forms.ModelMultipleChoiceField(
        HonourNomination.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("公示的家庭"),
        error_messages={"required": _("请至少选一户公示。")},
    )
    starts_on = forms.DateField(label=_("公示开始日期"), widget=_date())
    days = forms.IntegerField(
        label=_("公示天数"),
        min_value=1,
        max_value=60,
        help_text=_("公示开始那天算第 1 天；期满后第二天起才能确认。"),
    )
    phone = forms.CharField(label=_("监督电话"), max_length=30, required=False)

    def __init__(self, *args, nominations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nominations is not None:
            self.fields["nominations"].queryset = nominations
        self.fields["nominations"].label_from_instance = lambda n: (
            f"{n.village.name} {n.family_label}（{n.headings_label}）"
        )
        self.fields["days"].widget.attrs["inputmode"] = "numeric"


class DeclineForm(FriendlyErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("未入选的原因"), max_length=200)


class RedBannerAwardForm(VersionedModelForm):
    """A 三八红旗手 (a resident chosen, or a name) or a 三八红旗集体 (a name)."""

    class Meta:
        model = RedBannerAward
        fields = [
            "township",
            "village",
            "kind",
            "person",
            "name",
            "work_unit",
            "level",
            "year",
            "document",
            "notes",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=Person.objects.filter(deceased=False).select_related("village"),
            required=False,
            widget=AutocompleteSelect("registry:person_autocomplete", {"alive": 1}),
            label=self.fields["person"].label,
            help_text=_("获奖人是本村（本乡镇）登记的居民时选她；否则在下面填姓名。"),
        )
        self.fields["kind"].choices = AwardKind.choices  # two radios, no empty one
