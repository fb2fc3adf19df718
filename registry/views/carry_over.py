"""结转上年名单: a director (her village) or the township (all its villages, or one) carries last year's
entries active on 31 December into the new year (``registry.services.register_carry_over``).

The form (year, village, entry date), then a page that asks to confirm with what the run will do (a
dry run: how many of each register pass, and who fails and why), then the result page, which names
the failures.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from federation.core.models import Village
from registry import services
from registry.forms.registers import DATE_INPUT


class CarryOverForm(forms.Form):
    """The year carried into, the village (a user with several: all of them, or one) and the entry date."""

    year = forms.IntegerField(label=gettext_lazy("结转到年度"), min_value=2000, max_value=2100)
    village = forms.ModelChoiceField(
        label=gettext_lazy("村"), queryset=Village.objects.none(), required=False, empty_label="全部村"
    )
    on = forms.DateField(
        label=gettext_lazy("认定日期"),
        required=False,
        widget=DATE_INPUT,
        help_text=gettext_lazy("新一年度的登记按这一天重新核实条件；空着为该年 1 月 1 日。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = Village.objects.for_user(user).order_by("code")
        self.fields["village"].queryset = self.villages
        if self.villages.count() == 1:
            self.fields["village"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        year, on = data.get("year"), data.get("on")
        today = timezone.localdate()
        if year and year > today.year:
            self.add_error("year", _("%(year)s 年还没有开始，不能结转。") % {"year": year})
        elif year and on is not None:
            if on.year != year:
                self.add_error("on", _("认定日期须在 %(year)s 年内。") % {"year": year})
            elif on > today:
                self.add_error("on", _("认定日期不能晚于今天（%(today)s）。") % {"today": today})
        return data

    def chosen_villages(self) -> list[Village]:
        village = self.cleaned_data.get("village")
        return [village] if village is not None else list(self.villages)

    def entry_date(self) -> dt.date:
        return self.cleaned_data.get("on") or dt.date(self.cleaned_data["year"], 1, 1)


class CarryOverView(LoginRequiredMixin, View):
    """GET: the form; POST: the confirmation (a dry run), then, with ``confirmed``, the run and its result."""

    template_name = "registry/carry_over.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not any(
            request.user.has_perm(r.add_permission) for r in services.entry_registers()
        ):
            raise Http404  # as every page a role may not use: no hint of what exists
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = CarryOverForm(user=request.user, initial={"year": timezone.localdate().year})
        return render(request, self.template_name, {"form": form, "stage": "form"})

    def post(self, request):
        form = CarryOverForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "stage": "form"})
        confirmed = request.POST.get("confirmed") == "1"
        result = services.register_carry_over(
            user=request.user,
            year=form.cleaned_data["year"],
            villages=form.chosen_villages(),
            on=form.entry_date(),
            dry_run=not confirmed,
        )
        context = {
            "form": form,
            "stage": "result" if confirmed else "confirm",
            "result": result,
            "counts": result.counts(),
            "villages": form.chosen_villages(),
        }
        return render(request, self.template_name, context)
