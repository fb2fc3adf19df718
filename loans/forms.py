"""Forms of the microloans. The rules are ``loans.eligibility``'s; the services check them again."""

from __future__ import annotations

from django import forms
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from federation.core.forms import DATE_INPUT, FriendlyErrorsMixin, PlacedErrorsMixin, VersionedModelForm
from federation.core.models import Village
from loans.eligibility import check_eligibility
from loans.models import (
    LONGEST_TERM,
    SHORTEST_TERM,
    AttachmentKind,
    Guarantor,
    GuarantorKind,
    LoanApplication,
    loan_settings,
)
from loans.services import detect_attachment_type
from loans.states import Move
from registry.forms.registers import PersonChoiceField
from registry.models import Person

MONEY = forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "0.01"})


class ApplicationForm(VersionedModelForm):
    """The application as the village director fills it in from the woman's paper form."""

    class Meta:
        model = LoanApplication
        fields = ["applicant", "applied_on", "amount", "term_months", "own_funds", "project", "purpose"]
        widgets = {
            "applied_on": DATE_INPUT,
            "amount": MONEY,
            "own_funds": MONEY,
            "term_months": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": SHORTEST_TERM, "max": LONGEST_TERM}
            ),
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"amount": _("2 万元以上、8 万元以下（含本数），按年度设置。")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"] = PersonChoiceField(
            queryset=Person.objects.for_user(user)
            .filter(sex="F", deceased=False)
            .select_related("village", "household__group")
            .order_by("name"),
            label=_("申请人"),
            help_text=_("从本村登记的妇女中选择；配偶信息在提交时从户中读取。"),
            search={"sex": "F", "alive": 1},
        )
        villages = Village.objects.for_user(user).order_by("code")
        if villages.count() > 1:
            # The township's staff prepares a draft for one of her villages, which then signs first.
            self.fields["village"] = forms.ModelChoiceField(
                queryset=villages,
                label=_("村"),
                help_text=_("为哪个村准备这份申请；保存后由该村提交并先签字。"),
            )
            self.order_fields(["village", *self.Meta.fields])
            if self.instance.pk:
                self.initial.setdefault("village", self.instance.village_id)

    def clean(self):
        cleaned = super().clean()
        village, applicant = cleaned.get("village"), cleaned.get("applicant")
        if village is not None and applicant is not None and applicant.village_id != village.pk:
            self.add_error(
                "applicant",
                _("%(name)s 是%(hers)s的妇女，不是%(chosen)s的。")
                % {"name": applicant.name, "hers": applicant.village.name, "chosen": village.name},
            )
        return cleaned


class GuarantorForm(PlacedErrorsMixin, FriendlyErrorsMixin, forms.ModelForm):
    class Meta:
        model = Guarantor
        fields = ["name", "id_number", "phone", "kind", "work_unit", "bank", "deposit_amount"]
        widgets = {
            "id_number": forms.TextInput(
                attrs={"autocomplete": "off", "maxlength": 18, "data-id-number": "1"}
            ),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "kind": forms.RadioSelect,
            "deposit_amount": MONEY,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = GuarantorKind.choices  # two radios, no "---------"

    def clean_id_number(self) -> str:
        """Return the number as typed, stripped; the model's ``clean()`` checks and normalises it."""
        return (self.cleaned_data.get("id_number") or "").strip().replace(" ", "").upper()


class BaseGuarantorFormSet(BaseInlineFormSet):
    """The guarantors of an application; its ``clean()`` runs the loan rules on the whole application.

    ``self.instance`` is the application with the values of its own form applied, so the rules see
    what is about to be saved. Used by the web form and by the admin's inline alike.
    """

    def guarantors(self) -> list[Guarantor]:
        """Return the guarantors the forms describe (kept, new or edited; not those marked deleted)."""
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE"):
                continue
            kept.append(form.instance)
        return kept

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        application = self.instance
        if not application.applicant_id or application.amount is None or application.applied_on is None:
            return
        problems = check_eligibility(
            applicant=application.applicant,
            amount=application.amount,
            guarantors=self.guarantors(),
            on=application.applied_on,
            exclude_application=application,
            settings=loan_settings(application.applied_on.year),
        )
        if problems:
            raise forms.ValidationError([forms.ValidationError(p.message, code=p.rule) for p in problems])


def guarantor_formset(extra: int):
    """Return the formset class of an application's guarantors with ``extra`` blank forms."""
    return inlineformset_factory(
        LoanApplication,
        Guarantor,
        form=GuarantorForm,
        formset=BaseGuarantorFormSet,
        extra=extra,
        can_delete=True,
        max_num=4,
        validate_max=True,
    )


# --- the steps ----------------------------------------------------------------------------------------


def _field_catalog(application: LoanApplication) -> dict[str, forms.Field]:
    today = timezone.localdate()
    return {
        "reason": forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000),
        "decided_on": forms.DateField(label=_("信用社意见日期"), widget=DATE_INPUT, initial=today),
        "loan_number": forms.CharField(label=_("贷款编号"), max_length=40),
        "disbursed_on": forms.DateField(label=_("放款日期"), widget=DATE_INPUT, initial=today),
        "disbursed_amount": forms.DecimalField(
            label=_("放款金额（元）"),
            max_digits=10,
            decimal_places=2,
            widget=MONEY,
            initial=application.amount,
        ),
        "disbursed_term_months": forms.IntegerField(
            label=_("贷款期限（月）"),
            min_value=SHORTEST_TERM,
            max_value=LONGEST_TERM,
            initial=application.term_months,
        ),
        "interest_rate": forms.DecimalField(
            label=_("年利率（%）"),
            max_digits=6,
            decimal_places=3,
            widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.001", "min": 0}),
            help_text=_("按百分数填写，例如 4.35。"),
        ),
        "repaid_on": forms.DateField(label=_("还清日期"), widget=DATE_INPUT, initial=today),
    }


class ActionForm(FriendlyErrorsMixin, forms.Form):
    """The confirmation of one step: the data it records and, for a signature, the signer's pledge."""

    def __init__(self, *args, move: Move, application: LoanApplication, **kwargs):
        super().__init__(*args, **kwargs)
        catalog = _field_catalog(application)
        for name in move.fields:
            self.fields[name] = catalog[name]
        if move.is_signature:
            self.fields["pledge"] = forms.BooleanField(
                label=_("我已严格把关，核对了上面的内容；签字意味着责任。"), required=True
            )

    def step_data(self) -> dict:
        """Return the cleaned data the service records (without the pledge)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "pledge"}


class AttachmentForm(FriendlyErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("材料类别"), choices=AttachmentKind.choices, initial=AttachmentKind.APPLICATION_FORM
    )
    file = forms.FileField(
        label=_("扫描件"),
        help_text=_("PDF、JPG 或 PNG，最大 5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_file(self):
        """Return the upload once its type (by its first bytes) and size are accepted."""
        upload = self.cleaned_data["file"]
        detect_attachment_type(upload)
        return upload
