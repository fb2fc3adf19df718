"""Forms of outreach. The rules are the models' (``clean()`` calls ``outreach.rules``).

Every model-choice field is narrowed to the user's scope by the views (``ScopedFormMixin``); a
field whose scope holds one row only (a director's village) is filled in and hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from federation.core.forms import AutocompleteSelectMultiple, RecordsChoiceField, VersionedModelForm
from federation.core.rules import Problem
from outreach.models import (
    Lecture,
    LectureTarget,
    Petition,
    PetitionCategory,
    Screening,
    Visit,
    VisitedFor,
    VolunteerActivity,
    VolunteerMember,
    VolunteerTeam,
)
from outreach.rules import activity_participant_problems, lecture_attendee_problems
from registry.forms.registers import PersonChoiceField, person_label
from registry.models import Person

DATE = {"type": "date"}


def _date(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={**DATE, **attrs}, format="%Y-%m-%d")


def _residents(*, extra_pk: int | None = None, **filters):
    """Return the persons offered in a person field: the living ones of ``filters`` (``sex="F"``: the
    women), and the one already chosen."""
    condition = Q(deceased=False)
    if extra_pk:
        condition |= Q(pk=extra_pk)
    qs = Person.objects.filter(condition, **filters).select_related("village", "household__group")
    return qs.order_by("village__code", "group_number", "name")


class VisitForm(VersionedModelForm):
    """A visit to any living resident, for one group (the rule is ``outreach.rules.visit_problems``)."""

    class Meta:
        model = Visit
        fields = [
            "person",
            "visited_for",
            "visited_on",
            "mode",
            "visitors",
            "is_poor",
            "poverty_reason",
            "living_situation",
            "difficulties",
            "help_given",
            "result",
        ]
        widgets = {
            "visited_on": _date(),
            "mode": forms.RadioSelect,
            "living_situation": forms.Textarea(attrs={"rows": 3}),
            "difficulties": forms.Textarea(attrs={"rows": 3}),
            "help_given": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=_residents(extra_pk=self.instance.person_id),
            label=self.fields["person"].label,
            search={"alive": 1},
            help_text=_(
                "任何在世的居民，男女老少都可以；走访留守妇女、贫困妇女时她须在本年度或上一年度登记。"
            ),
        )
        # A client of before the groups (the offline app's queued saves) sends none: a visit to a
        # left-behind woman, as every visit was then.
        self.fields["visited_for"].required = False

    def clean_visited_for(self) -> str:
        return self.cleaned_data.get("visited_for") or VisitedFor.LEFT_BEHIND


class ScreeningForm(VersionedModelForm):
    class Meta:
        model = Screening
        fields = ("year", "person", "kind", *Screening.RECORDED)
        widgets = {
            "screened_on": _date(),
            "kind": forms.RadioSelect,
            "follow_up": forms.Textarea(attrs={"rows": 2}),
            "treatment": forms.Textarea(attrs={"rows": 2}),
            "relief_amount": forms.NumberInput(attrs={"inputmode": "decimal", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=_residents(sex="F", extra_pk=self.instance.person_id),
            label=self.fields["person"].label,
            search={"sex": "F", "alive": 1},
        )


class VolunteerTeamForm(VersionedModelForm):
    class Meta:
        model = VolunteerTeam
        fields = [
            "township",
            "village",
            "name",
            "speciality",
            "speciality_detail",
            "leader",
            "founded_on",
            "notes",
        ]
        widgets = {"founded_on": _date(), "notes": forms.Textarea(attrs={"rows": 2})}


class VolunteerMemberForm(VersionedModelForm):
    class Meta:
        model = VolunteerMember
        fields = [
            "team",
            "director",
            "person",
            "village",
            "name",
            "work_unit",
            "phone",
            "speciality",
            "joined_on",
        ]
        widgets = {"joined_on": _date(), "phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=_residents(sex="F", extra_pk=self.instance.person_id),
            label=self.fields["person"].label,
            required=False,
            help_text=self.fields["person"].help_text,
            search={"sex": "F", "alive": 1},
        )
        self.fields["name"].help_text = _("选了主任或居民时自动填写。")
        self.fields["team"].label_from_instance = lambda t: f"{t.name}（{t.level_label}）"


class ChosenPeopleMixin:
    """A form whose chosen people (the field ``people_field``) are judged with the rest of its data: each
    problem of :meth:`people_problems` is an error of that field."""

    people_field: str

    def people_problems(self, cleaned: dict[str, Any], people) -> Iterable[Problem]:
        """Return the problems of ``people``, chosen with the form's other ``cleaned`` data."""
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        people = cleaned.get(self.people_field)
        if people:
            for problem in self.people_problems(cleaned, people):
                self.add_error(self.people_field, problem.message)
        return cleaned


