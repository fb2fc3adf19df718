"""Pages of 寻找"最美家庭": a proposal's page with the township's steps (not chosen, an objection and
its handling), the notices (publish, read, print, confirm). The proposals' own pages and the
roster's are declared in ``outreach/registers/``; every step is a service of ``outreach.honours``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from federation.core.forms import add_errors
from federation.core.mixins import ScopedViewMixin
from federation.core.models import Township
from federation.core.scoping import get_for_user_or_404
from federation.web.generic import DomainDetailView, year_choices, year_param
from outreach.honour_forms import DeclineForm, NoticeForm, ObjectionForm, ObjectionHandlingForm
from outreach.honour_rules import confirm_problems, in_notice, notice_days
from outreach.honours import (
    nomination_checks,
    nomination_decline,
    notice_confirm,
    notice_publish,
    notices_of,
    objection_record,
    publishable,
    render_notice_pdf,
)
from outreach.models import REVIEW_HONOURS, HonourNomination, HonourNotice, HonourObjection, NominationStatus

VIEW = "outreach.view_honournomination"


class NominationDetailView(DomainDetailView):
    """A proposal: its family, what the seed's conditions find now, its notice and objections, and
    the township's steps."""

    template_name = "outreach/honour_nomination_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, nomination = self.request.user, self.object
        may_review = user.has_perm(REVIEW_HONOURS)
        context["may_review"] = may_review
        if user.has_perm("outreach.add_honournomination") and nomination.status == NominationStatus.PROPOSED:
            context["checks"] = nomination_checks(nomination=nomination)
        context["objections"] = nomination.objections.order_by("received_on", "pk")
        if may_review and nomination.status == NominationStatus.PROPOSED:
            context["decline_form"] = DeclineForm()
        if may_review and nomination.status == NominationStatus.IN_NOTICE:
            context["objection_form"] = ObjectionForm(initial={"received_on": timezone.localdate()})
        return context


def _nomination(request, pk: int) -> HonourNomination:
    return get_for_user_or_404(HonourNomination, request.user, pk=pk)


class _ReviewView(ScopedViewMixin, generic.View):
    model = HonourNomination
    permission_required = REVIEW_HONOURS


