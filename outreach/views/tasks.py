"""The pages of the tasks from above: the grid (the register's list), a task, setting it, a hand-in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from federation.core.forms import add_errors
from federation.core.mixins import ScopedViewMixin
from federation.core.models import Township
from federation.core.scoping import get_for_user_or_404
from federation.core.services import StaleRecordError
from federation.web.generic import UrlNamesMixin, YearPageMixin, safe_next
from outreach import task_selectors
from outreach.models import SET_COUNTY_TASKS, SET_TOWNSHIP_TASKS, Task, TaskAssignment
from outreach.rules import ReportStatus
from outreach.task_forms import HandInForm, TaskForm
from outreach.task_services import (
    may_set_tasks,
    task_delete,
    task_hand_in,
    task_new,
    task_save,
    unit_choices,
)
from outreach.views.units import units_of


class TaskGridView(UrlNamesMixin, YearPageMixin, ScopedViewMixin, generic.TemplateView):
    """The grid unit × task of a year: done, late or open, like the deadlines grid; exported from here."""

    template_name = "outreach/task_grid.html"
    permission_required = "outreach.view_task"

    def year_context(self, year: int) -> dict:
        user = self.request.user
        units = units_of(self.request)
        grid = task_selectors.task_grid(user=user, year=year, township=units.township)
        own = {a.pk for a in task_selectors.own_assignments(user)}
        return {
            "grid": grid,
            "units": units,
            "own": own,
            "can_set": may_set_tasks(user),
            "open_own": task_selectors.open_own_assignments(user),
            "register_help": self.register.help_text(year) if self.register else "",
            "townships": Township.objects.for_user(user).order_by("code") if units.by_township else [],
        }


class TaskSetterMixin(UrlNamesMixin, ScopedViewMixin):
    """The pages that set a task: the setter's permission (the township's or the county's)."""

    def has_permission(self):
        user = self.request.user
        return user.has_perm(SET_TOWNSHIP_TASKS) or user.has_perm(SET_COUNTY_TASKS)


