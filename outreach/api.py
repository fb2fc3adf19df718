"""What outreach contributes to the API: what its pages give their forms, its activities' and lectures'
saves through their services, and the reads its pages record (a screening; a domestic-violence case)."""

from federation.api.resources import adjust
from federation.core import access
from outreach.models import PetitionCategory, VolunteerTeam
from outreach.policy import can_see_domestic_violence
from outreach.services import lecture_save, save_with_related, volunteer_activity_save
from registry.api import search_by_person

adjust(
    "petition",
    form_kwargs=lambda request, instance: {
        "may_see_domestic_violence": can_see_domestic_violence(request.user)
    },
    access_kind=lambda obj: (
        access.Kind.DOMESTIC_VIOLENCE if obj.category == PetitionCategory.DOMESTIC_VIOLENCE else None
    ),
    filters=("category", "handling"),
)
adjust(
    "screening",
    access_kind=lambda obj: access.Kind.SCREENING,
    filters=("year", "kind", "result"),
    search=search_by_person,
    person_fields=("person_id", "person__village_id"),
)
adjust("visit", search=search_by_person, person_fields=("person_id", "person__village_id"))


def _activity_team(form, request) -> None:
    # Activities are written by those who may change the team: not a director for a township team.
    form.fields["team"].queryset = VolunteerTeam.objects.editable_by(request.user)


def _activity_save(request, form):
    return save_with_related(volunteer_activity_save, user=request.user, form=form, related="participants")


adjust("volunteeractivity", prepare_form=_activity_team, save=_activity_save)

# A task is set with its units, and handed in, through its own pages and services
# (``outreach.task_services``): the API reads tasks, it does not write them.
adjust(
    "task",
    form_class=None,
    deletable=False,
    fields=(
        "id",
        "version",
        "township",
        "title",
        "instructions",
        "document",
        "due_on",
        "asks_number",
        "number_label",
        "asks_file",
        "asks_text",
    ),
)


def _lecture_save(request, form):
    return save_with_related(lecture_save, user=request.user, form=form, related="attendees")


adjust("lecture", save=_lecture_save)