class NominationDeclineView(_ReviewView):
    """POST: the township does not choose the proposal, with the reason."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        nomination = _nomination(request, pk)
        form = DeclineForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["reason"])
            nomination_decline(user=request.user, nomination=nomination, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已记为未入选。"))
        return HttpResponseRedirect(nomination.get_absolute_url())


class ObjectionCreateView(_ReviewView, generic.FormView):
    """An objection to a family on a notice: the form, then the objection recorded."""

    form_class = ObjectionForm
    template_name = "outreach/honour_objection_form.html"
    heading = gettext_lazy("登记公示异议")
    saved_message = gettext_lazy("异议已登记，请核实后记下处理情况。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.nomination = _nomination(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = HonourObjection(nomination=self.nomination)
        return kwargs

    def get_initial(self):
        return {"received_on": timezone.localdate()}

    def form_valid(self, form):
        try:
            objection_record(
                user=self.request.user,
                objection=form.save(commit=False),
                expected_version=form.cleaned_data.get("version"),  # None for a new one
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, str(exc) if isinstance(exc, PermissionDenied) else exc)
            return self.form_invalid(form)
        messages.success(self.request, self.saved_message)
        return HttpResponseRedirect(self.nomination.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(nomination=self.nomination, heading=self.heading, **kwargs)


class ObjectionHandleView(ObjectionCreateView):
    """What the township found of an objection and how it handled it (成立: the family is withdrawn)."""

    form_class = ObjectionHandlingForm
    heading = gettext_lazy("核实处理公示异议")
    saved_message = gettext_lazy("已记下异议的处理情况。")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.objection = get_for_user_or_404(HonourObjection, request.user, pk=kwargs["objection"])
            kwargs["pk"] = self.objection.nomination_id
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = generic.FormView.get_form_kwargs(self)
        kwargs["instance"] = self.objection
        return kwargs

    def get_initial(self):
        return {"handled_on": self.objection.handled_on or timezone.localdate()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(objection=self.objection, **kwargs)


class NoticeListView(ScopedViewMixin, generic.ListView):
    """The notices of the township (public to every member of it), latest first."""

    model = HonourNotice
    permission_required = VIEW
    template_name = "outreach/honour_notice_list.html"
    paginate_by = 50

    def get_queryset(self):
        return notices_of(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(may_review=self.request.user.has_perm(REVIEW_HONOURS), **kwargs)


class NoticeCreateView(ScopedViewMixin, generic.FormView):
    """The township puts chosen proposals of a year on a notice."""

    model = HonourNomination
    permission_required = REVIEW_HONOURS
    form_class = NoticeForm
    template_name = "outreach/honour_notice_form.html"

    def year(self) -> int:
        return year_param(self.request)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["nominations"] = publishable(user=self.request.user, year=self.year())
        return kwargs

    def get_initial(self):
        return {"starts_on": timezone.localdate(), "days": notice_days(year=self.year())}

    def form_valid(self, form):
        chosen = list(form.cleaned_data["nominations"])
        township = (
            Township.objects.for_user(self.request.user).filter(pk=chosen[0].village.township_id).first()
        )
        try:
            notice = notice_publish(
                user=self.request.user,
                township=township,
                year=self.year(),
                nominations=chosen,
                starts_on=form.cleaned_data["starts_on"],
                days=form.cleaned_data["days"],
                phone=form.cleaned_data["phone"],
            )
        except (ValidationError, PermissionDenied) as exc:
            add_errors(form, str(exc) if isinstance(exc, PermissionDenied) else exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已发布公示。"))
        return HttpResponseRedirect(notice.get_absolute_url())

    def get_context_data(self, **kwargs):
        year = self.year()
        return super().get_context_data(year=year, years=year_choices(year), **kwargs)


class NoticeDetailView(ScopedViewMixin, generic.DetailView):
    """A notice: its days, its families with their objections, and the confirmation."""

    model = HonourNotice
    permission_required = VIEW
    template_name = "outreach/honour_notice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice, user, today = self.object, self.request.user, timezone.localdate()
        context["families"] = (
            HonourNomination.objects.for_user(user)
            .filter(notice=notice)
            .select_related("village", "household__group")
            .prefetch_related("household__members", "objections")
            .order_by("village__code", "household__group_number", "household__number")
        )
        context["running"] = in_notice(notice=notice, on=today)
        context["may_review"] = user.has_perm(REVIEW_HONOURS)
        context["confirm_problems"] = [p.message for p in confirm_problems(notice=notice, on=today)]
        return context


class NoticeConfirmView(NoticeDetailView):
    """GET asks first (what will be confirmed, or why not yet); POST confirms."""

    permission_required = REVIEW_HONOURS
    template_name = "outreach/honour_notice_confirm.html"

    def post(self, request, pk: int):
        notice = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            count = notice_confirm(user=request.user, notice=notice)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
            return HttpResponseRedirect(reverse("outreach:honournotice_confirm", args=[notice.pk]))
        messages.success(request, _("已确认 %(n)s 户最美家庭。") % {"n": count})
        return HttpResponseRedirect(notice.get_absolute_url())


class NoticePdfView(ScopedViewMixin, generic.View):
    """The notice to print and put up (PDF)."""

    model = HonourNotice
    permission_required = VIEW

    def get(self, request, pk: int):
        notice = get_for_user_or_404(HonourNotice, request.user, pk=pk)
        response = HttpResponse(
            render_notice_pdf(notice=notice, user=request.user), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
        return response


urlpatterns = [
    path("honours/notices/", NoticeListView.as_view(), name="honournotice_list"),
    path("honours/notices/new/", NoticeCreateView.as_view(), name="honournotice_create"),
    path("honours/notices/<int:pk>/", NoticeDetailView.as_view(), name="honournotice_detail"),
    path("honours/notices/<int:pk>/confirm/", NoticeConfirmView.as_view(), name="honournotice_confirm"),
    path("honours/notices/<int:pk>/print/", NoticePdfView.as_view(), name="honournotice_pdf"),
    path("honours/<int:pk>/decline/", NominationDeclineView.as_view(), name="honournomination_decline"),
    path("honours/<int:pk>/objection/", ObjectionCreateView.as_view(), name="honourobjection_create"),
    path(
        "honours/objections/<int:objection>/handle/",
        ObjectionHandleView.as_view(),
        name="honourobjection_handle",
    ),
]
