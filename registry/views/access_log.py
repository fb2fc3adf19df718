"""The access log's page (访问记录): the township chair and the administrator search who read what.

By person (her name, or her whole ID number, typed: the persons of the user's scope it finds), by
user, by kind of read and by date; 50 rows a page. The rows are ``access.records_for(user)``: the
chair's township only. Anyone else answers 404, as a page that does not exist.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import generic

from federation.core import access
from federation.core.forms import DATE_INPUT
from federation.core.models import AccessRecord
from federation.web.pagination import KeysFirstPaginator
from registry import selectors
from registry.models import Person


class AccessLogFilterForm(forms.Form):
    person = forms.CharField(
        label=_("居民"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("居民姓名或完整身份证号"), "class": "form-control"}),
    )
    user = forms.ModelChoiceField(label=_("用户"), queryset=None, required=False, empty_label=_("全部用户"))
    kind = forms.ChoiceField(label=_("操作"), required=False)
    start = forms.DateField(label=_("从"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("到"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, reader, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.searchable_users(reader)
        self.fields["user"].label_from_instance = lambda u: f"{u.first_name or u.username}（{u.username}）"
        self.fields["kind"].choices = [("", _("全部操作")), *AccessRecord.Kind.choices]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AccessLogView(LoginRequiredMixin, generic.ListView):
    template_name = "registry/access_log.html"
    paginate_by = 50
    paginator_class = KeysFirstPaginator
    context_object_name = "records"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not access.may_search(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        self.form = AccessLogFilterForm(self.request.GET or None, reader=user)
        records = access.records_for(user)
        if not self.form.is_bound:
            return records
        if not self.form.is_valid():
            return records.none()
        data = self.form.cleaned_data
        if data["person"]:
            persons = selectors.person_search(Person.all_objects.for_user(user), data["person"])
            records = records.filter(person_id__in=persons.values("pk"))
        if data["user"]:
            records = records.filter(user=data["user"])
        if data["kind"]:
            records = records.filter(kind=data["kind"])
        if data["start"]:
            records = records.filter(at__gte=_day_start(data["start"]))
        if data["end"]:
            records = records.filter(at__lt=_day_start(data["end"] + dt.timedelta(days=1)))
        return records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["records"]
        ids = {row.person_id for row in rows if row.person_id}
        names = dict(
            Person.all_objects.for_user(self.request.user).filter(pk__in=ids).values_list("pk", "name")
        )
        context.update(
            form=self.form,
            rows=[(row, names.get(row.person_id)) for row in rows],
            retention_days=access.retention_days(),
        )
        return context