class TaskFormView(TaskSetterMixin, generic.FormView):
    """Set a new task, or change one the user's unit set (``pk``)."""

    template_name = "outreach/task_form.html"
    model = Task

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not self.has_permission():
            return super().dispatch(request, *args, **kwargs)
        if "pk" in kwargs:
            self.task = get_for_user_or_404(
                Task.objects.editable_by(request.user), request.user, pk=kwargs["pk"]
            )
        else:
            try:
                self.task = task_new(user=request.user)
            except PermissionDenied:
                raise Http404 from None
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return TaskForm(
            **self.get_form_kwargs(), instance=self.task, units=unit_choices(self.request.user, self.task)
        )

    def get_initial(self):
        return {"due_on": None} if self.task.pk else {}

    def form_valid(self, form):
        task = form.instance
        before = (task.pk, task.version, task._state.adding)
        try:
            task = task_save(
                user=self.request.user,
                task=task,
                units=list(form.cleaned_data["units"]),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleRecordError as exc:
            task.pk, task.version, task._state.adding = before
            form.add_error(None, exc)
            return self.form_invalid(form)
        except (ValidationError, PermissionDenied) as exc:
            task.pk, task.version, task._state.adding = before
            add_errors(form, str(exc) if isinstance(exc, PermissionDenied) else exc)
            return self.form_invalid(form)
        messages.success(self.request, _("任务已布置：%(title)s。") % {"title": task.title})
        return HttpResponseRedirect(task.get_absolute_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(task=self.task, **kwargs)


class TaskDetailView(UrlNamesMixin, ScopedViewMixin, generic.DetailView):
    """A task: what it asks, and each unit's hand-in the user sees (the setter: all of them)."""

    model = Task
    template_name = "outreach/task_detail.html"
    permission_required = "outreach.view_task"
    context_object_name = "task"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        rows = [
            (a, task_selectors.assignment_status(a, today=today))
            for a in task_selectors.task_assignments(user=user, task=self.object)
        ]
        for assignment, _status in rows:
            assignment.task = self.object
        own = {a.pk for a in task_selectors.own_assignments(user)}
        context.update(
            rows=rows,
            own=own,
            done=sum(1 for a, _s in rows if a.done_at),
            can_change=Task.objects.editable_by(user).filter(pk=self.object.pk).exists(),
            statuses=ReportStatus,
        )
        return context


class TaskDeleteView(UrlNamesMixin, ScopedViewMixin, generic.DetailView):
    """GET asks to confirm; POST deletes a task the user's unit set (softly: the township can see it
    in its deleted tasks)."""

    model = Task
    template_name = "federation/domain_confirm_delete.html"
    permission_required = ()

    def has_permission(self):
        user = self.request.user
        return user.has_perm(SET_TOWNSHIP_TASKS) or user.has_perm(SET_COUNTY_TASKS)

    def get_queryset(self):
        return Task.objects.editable_by(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(model_verbose_name=Task._meta.verbose_name, **kwargs)

    def post(self, request, *args, **kwargs):
        task = self.get_object()
        task_delete(user=request.user, task=task)
        messages.success(request, _("任务“%(title)s”已删除。") % {"title": task.title})
        return HttpResponseRedirect(reverse("outreach:task_list"))


class HandInView(ScopedViewMixin, generic.FormView):
    """A unit's part of a task: what it asks and, for the unit's roles, the form to hand it in."""

    template_name = "outreach/task_hand_in.html"
    permission_required = "outreach.view_taskassignment"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.assignment = get_for_user_or_404(
                TaskAssignment.objects.select_related("task", "village", "township"),
                request.user,
                pk=kwargs["pk"],
            )
        return super().dispatch(request, *args, **kwargs)

    def may_hand_in(self) -> bool:
        user = self.request.user
        return (
            user.has_perm("outreach.change_taskassignment")
            and TaskAssignment.objects.editable_by(user).filter(pk=self.assignment.pk).exists()
        )

    def get_form(self, form_class=None):
        form = HandInForm(
            **self.get_form_kwargs(), task=self.assignment.task, has_file=bool(self.assignment.file)
        )
        if self.request.method != "POST":
            form.initial.update(
                version=self.assignment.version, number=self.assignment.number, text=self.assignment.text
            )
        return form

    def post(self, request, *args, **kwargs):
        if not self.may_hand_in():
            raise Http404
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            task_hand_in(
                user=self.request.user,
                assignment=self.assignment,
                number=data.get("number"),
                text=data.get("text", ""),
                upload=data.get("file"),
                expected_version=data.get("version"),
            )
        except (ValidationError, PermissionDenied) as exc:
            self.assignment.refresh_from_db()
            add_errors(form, str(exc) if isinstance(exc, PermissionDenied) else exc)
            return self.form_invalid(form)
        if self.assignment.late:
            messages.warning(self.request, _("已上报；超过完成期限，记为逾期完成。"))
        else:
            messages.success(self.request, _("已上报，任务完成。"))
        return HttpResponseRedirect(safe_next(self.request) or self.assignment.get_absolute_url())

    def get_context_data(self, **kwargs):
        assignment = self.assignment
        return super().get_context_data(
            assignment=assignment,
            task=assignment.task,
            status=task_selectors.assignment_status(assignment, today=timezone.localdate()),
            may_hand_in=self.may_hand_in(),
            next=safe_next(self.request),
            **kwargs,
        )


class HandInFileView(ScopedViewMixin, generic.View):
    """The file a unit handed in, through the scope (never served from the web root)."""

    permission_required = "outreach.view_taskassignment"

    def get(self, request, *args, **kwargs):
        assignment = get_for_user_or_404(TaskAssignment, request.user, pk=kwargs["pk"])
        if not assignment.file:
            raise Http404
        try:
            handle = assignment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        extension = assignment.file.name.rsplit(".", 1)[-1]
        return FileResponse(
            handle,
            as_attachment=True,
            filename=f"task{assignment.task_id}-{assignment.pk}.{extension}",
            content_type=assignment.file_type or "application/octet-stream",
        )


urlpatterns = [
    path("tasks/hand-in/<int:pk>/", HandInView.as_view(), name="task_hand_in"),
    path("tasks/hand-in/<int:pk>/file/", HandInFileView.as_view(), name="task_hand_in_file"),
]
