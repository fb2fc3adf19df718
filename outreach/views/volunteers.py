"""Pages of volunteer teams, their members and their activities."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from federation.core.scoping import get_for_user_or_404
from outreach.forms import VolunteerActivityForm, VolunteerMemberForm, VolunteerTeamForm
from outreach.models import VolunteerActivity, VolunteerMember, VolunteerTeam
from outreach.services import volunteer_activity_save
from outreach.views.common import (
    OutreachCreateView,
    OutreachDetailView,
    OutreachListView,
    OutreachUpdateView,
    crud_urls,
    int_param,
)


def team_list(*, user, search: str = "", year: int | None = None):
    """Return the teams ``user`` sees, with their members counted; ``year`` does not apply."""
    qs = VolunteerTeam.objects.for_user(user).select_related("village", "township")
    if search.strip():
        qs = qs.filter(Q(name__contains=search.strip()) | Q(village__name__contains=search.strip()))
    return qs.annotate(member_count=Count("members", filter=Q(members__deleted_at__isnull=True))).order_by(
        "township__code", "village__code", "name"
    )


def member_list(*, user, search: str = "", year: int | None = None):
    """Return the members ``user`` sees, searched by name or team."""
    qs = VolunteerMember.objects.for_user(user).select_related("team", "village")
    if search.strip():
        qs = qs.filter(Q(name__contains=search.strip()) | Q(team__name__contains=search.strip()))
    return qs


def activity_list(*, user, search: str = "", year: int | None = None):
    """Return the activities ``user`` sees in ``year``, searched by title or team."""
    qs = VolunteerActivity.objects.for_user(user).select_related("team__village")
    if search.strip():
        qs = qs.filter(Q(title__contains=search.strip()) | Q(team__name__contains=search.strip()))
    if year:
        qs = qs.filter(held_on__year=year)
    return qs


class TeamListView(OutreachListView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop("years", None)  # teams are not yearly
        return context


class TeamDetailView(OutreachDetailView):
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


class ActivityDetailView(OutreachDetailView):
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

    def save_record(self, form, original):
        return volunteer_activity_save(
            user=self.request.user,
            instance=form.save(commit=False),
            participants=form.cleaned_data.get("participants") or [],
            expected_version=form.cleaned_data.get("version"),
            original=original,
        )


class ActivityCreateView(_ActivityFormMixin, OutreachCreateView):
    create_title = _("记录志愿服务活动")


class ActivityUpdateView(_ActivityFormMixin, OutreachUpdateView):
    pass


class MemberCreateView(OutreachCreateView):
    """A new member; from a team's page (``?team=``) the team is chosen already."""

    create_title = _("添加队员")


urlpatterns = [
    *crud_urls(
        VolunteerTeam,
        VolunteerTeamForm,
        prefix="volunteer-teams",
        list_view=TeamListView,
        detail_view=TeamDetailView,
        list_attrs={
            "select": staticmethod(team_list),
            "search_placeholder": _("队名或村名"),
            "columns": [
                (_("队名"), "name"),
                (_("所属"), "level_label"),
                (_("服务特长"), "get_speciality_display"),
                (_("队长"), "leader"),
                (_("队员"), "member_count"),
            ],
            "add_label": _("新建服务队"),
            "intro": _(
                "各村妇代会主任根据自己的特长选择参加一个或多个巾帼志愿者服务队，配合县乡开展巾帼志愿服务活动。"
            ),
        },
    ),
    *crud_urls(
        VolunteerMember,
        VolunteerMemberForm,
        prefix="volunteers",
        create_view=MemberCreateView,
        list_attrs={
            "select": staticmethod(member_list),
            "search_placeholder": _("姓名或队名"),
            "columns": [
                (_("姓名"), "name"),
                (_("服务队"), "team.name"),
                (_("所在村"), "village.name"),
                (_("工作单位"), "work_unit"),
                (_("加入时间"), "joined_on"),
            ],
            "add_label": _("添加队员"),
        },
    ),
    *crud_urls(
        VolunteerActivity,
        VolunteerActivityForm,
        prefix="volunteer-activities",
        detail_view=ActivityDetailView,
        create_view=ActivityCreateView,
        update_view=ActivityUpdateView,
        list_attrs={
            "select": staticmethod(activity_list),
            "search_placeholder": _("活动名称或队名"),
            "columns": [
                (_("活动名称"), "title"),
                (_("服务队"), "team.name"),
                (_("日期"), "held_on"),
                (_("地点"), "place"),
                (_("服务人次"), "people_served"),
            ],
            "add_label": _("记录活动"),
        },
    ),
]
