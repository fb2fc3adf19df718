"""The page of the inspection pack (迎检材料): choose the period, the villages and the parts; follow it.

The pack is built in the background (``federation.ledgers.packs``); its progress page polls the
exports' status (``exports:job_status``) and downloads through ``exports:download``: a pack is one
of the user's exports, and only she sees it.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from federation.core.models import Village
from federation.ledgers.exports.services import ExportBusy
from federation.ledgers.exports.views import ExportJobView
from federation.ledgers.packs import PACK, PackSpec, Period, may_build, pack_parts, pack_request

DATE = forms.DateInput(attrs={"type": "date"})


class PackForm(forms.Form):
    """The pack's period (a year, or from–to), villages (none: the whole township) and parts."""

    period = forms.ChoiceField(
        label=_("期间"),
        choices=[("year", _("一个年度")), ("range", _("起止日期"))],
        initial="year",
        widget=forms.RadioSelect,
    )
    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    start = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    villages = forms.ModelMultipleChoiceField(
        label=_("村"),
        queryset=Village.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选：全乡镇（您负责的全部范围）。"),
    )
    parts = forms.MultipleChoiceField(
        label=_("材料"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一项材料。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, f"{y}年度") for y in range(this_year, this_year - 10, -1)]
        self.fields["year"].initial = this_year
        villages = (
            Village.objects.for_user(user).select_related("township").order_by("township__code", "code")
        )
        self.fields["villages"].queryset = villages
        self.fields["villages"].label_from_instance = lambda v: v.name
        if villages.count() <= 1:
            self.fields["villages"].widget = forms.MultipleHiddenInput()
        parts = pack_parts(user)
        self.fields["parts"].choices = parts
        self.fields["parts"].initial = [name for name, _label in parts]

    def clean(self):
        data = super().clean()
        if data.get("period") == "range":
            data["the_period"] = Period.between(data.get("start"), data.get("end"))
        elif data.get("year"):
            data["the_period"] = Period.of_year(data["year"])
        elif "period" in data:
            raise ValidationError(_("请选择年度。"))
        return data

    def spec(self) -> PackSpec:
        data = self.cleaned_data
        return PackSpec(
            period=data["the_period"],
            parts=tuple(data["parts"]),
            village_ids=tuple(v.pk for v in data["villages"]),
        )


class PackStartView(LoginRequiredMixin, generic.FormView):
    """迎检材料: the form; on submit the pack (one a township) is queued and its progress shown."""

    template_name = "ledgers/pack.html"
    form_class = PackForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_build(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            records = pack_request(user=self.request.user, spec=form.spec())
        except ExportBusy as exc:
            form.add_error(None, exc.message)
            return self.form_invalid(form)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        if len(records) == 1:
            return redirect("exports:pack_job", pk=records[0].pk)
        messages.info(self.request, _("已按乡镇分成 %(n)s 个材料包，正在后台生成。") % {"n": len(records)})
        return redirect("exports:job_list")


class PackJobView(ExportJobView):
    """The progress of one of the user's packs, and its download link when done."""

    template_name = "ledgers/pack_job.html"

    def get_queryset(self):
        return super().get_queryset().filter(ledger=PACK)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["again_url"] = reverse("exports:pack")
        return context
