"""Forms of the import pages: what to import where (with the file), and the column mapping editor."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from federation.core.models import Village
from federation.ledgers.imports.framework import Importer, importers_for

#: The first year offered: the registers villages kept on paper and in Excel go back this far.
FIRST_YEAR = 2010


def import_years() -> list[int]:
    """Return the years offered: next year down to ``FIRST_YEAR``."""
    this_year = timezone.localdate().year
    return list(range(this_year + 1, FIRST_YEAR - 1, -1))


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return obj.name


class ImportTargetForm(forms.Form):
    """The ledger, village and year of an import (the template download uses it without a file).

    The ledgers are those the user's role may import; the villages those in her scope, so a village
    director has hers only and any other village is a form error.
    """

    ledger = forms.ChoiceField(label=gettext_lazy("台账"))
    village = VillageChoiceField(label=gettext_lazy("村"), queryset=Village.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label=gettext_lazy("登记年度"), coerce=int, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.importers = {imp.name: imp for imp in importers_for(user)}
        self.fields["ledger"].choices = [(imp.name, imp.title) for imp in self.importers.values()]
        self.fields["village"].queryset = Village.objects.for_user(user).order_by("code")
        self.fields["year"].choices = [(y, _("%(year)s 年") % {"year": y}) for y in import_years()]
        self.fields["year"].help_text = _("按年度登记的台账才用；居民花名册不分年度。")
        self.fields["village"].widget.attrs["data-import-village"] = ""
        self.fields["ledger"].widget.attrs["data-import-ledger"] = ""
        self.fields["year"].widget.attrs["data-import-year"] = ""
        self.fields["ledger"].widget.attrs["data-yearly"] = " ".join(
            imp.name for imp in self.importers.values() if imp.yearly
        )

    @property
    def village_fixed(self) -> bool:
        """Whether the user has one village only (a village director): shown, not chosen."""
        return self.fields["village"].queryset.count() == 1

    def importer(self) -> type[Importer]:
        return self.importers[self.cleaned_data["ledger"]]

    def year_value(self) -> int | None:
        if not self.importer().yearly:
            return None
        return self.cleaned_data.get("year") or timezone.localdate().year


class ImportUploadForm(ImportTargetForm):
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


NOT_IMPORTED = ""


class MappingForm(forms.Form):
    """One select per field of the ledger: which column of the file holds it ("不导入" if optional)."""

    def __init__(self, *args: Any, importer: type[Importer], columns: list[dict], mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.importer = importer
        column_choices = [
            (
                str(c["index"]),
                _("第 %(number)s 列：%(title)s") % {"number": c["index"] + 1, "title": c["title"]},
            )
            for c in columns
        ]
        self.column_titles = {c["index"]: c["title"] for c in columns}
        self.rows = []
        for f in importer.fields:
            name = f"map_{f.key}"
            current = (mapping or {}).get(f.key)
            if f.required:
                choices = [("", _("请选择一列"))] + column_choices
            else:
                choices = [(NOT_IMPORTED, _("不导入"))] + column_choices
            self.fields[name] = forms.ChoiceField(
                label=f.import_label,
                choices=choices,
                required=f.required,
                initial="" if current is None else str(current),
            )
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
            self.rows.append((f, name))

    def clean(self) -> dict:
        cleaned = super().clean()
        used: dict[str, str] = {}
        for f, name in self.rows:
            value = cleaned.get(name)
            if value in (None, NOT_IMPORTED) or (f.derived and not f.checked):  # a checked one is read
                continue
            if value in used:
                self.add_error(
                    name, _("这一列已对应“%(field)s”，一列只能对应一个字段。") % {"field": used[value]}
                )
            else:
                used[value] = f.import_label
        return cleaned

    def mapping(self) -> dict[str, int]:
        return {
            f.key: int(self.cleaned_data[name])
            for f, name in self.rows
            if self.cleaned_data.get(name) not in (None, NOT_IMPORTED)
        }

    def bound_rows(self):
        """Return (field, bound field) of each row, for the template."""
        return [(f, self[name]) for f, name in self.rows]
