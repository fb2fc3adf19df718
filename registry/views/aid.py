"""The pages of the aid programmes and pairings beyond the generic ones: a pairing's page with its
follow-ups, and the follow-up's form opened from it (it comes back to the pairing)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from federation.web.generic import DomainCreateView, DomainDetailView, safe_next
from registry import aid
from registry.models import Pairing


def follow_up_add_url(pairing: Pairing, user, *, back: str = "") -> str:
    """Return the address of a new follow-up of ``pairing`` ("" when ``user`` may not add one)."""
    if not user.has_perm("registry.add_pairingfollowup"):
        return ""
    if not Pairing.objects.editable_by(user).filter(pk=pairing.pk).exists():
        return ""
    query = {"pairing": pairing.pk, "next": back or pairing.get_absolute_url()}
    return f"{reverse('registry:pairingfollowup_create')}?{urlencode(query)}"


class PairingDetailView(DomainDetailView):
    """A pairing, its follow-ups (latest first, with what they gave) and the button to add one."""

    template_name = "registry/pairing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(aid.follow_ups_of(pairing=self.object, user=self.request.user))
        context.update(
            follow_ups=rows,
            money_total=aid.total(r.money for r in rows),
            hours_total=aid.total(r.hours for r in rows),
            follow_up_url=follow_up_add_url(self.object, self.request.user),
        )
        return context


class FollowUpCreateView(DomainCreateView):
    """A new follow-up of the pairing named by ``?pairing=``; saved, it goes back to the pairing."""

    initial_params = ("pairing",)

    def chosen_pairing(self) -> Pairing | None:
        pk = self.request.POST.get("pairing") or self.request.GET.get("pairing", "")
        if not str(pk).isdigit():
            return None
        return Pairing.objects.for_user(self.request.user).select_related("person").filter(pk=pk).first()

    def get_context_data(self, **kwargs):
        pairing = self.chosen_pairing()
        if pairing is not None:
            self.create_title = _("记录结对跟进：%(pairing)s") % {"pairing": pairing}
        return super().get_context_data(**kwargs)

    def get_success_url(self):
        return safe_next(self.request) or self.object.pairing.get_absolute_url()


class FollowUpDetailView(DomainDetailView):
    """A follow-up; its list is its pairing's page."""

    template_name = "registry/followup_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(pairing=self.object.pairing, **kwargs)


class AidCreateView(DomainCreateView):
    """A new grant; ``?person=`` and ``?kind=`` (from her file) preselect them."""

    initial_params = ("person", "kind")


class PairingCreateView(DomainCreateView):
    """A new pairing; ``?person=`` and ``?kind=`` (from her file) preselect them."""

    initial_params = ("person", "kind")
