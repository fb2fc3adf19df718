"""Pages of the microloans. Every page goes through the scope (404 outside it) and calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from federation.core import access
from federation.core.labels import with_director
from federation.core.mixins import ScopedViewMixin
from federation.core.policy import id_number_for
from federation.core.services import StaleRecordError
from federation.web.generic import PlaceFiltersMixin, Places, YearPageMixin, int_param
from loans import selectors
from loans.documents import render_application_pdf
from loans.forms import ActionForm, ApplicationForm, AttachmentForm, guarantor_formset
from loans.models import Attachment, LoanApplication, loan_settings
from loans.services import (
    EligibilityError,
    TransitionError,
    application_save,
    application_transition,
    attachment_add,
    attachment_delete,
)
from loans.states import TRANSITIONS, Action, Status, moves_from
from loans.verification import check_paper_code, signature_report


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 6, -1))


class LoanViewMixin(ScopedViewMixin):
    model = LoanApplication
    permission_required = "loans.view_loanapplication"


class ApplicationListView(LoanViewMixin, PlaceFiltersMixin, generic.ListView):
    """The applications of the user's scope with their state (a village director: her village's)."""

    template_name = "loans/application_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.application_list(
            user=self.request.user,
            status=self.request.GET.get("status", ""),
            year=int_param(self.request, "year"),
            search=self.request.GET.get("q", ""),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Status.choices,
            status=self.request.GET.get("status", ""),
            year=int_param(self.request, "year"),
            years=_years(),
            search=self.request.GET.get("q", ""),
            can_add=self.request.user.has_perm("loans.add_loanapplication"),
            **kwargs,
        )


class ApplicationQueueView(LoanViewMixin, generic.TemplateView):
    """The applications waiting for a step the user may take, the longest waiting first."""

    template_name = "loans/application_queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queue=selectors.application_queue(user=self.request.user), **kwargs)


class ApplicationDetailView(LoanViewMixin, generic.DetailView):
    """One application: its content, guarantors, the steps the user may take, its timeline, its papers."""

    template_name = "loans/application_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("village__township", "applicant__household__group")

    def get_context_data(self, **kwargs):
        application = self.object
        user = self.request.user
        moves = [m for m in moves_from(application.status) if user.has_perm(m.permission)]
        return super().get_context_data(
            application=application,
            applicant=selectors.applicant_details(application=application, user=user),
            guarantors=[(g, id_number_for(user, g.id_number)) for g in application.guarantors.all()],
            rules=application.judged_settings(),
            moves=moves,
            timeline=selectors.timeline(application),
            attachments=list(application.attachments.all()) if user.has_perm("loans.view_attachment") else [],
            attachment_form=AttachmentForm() if user.has_perm("loans.add_attachment") else None,
            can_edit=application.is_editable and user.has_perm("loans.change_loanapplication"),
            can_delete_attachments=application.status in (Status.DRAFT, Status.SUBMITTED)
            and user.has_perm("loans.delete_attachment"),
            **kwargs,
        )


class ApplicationFormView(LoanViewMixin, generic.detail.SingleObjectMixin, generic.TemplateView):
    """Create or edit a draft: the application and its guarantors, saved by ``application_save``."""

    template_name = "loans/application_form.html"
    object = None

    def get_permission_required(self):
        return ["loans.change_loanapplication" if self.kwargs.get("pk") else "loans.add_loanapplication"]

    def _not_editable(self):
        """Return a redirect to the application's page when it can no longer be edited, else None."""
        if self.kwargs.get("pk"):
            self.object = self.get_object()
            if not self.object.is_editable:
                messages.error(
                    self.request,
                    _("申请已%(status)s，不能再修改。") % {"status": self.object.get_status_display()},
                )
                return HttpResponseRedirect(self.object.get_absolute_url())
        return None

    def build(self, data=None):
        instance = self.object or LoanApplication()
        initial = {}
        applicant = int_param(self.request, "applicant")
        if self.object is None and applicant:
            initial["applicant"] = applicant
        form = ApplicationForm(data, instance=instance, initial=initial, user=self.request.user)
        extra = 1 if self.object is not None and self.object.guarantors.exists() else 2
        formset = guarantor_formset(extra)(data, instance=instance, prefix="guarantors")
        return form, formset

    def get(self, request, *args, **kwargs):
        if refused := self._not_editable():
            return refused
        form, formset = self.build()
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def post(self, request, *args, **kwargs):
        if refused := self._not_editable():
            return refused
        form, formset = self.build(request.POST)
        # The application's form first: the guarantors' rules read the values it applies.
        if form.is_valid():
            formset.instance = form.instance
        if form.is_valid() and formset.is_valid():
            try:
                self.object = application_save(
                    user=request.user,
                    application=form.instance,
                    guarantors=formset.guarantors(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except StaleRecordError:
                form.add_error(None, _("保存失败：在您编辑期间，别人已修改了这份申请。请重新打开后再改。"))
            except EligibilityError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem.message)
            except ValidationError as exc:  # a filed application, or a value only the model refuses
                for message in exc.messages:
                    form.add_error(None, message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                if request.user.has_perm("loans.submit_application"):
                    messages.success(request, _("已保存。确认无误后请提交申请。"))
                else:  # prepared by the township: the village submits it and signs first
                    saved = with_director("已保存草稿。请{director}核对后提交并签字。")
                    messages.success(request, str(saved))
                return HttpResponseRedirect(self.object.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form, formset=formset))

    def get_context_data(self, **kwargs):
        applied_on = self.object.applied_on if self.object else timezone.localdate()
        return super().get_context_data(rules=loan_settings(applied_on.year), **kwargs)


class ApplicationActionView(LoanViewMixin, generic.detail.SingleObjectMixin, generic.FormView):
    """One step of the path: GET shows what is about to be done and asks to confirm; POST does it."""

    template_name = "loans/application_action.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in Action.values:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        if not hasattr(self, "object"):
            self.object = super().get_object(queryset)
        return self.object

    def move(self):
        return TRANSITIONS.get((self.get_object().status, self.kwargs["action"]))

    def get(self, request, *args, **kwargs):
        move = self.move()
        if move is None or not request.user.has_perm(move.permission):
            messages.error(
                request,
                _("这份申请现在不能由您办理“%(step)s”。") % {"step": Action(self.kwargs["action"]).label},
            )
            return HttpResponseRedirect(self.get_object().get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        move = self.move() or next(m for (_s, a), m in TRANSITIONS.items() if a == self.kwargs["action"])
        return ActionForm(**self.get_form_kwargs(), move=move, application=self.get_object())

    def form_valid(self, form):
        application = self.get_object()
        try:
            application_transition(
                application=application,
                user=self.request.user,
                action=self.kwargs["action"],
                **form.step_data(),
            )
        except EligibilityError as exc:
            for problem in exc.problems:
                form.add_error(None, problem.message)
            return self.form_invalid(form)
        except TransitionError as exc:
            messages.error(self.request, exc.messages[0])
            return HttpResponseRedirect(application.get_absolute_url())
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(
            self.request, _("已办理“%(step)s”。") % {"step": Action(self.kwargs["action"]).label}
        )
        return HttpResponseRedirect(application.get_absolute_url())

    def get_context_data(self, **kwargs):
        application = self.get_object()
        return super().get_context_data(
            application=application,
            step=self.move(),
            action_label=Action(self.kwargs["action"]).label,
            guarantors=application.guarantors.all(),
            applicant=selectors.applicant_details(application=application, user=self.request.user),
            **kwargs,
        )


class ApplicationPdfView(access.RecordsReadMixin, LoanViewMixin, generic.DetailView):
    """The application and approval form as a PDF, only for an application in the user's scope.

    It prints whole ID numbers (applicant, spouse, guarantors): each one is in the access log."""

    access_kind = access.Kind.LOAN_PDF

    def render_to_response(self, context, **response_kwargs):
        application = self.object
        pdf = render_application_pdf(application=application, user=self.request.user)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="loan-application-{application.pk}.pdf"'
        return response


class AttachmentAddView(LoanViewMixin, generic.detail.SingleObjectMixin, generic.FormView):
    """Upload a scanned paper to an application (POST from its page)."""

    permission_required = "loans.add_attachment"
    form_class = AttachmentForm
    template_name = "loans/attachment_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            attachment_add(
                user=self.request.user,
                application=self.object,
                upload=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.form_invalid(form)
        messages.success(self.request, _("附件已上传。"))
        return HttpResponseRedirect(self.object.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(application=self.object, **kwargs)


class AttachmentDownloadView(access.RecordsReadMixin, ScopedViewMixin, generic.DetailView):
    """Serve a scanned paper from MEDIA_ROOT, only when its application is in the user's scope."""

    model = Attachment
    access_kind = access.Kind.LOAN_PAPER  # an ID card's copy, a contract: recorded as read
    permission_required = "loans.view_attachment"

    def render_to_response(self, context, **response_kwargs):
        attachment = self.object
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"{attachment.application_id}-{attachment.pk}.{attachment.extension}",
            content_type=attachment.content_type,
        )


class AttachmentDeleteView(ScopedViewMixin, generic.DetailView):
    """GET asks to confirm; POST removes a paper from an application not yet signed by the village."""

    model = Attachment
    permission_required = "loans.delete_attachment"
    template_name = "loans/attachment_confirm_delete.html"

    def post(self, request, *args, **kwargs):
        attachment = self.get_object()
        try:
            attachment_delete(user=request.user, attachment=attachment)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("附件已删除。"))
        return HttpResponseRedirect(attachment.application.get_absolute_url())


class LoanYearPageMixin(YearPageMixin):
    def years(self, year: int) -> list[int]:
        """Return the last six years and every earlier year that holds a loan she sees (one granted
        before the system, imported from the ledger, is in the year it was applied for)."""
        held = LoanApplication.objects.for_user(self.request.user).dates("applied_on", "year")
        return sorted({*_years(), year, *(day.year for day in held)}, reverse=True)


class LedgerView(LoanYearPageMixin, LoanViewMixin, generic.TemplateView):
    """The loan ledger (贷款台账) of a year, as a page (exports come from the export framework)."""

    template_name = "loans/ledger.html"

    def year_context(self, year: int) -> dict:
        places = Places(self.request.user, self.request.GET)
        page, rows = selectors.loan_ledger_page(
            user=self.request.user, year=year, page=self.request.GET.get("page"), narrow=places.narrow
        )
        return {
            **places.context(),
            "rows": rows,
            "columns": selectors.LEDGER_COLUMNS,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        }


class SubsidyView(LoanYearPageMixin, LoanViewMixin, generic.TemplateView):
    """The yearly interest-subsidy summary (财政贴息汇总)."""

    template_name = "loans/subsidy.html"

    def year_context(self, year: int) -> dict:
        return {"summary": selectors.interest_subsidy_summary(user=self.request.user, year=year)}


class VerifyView(LoanViewMixin, generic.TemplateView):
    """The township's signature check: contents, seals and the chain; and a paper form's code checked.

    The code check is a read (GET ``application`` and ``code``), for an application of the scope.
    """

    permission_required = "loans.verify_signatures"
    template_name = "loans/verify.html"

    def get_context_data(self, **kwargs):
        code = self.request.GET.get("code", "").strip()
        number = self.request.GET.get("application", "").strip()
        code_check = None
        if code or number:
            code_check = check_paper_code(
                user=self.request.user,
                application_id=int(number) if number.isdigit() and len(number) < 18 else None,
                code=code,
            )
        report = signature_report(user=self.request.user)
        return super().get_context_data(
            report=report,
            mismatches=report.mismatches,
            checked=report.checked,
            checked_at=timezone.localtime(),
            code=code,
            number=number,
            code_check=code_check,
            **kwargs,
        )
