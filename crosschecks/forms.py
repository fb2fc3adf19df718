"""Forms of the cross-check pages: a list's upload (kind, date, village, file) and the 核实无误 note.

The column editor is the ledger import's (``federation.ledgers.imports.forms.MappingForm``) with the
list's four columns (``crosschecks.services.ListImporter``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crosschecks.models import DepartmentList, ListKind
from crosschecks.services import read_list
from federation.core.forms import FriendlyErrorsMixin
from federation.core.models import Township, Village
from federation.ledgers.imports.forms import MappingForm, VillageChoiceField
from federation.ledgers.imports.reader import ImportRefused, not_xlsx_name

XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(FriendlyErrorsMixin, forms.Form):
    """上传名单: which list, of which date, for the township or one village, and the file."""

    kind = forms.ChoiceField(label=_("名单类别"), choices=ListKind.choices)
    as_of = forms.DateField(
        label=_("名单日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("名单所截止或印发的日期；比对按这一天所在年度的登记进行。"),
    )
    township = forms.ModelChoiceField(label=_("乡镇"), queryset=Township.objects.none(), empty_label=None)
    village = VillageChoiceField(
        label=_("所属村"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("全乡镇"),
        help_text=_("全乡镇的名单不用选；名单的“村”列写了村的，以名单为准。"),
    )
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"accept": XLSX_ACCEPT})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.table = None
        self.fields["township"].queryset = Township.objects.for_user(user).order_by("code")
        self.fields["village"].queryset = Village.objects.for_user(user).order_by("code")
        self.fields["as_of"].initial = timezone.localdate()

    @property
    def township_fixed(self) -> bool:
        return self.fields["township"].queryset.count() == 1

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith(".xlsx"):
            raise forms.ValidationError(not_xlsx_name(name))
        try:
            self.table = read_list(upload, name=name)
        except ImportRefused as refused:
            raise forms.ValidationError(refused.message) from None
        if not self.table.rows:
            raise forms.ValidationError(_("名单中没有数据行。"))
        return upload

    def clean(self):
        """The list's own rules (``DepartmentList.clean``), each on its field."""
        cleaned = super().clean()
        fields = {name: cleaned.get(name) for name in ("township", "village", "as_of")}
        try:
            DepartmentList(**fields).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


class ListMappingForm(MappingForm):
    """列的对应关系 of a list: which column is the ID number, the name, the head, the village."""

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("map_id_number") and not cleaned.get("map_name"):
            self.add_error("map_name", _("请至少为“身份证号”或“姓名”选择一列。"))
        return cleaned


class CheckForm(FriendlyErrorsMixin, forms.Form):
    """核实无误: what was checked (required)."""

    note = forms.CharField(
        label=_("核实情况"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：已电话核实，名单有误，登记不变。"),
    )
