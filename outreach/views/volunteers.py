"""The page classes of volunteer teams and their activities (their pages: ``outreach/registers/``)."""

from __future__ import annotations

from federation.core.scoping import get_for_user_or_404
from federation.web.generic import (
    DomainCreateView,
    DomainDetailView,
    DomainUpdateView,
    int_param,
)
from outreach.models import VolunteerActivity, VolunteerMember, VolunteerTeam
from outreach.services import save_with_related, volunteer_activity_save


class TeamDetailView(DomainDetailView):
    template_name = "outreach/volunteerteam_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["members"] = (
            VolunteerMember.objects.for_user(user).filter(team=self.object).select_related("village")
        )
        context["activities"] = VolunteerActivity.objects.for_user(user).filter(team=self.object)[:20]
        context["can_add_member"] = user.has_perm("outreach.add_volunteermember")
        context["can_add_activity"] = (
            user.has_perm("outreach.add_volunteeractivity") and context["can_change"]
        )
        return context


class ActivityDetailView(DomainDetailView):
    template_name = "outreach/volunteeractivity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only the participants the user may see: a township team's members of other villages are not hers.
        context["participants"] = VolunteerMember.objects.for_user(self.request.user).filter(
            pk__in=self.object.participants.values("pk")
        )
        return context


class _ActivityFormMixin:
    """The activity form knows its team (``?team=``, or the record's) and saves participants too."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        team_id = int_param(self.request, "team")
        if team_id:
            kwargs["team"] = get_for_user_or_404(VolunteerTeam, self.request.user, pk=team_id)
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        # Activities are written by those who may change the team: not a director for a township team.
        form.fields["team"].queryset = VolunteerTeam.objects.editable_by(self.request.user)
        return form

    def save_record(self, form):
        return save_with_related(
            volunteer_activity_save, user=self.request.user, form=form, related="participants"
        )


class ActivityCreateView(_ActivityFormMixin, DomainCreateView):
    pass


class ActivityUpdateView(_ActivityFormMixin, DomainUpdateView):
    pass
