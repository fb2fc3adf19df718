"""The forms of the tasks from above: setting a task (with its units) and a unit's hand-in.

The rules are the model's and the services' (``outreach.models.tasks``, ``outreach.task_services``):
the forms show their messages on the fields.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from federation.core.forms import DATE_INPUT, PlacedErrorsMixin, RecordsChoiceField, VersionedModelForm
from outreach.models import Task, hand_in_problems


class TaskForm(VersionedModelForm):
    """A task and the units it is set for (``units``: the villages or townships the setter may choose)."""

    units = RecordsChoiceField(
        label=_("承办单位"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个单位。")},
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "document",
            "due_on",
            "instructions",
            "asks_number",
            "number_label",
            "asks_file",
            "asks_text",
        ]
        widgets = {
            "due_on": DATE_INPUT,
            "instructions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units
        label = _("承办的乡镇") if self.instance.for_townships else _("承办的村")
        self.fields["units"].label = label
        if self.instance.pk:
            self.fields["units"].initial = [
                a.village_id or a.township_id
                for a in self.instance.assignments.filter(deleted_at__isnull=True)
            ]


class HandInForm(PlacedErrorsMixin, forms.Form):
    """A unit's hand-in: the fields its task asks for, each checked by the hand-in rule when saved."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    number = forms.DecimalField(
        label=_("数字"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
        error_messages={"invalid": _("请填写一个数字，如 25。")},
    )
    file = forms.FileField(label=_("上报文件"), required=False, help_text=_("PDF、JPG 或 PNG，最大 5 MB。"))
    text = forms.CharField(label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, task: Task, has_file: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.task, self.has_file = task, has_file
        if task.asks_number:
            self.fields["number"].label = task.number_label
        else:
            del self.fields["number"]
        if not task.asks_file:
            del self.fields["file"]
        if not task.asks_text:
            del self.fields["text"]

    def clean(self):
        """Name every part the task asks for that is missing, beside the fields' own errors (the
        service checks again when it saves)."""
        data = super().clean()
        problems = hand_in_problems(
            task=self.task,
            number=data.get("number", Decimal("0") if "number" in self.errors else None),
            text=data.get("text", ""),
            has_file=self.has_file or bool(data.get("file")) or "file" in self.errors,
        )
        for problem in problems:
            if problem.field not in self.errors:
                self.add_error(problem.field, str(problem.message))
        return data
