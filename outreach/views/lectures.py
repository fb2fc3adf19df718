"""Pages of lectures and training: the record's pages (declared in ``outreach/registers/lectures.py``),
the sign-in sheet to print before a session, and the progress of a year against its targets."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from federation.core.mixins import ScopedViewMixin
from federation.core.models import Village
from federation.core.scoping import get_for_user_or_404
from federation.web.generic import DomainCreateView, DomainDetailView, DomainUpdateView, YearPageMixin
from outreach.lectures import lecture_progress, render_sign_in_pdf, sign_in_lines
from outreach.models import Lecture, LectureKind
from outreach.services import lecture_save, save_with_related
from registry.models import Person


class LectureDetailView(DomainDetailView):
    template_name = "outreach/lecture_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only the attendees the user may see: a township session's residents of other villages are not hers.
        attendees = (
            Person.objects.for_user(self.request.user)
            .filter(pk__in=self.object.attendees.values("pk"))
            .select_related("village", "household__group")
            .order_by("village__code", "group_number", "name")
        )
        context["attendees"] = attendees
        context["total"] = self.object.total()
        return context


class _LectureFormMixin:
    """A director writes her village's sessions; the attendees are saved with the session."""

    def save_record(self, form):
        return save_with_related(lecture_save, user=self.request.user, form=form, related="attendees")


class LectureCreateView(_LectureFormMixin, DomainCreateView):
    create_title = _("登记讲座培训")


class LectureUpdateView(_LectureFormMixin, DomainUpdateView):
    pass


class SignInForm(forms.Form):
    """What a sign-in sheet prints before the session (nothing is saved: the date may be to come)."""

    village = forms.ModelChoiceField(
        Village.objects.order_by("code"), required=False, label=_("组织单位（村）"), empty_label=_("乡镇组织")
    )
    kind = forms.ChoiceField(choices=LectureKind.choices, label=_("类别"))
    held_on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    speaker = forms.CharField(label=_("主讲人"), required=False, max_length=100)
    topic = forms.CharField(label=_("主题"), required=False, max_length=200)
    lines = forms.IntegerField(
        label=_("空白行数"), min_value=1, max_value=300, initial=30, help_text=_("签到表上留给参加者的行数。")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} form-control-lg"
        self.fields["lines"].widget.attrs["inputmode"] = "numeric"


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


class SignInSheetView(ScopedViewMixin, generic.FormView):
    """A blank sign-in sheet to print before a session: the form, then its PDF (``?print=1``)."""

    model = Lecture
    permission_required = "outreach.view_lecture"
    form_class = SignInForm
    template_name = "outreach/lecture_signin.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.request.GET.get("print"):
            kwargs["data"] = self.request.GET
        return kwargs

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        villages = Village.objects.for_user(self.request.user).order_by("code")
        form.fields["village"].queryset = villages
        if villages.count() == 1:
            form.fields["village"].required = True
            form.fields["village"].empty_label = None
        return form

    def get(self, request, *args, **kwargs):
        form = self.get_form()
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            village = data["village"]
            if village is not None:
                organiser = village.name
            else:
                township = Village.objects.for_user(request.user).values_list("township__name", flat=True)
                organiser = township.first() or ""
            pdf = render_sign_in_pdf(
                organiser=organiser,
                kind=dict(LectureKind.choices)[data["kind"]],
                held_on=data["held_on"],
                place=data["place"],
                speaker=data["speaker"],
                topic=data["topic"],
                lines=sign_in_lines(None, user=request.user, blank=data["lines"]),
            )
            return _pdf(pdf, "signin.pdf")
        return self.render_to_response(self.get_context_data(form=form))


class LectureSignInView(ScopedViewMixin, generic.View):
    """A recorded session's sign-in sheet: its named attendees, and blank lines for those counted."""

    model = Lecture
    permission_required = "outreach.view_lecture"

    def get(self, request, pk: int):
        lecture = get_for_user_or_404(Lecture, request.user, pk=pk)
        pdf = render_sign_in_pdf(
            organiser=lecture.organiser_label,
            kind=lecture.get_kind_display(),
            held_on=lecture.held_on,
            place=lecture.place,
            speaker=lecture.speaker,
            topic=lecture.topic,
            lines=sign_in_lines(lecture, user=request.user),
        )
        return _pdf(pdf, f"signin-{lecture.pk}.pdf")


class LectureProgressView(YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """Sessions done against the year's targets, unit by unit and kind by kind."""

    model = Lecture
    template_name = "outreach/lecture_progress.html"
    permission_required = "outreach.view_lecture"

    def year_context(self, year: int) -> dict:
        kinds, rows = lecture_progress(user=self.request.user, year=year)
        return {"kinds": kinds, "rows": rows, "this_year": timezone.localdate().year}