class ParticipantsField(RecordsChoiceField):
    """Members to tick; named with their team unless the form is for one team already."""

    show_team = True

    def label_from_instance(self, member: VolunteerMember) -> str:
        return f"{member.name}（{member.team.name}）" if self.show_team else member.name


class VolunteerActivityForm(ChosenPeopleMixin, VersionedModelForm):
    people_field = "participants"

    class Meta:
        model = VolunteerActivity
        fields = [
            "team",
            "held_on",
            "title",
            "place",
            "content",
            "participants",
            "other_participants",
            "people_served",
        ]
        widgets = {
            "held_on": _date(),
            "content": forms.Textarea(attrs={"rows": 3}),
            "other_participants": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "people_served": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
        }

    def __init__(self, *args, team: VolunteerTeam | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        members = VolunteerMember.objects.select_related("team").order_by("team__name", "name")
        team = team or (self.instance.team if self.instance.team_id else None)
        if team is not None:
            members = members.filter(team=team)
        self.fields["participants"] = ParticipantsField(
            queryset=members,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=self.fields["participants"].label,
            help_text=_("勾选参加活动的本队队员。"),
        )
        self.fields["participants"].show_team = team is None
        self.fields["team"].label_from_instance = lambda t: f"{t.name}（{t.level_label}）"

    def people_problems(self, cleaned, people):
        team = cleaned.get("team")
        if team is None:
            return ()
        return activity_participant_problems(team=team, participants=people)


class PetitionForm(VersionedModelForm):
    class Meta:
        model = Petition
        fields = [
            "village",
            "received_on",
            "way",
            "person",
            "petitioner_name",
            "petitioner_phone",
            "category",
            "summary",
            "received_by",
            "handling",
            "referred_to",
            "mediation",
            "result",
            "return_visit_on",
            "return_visit_note",
            "closed_on",
        ]
        widgets = {
            "received_on": _date(),
            "return_visit_on": _date(),
            "closed_on": _date(),
            "way": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "return_visit_note": forms.Textarea(attrs={"rows": 2}),
            "petitioner_phone": forms.TextInput(attrs={"inputmode": "tel"}),
        }

    def __init__(self, *args, may_see_domestic_violence: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = PersonChoiceField(
            queryset=Person.objects.select_related("village", "household__group").order_by(
                "village__code", "name"
            ),
            required=False,
            label=self.fields["person"].label,
            help_text=_("已登记的居民在这里选；没有登记的在下面填姓名。"),
        )
        if not may_see_domestic_violence:
            self.fields["category"].choices = [
                c for c in self.fields["category"].choices if c[0] != PetitionCategory.DOMESTIC_VIOLENCE
            ]


class AttendeesField(RecordsChoiceField):
    """The residents who attended, found by typing a name or an ID number (the person autocomplete)."""

    def label_from_instance(self, person: Person) -> str:
        return person_label(person)


class LectureForm(ChosenPeopleMixin, VersionedModelForm):
    """A session; its attendees must be residents of its organiser (``rules.lecture_attendee_problems``)."""

    people_field = "attendees"

    class Meta:
        model = Lecture
        fields = [
            "township",
            "village",
            "kind",
            "held_on",
            "place",
            "speaker",
            "topic",
            "attendees",
            "unnamed_count",
            "notes",
        ]
        widgets = {
            "held_on": _date(),
            "unnamed_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = AttendeesField(
            queryset=Person.objects.select_related("village", "household__group").order_by(
                "village__code", "group_number", "name"
            ),
            required=False,
            widget=AutocompleteSelectMultiple("registry:person_autocomplete", {"alive": 1}),
            label=self.fields["attendees"].label,
            help_text=_("输入姓名、身份证号或后四位，逐个选出已登记的参加人员；其他人计入下面的人数。"),
        )

    def people_problems(self, cleaned, people):
        village, township = cleaned.get("village"), cleaned.get("township")
        if township is None and village is None:
            return ()  # the missing organiser is the field's own message
        lecture = Lecture(village=village, township=township or village.township)
        return lecture_attendee_problems(lecture=lecture, attendees=people)


class LectureTargetForm(VersionedModelForm):
    class Meta:
        model = LectureTarget
        fields = ["township", "village", "year", "kind", "sessions"]
        widgets = {"sessions": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})}
