"""待核实: the entries active on a day (today by default) that their register's rules now refuse, with
the exit the facts propose (``registry.recheck``), for the director (her village) or the township (a
count per village, and one village's list chosen by ``?village=``).

Each proposal ends with one click through the exit page (its confirmation, ``EntryExitView``, the
date and reason filled in) or is said still valid with a note (``RecheckKeepView``). Nothing ends here.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from federation.core.models import Village
from federation.web.generic import int_param
from registry import services
from registry.recheck import proposals
from registry.todos import recheck_counts


def _day(request) -> dt.date:
    """Return the day judged: ``?on=YYYY-MM-DD`` when it is a day not after today, else today."""
    today = timezone.localdate()
    try:
        day = dt.date.fromisoformat(str(request.GET.get("on", "")).strip())
    except ValueError:
        return today
    return day if day <= today else today


def _registers(user, action: str) -> list:
    return [
        r
        for r in services.entry_registers()
        if user.has_perm(f"{r.model._meta.app_label}.{action}_{r.model._meta.model_name}")
    ]


class RecheckView(LoginRequiredMixin, View):
    """GET: the proposals of one village (hers, or the one chosen) and, for a user who sees several
    villages, each village's count."""

    template_name = "registry/recheck.html"

    def get(self, request):
        registers = _registers(request.user, "view")
        villages = list(Village.objects.for_user(request.user).select_related("township").order_by("code"))
        if not registers or not villages or not _registers(request.user, "change"):
            raise Http404  # the roles that keep the registers (a director, the township), not the county
        on = _day(request)
        chosen = None
        if len(villages) == 1:
            chosen = villages[0]
        else:
            wanted = int_param(request, "village")
            chosen = next((v for v in villages if v.pk == wanted), None)
        counts = []
        if len(villages) > 1:
            by_village = recheck_counts([v.pk for v in villages], on)
            counts = [(v, by_village.get(v.pk, 0)) for v in villages]
        found = proposals([chosen.pk], on=on, registers=registers) if chosen else []
        may_change = {r.name for r in _registers(request.user, "change")}
        here = request.get_full_path()
        rows = [
            {
                "proposal": p,
                "may_change": p.register.name in may_change,
                "keep_url": reverse("registry:recheck_keep", args=[p.register.name, p.entry.pk]),
            }
            for p in found
        ]
        context = {
            "on": on,
            "today": timezone.localdate(),
            "villages": villages,
            "chosen": chosen,
            "counts": counts,
            "total": sum(n for _v, n in counts),
            "rows": rows,
            "here": here,
            "query_on": urlencode({"on": on.isoformat()}) if on != timezone.localdate() else "",
        }
        return render(request, self.template_name, context)


class RecheckKeepView(LoginRequiredMixin, View):
    """POST: say an entry still valid (仍然有效) with a note (``services.register_entry_keep``); an entry
    outside her scope, ended, or of a register she may not change answers 404."""

    def post(self, request, register: str, pk: int):
        declared = next((r for r in _registers(request.user, "change") if r.name == register), None)
        if declared is None:
            raise Http404
        entry = get_object_or_404(
            declared.model.objects.for_user(request.user).filter(exited_on__isnull=True), pk=pk
        )
        back = request.POST.get("next") or reverse("registry:recheck")
        if not back.startswith("/") or back.startswith("//"):
            back = reverse("registry:recheck")
        try:
            on = dt.date.fromisoformat(request.POST.get("on", ""))
        except ValueError:
            on = timezone.localdate()
        try:
            services.register_entry_keep(
                user=request.user,
                entry=entry,
                note=request.POST.get("note", ""),
                on=min(on, timezone.localdate()),
                expected_version=int(v) if (v := request.POST.get("version", "")).isdigit() else None,
            )
        except ValidationError as exc:
            messages.error(request, _("没有保存：%(why)s") % {"why": "；".join(exc.messages)})
            return HttpResponseRedirect(back)
        kept = _("已核实：%(name)s的登记仍然有效，不再提示，直到情况再有变化。")
        messages.success(request, kept % {"name": entry.person.name})
        return HttpResponseRedirect(back)
