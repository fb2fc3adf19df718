"""The forms every domain record is edited with, and what every form of the site says when a value is refused.

``VersionedModelForm`` carries the version the editor started from, judges the record with what the
page set on it (a director's village), and places every error a model or a service raises on the
field it is about, or at the top of the form. ``FriendlyErrorsMixin`` gives Django's own messages
("确保该变量包含不超过 50 字符") in plain Chinese (:data:`FRIENDLY_MESSAGES`, one table).
"""

from __future__ import annotations

import copy

from django import forms
from django.core import validators
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from federation.core.services import StaleRecordError, domain_record_check_version

#: What an edit form answers when it comes back without the version it was opened at.
NO_VERSION = _("这份表单缺少打开时的版本号，没有保存。请重新打开这条记录，修改后再保存。")
#: What an edit form answers when its record is gone for good meanwhile.
GONE = _("这条记录已被彻底删除，没有保存。")

#: Django's messages said plainly, by the form field class (the most specific first) and error code.
#: Only a field's default message is replaced: one a form or a model chose stays.
FRIENDLY_MESSAGES: list[tuple[type[forms.Field], dict[str, str]]] = [
    (forms.BooleanField, {"required": _("请勾选这一项。")}),
    (
        forms.ModelMultipleChoiceField,
        {
            "required": _("请至少选择一项。"),
            "invalid_choice": _("所选的“%(value)s”不在可选的范围内，请重新选择。"),
            "invalid_pk_value": _("所选的“%(pk)s”不在可选的范围内，请重新选择。"),
            "invalid_list": _("请从列表中选择。"),
        },
    ),
    (
        forms.ModelChoiceField,
        {"required": _("请选择一项。"), "invalid_choice": _("所选的一项不在可选的范围内，请重新选择。")},
    ),
    (
        forms.MultipleChoiceField,
        {"required": _("请至少选择一项。"), "invalid_choice": _("“%(value)s”不是可选的一项，请重新选择。")},
    ),
    (
        forms.ChoiceField,
        {"required": _("请选择一项。"), "invalid_choice": _("“%(value)s”不是可选的一项，请重新选择。")},
    ),
    (forms.IntegerField, {"invalid": _("请填写整数，例如 3。")}),
    (forms.DecimalField, {"invalid": _("请填写数字，例如 1500 或 1500.50。")}),
    (forms.FloatField, {"invalid": _("请填写数字，例如 1500 或 1500.50。")}),
    (forms.DateTimeField, {"invalid": _("时间不对，请按“2026-03-18 09:30”的样子填写。")}),
    (forms.DateField, {"invalid": _("日期不对，请按“2026-03-18”的样子填写，或从日历里选择。")}),
    (
        forms.FileField,
        {
            "required": _("请选择要上传的文件。"),
            "invalid": _("没有收到文件，请重新选择后再上传。"),
            "missing": _("没有收到文件，请重新选择后再上传。"),
            "empty": _("这个文件是空的，请检查后重新选择。"),
            "max_length": _("文件名最多 %(max)d 个字，现在 %(length)d 个，请改短后再上传。"),
        },
    ),
    (forms.Field, {"required": _("请填写这一项。")}),
]

#: The messages of Django's validators said plainly (their ``params`` fill them in).
FRIENDLY_VALIDATOR_MESSAGES = {
    validators.MaxLengthValidator: _("最多 %(limit_value)d 个字，现在 %(show_value)d 个。"),
    validators.MinLengthValidator: _("至少 %(limit_value)d 个字，现在 %(show_value)d 个。"),
    validators.MaxValueValidator: _("不能大于 %(limit_value)s。"),
    validators.MinValueValidator: _("不能小于 %(limit_value)s。"),
    validators.StepValueValidator: _("请填写 %(limit_value)s 的整数倍。"),
}
FRIENDLY_DECIMAL_MESSAGES = {
    "invalid": _("请填写数字，例如 1500 或 1500.50。"),
    "max_digits": _("数字太长：最多 %(max)s 位。"),
    "max_decimal_places": _("小数点后最多 %(max)s 位。"),
    "max_whole_digits": _("小数点前最多 %(max)s 位。"),
}

#: A date field's widget: the browser's date picker, the value written as 2026-03-18.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _default_messages(field: forms.Field) -> dict:
    defaults: dict = {}
    for klass in reversed(type(field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    return defaults


def _friendly_validator(validator):
    """Return ``validator`` with its message said plainly, when it still has Django's own."""
    if type(validator) is validators.DecimalValidator and "messages" not in vars(validator):
        validator = copy.copy(validator)
        validator.messages = {**type(validator).messages, **FRIENDLY_DECIMAL_MESSAGES}
        return validator
    message = FRIENDLY_VALIDATOR_MESSAGES.get(type(validator))
    if message is None or "message" in vars(validator):
        return validator
    validator = copy.copy(validator)
    validator.message = message
    return validator


def friendly_field_errors(field: forms.Field) -> None:
    """Give ``field`` the plain messages of :data:`FRIENDLY_MESSAGES` where it has Django's defaults."""
    if getattr(field, "_friendly_errors", False):
        return
    defaults = _default_messages(field)
    for klass, messages in FRIENDLY_MESSAGES:
        if isinstance(field, klass):
            for code, message in messages.items():
                if code in field.error_messages and field.error_messages[code] is defaults.get(code):
                    field.error_messages[code] = message
    field.validators = [_friendly_validator(v) for v in field.validators]
    field._friendly_errors = True


class FriendlyErrorsMixin:
    """A form whose fields refuse a value in plain Chinese (:data:`FRIENDLY_MESSAGES`).

    Applied when the form is validated, so the fields a view adds after building it are covered too.
    """

    def full_clean(self):
        for field in self.fields.values():
            friendly_field_errors(field)
        super().full_clean()


def _is_hidden(form: forms.BaseForm, name: str) -> bool:
    return form.fields[name].widget.is_hidden


def _constraint_field(form: forms.BaseForm, error: ValidationError) -> str | None:
    """Return the one field a model constraint's refusal is about, among those the form shows.

    A household's "本村已有这个户号" (village and number unique) is about the number, the last of
    the constraint's fields the form shows; None when it shows none of them (the top of the form).
    """
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is None:
        return None
    message = str(error.message % error.params if error.params else error.message)
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if not fields or str(constraint.get_violation_error_message()) != message:
            continue
        # A constraint names the scope first and what is typed last (village, then number).
        shown = [name for name in fields if name in form.fields and not _is_hidden(form, name)]
        return shown[-1] if shown else None
    return None


def errors_placed(form: forms.BaseForm, error) -> dict[str, list[ValidationError]]:
    """Return ``error`` (a model's, a service's) by the field of ``form`` it goes on.

    An error about a field the form does not have goes at the top, named by the field's label
    ("村：…"); a constraint's refusal goes on the one field it is about (:func:`_constraint_field`).
    """
    if not isinstance(error, ValidationError):
        error = ValidationError(error)
    by_field = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.error_list}
    model = getattr(getattr(form, "_meta", None), "model", None)
    placed: dict[str, list[ValidationError]] = {}
    for name, errors in by_field.items():
        for item in errors:
            target = name
            if name == NON_FIELD_ERRORS:
                target = _constraint_field(form, item) or NON_FIELD_ERRORS
            elif name not in form.fields:
                target = NON_FIELD_ERRORS
                label = name
                if model is not None:
                    try:
                        label = model._meta.get_field(name).verbose_name
                    except Exception:  # noqa: BLE001 — a name the model has no field for: shown as it is
                        label = name
                for message in item.messages:
                    placed.setdefault(target, []).append(
                        ValidationError("%(label)s：%(message)s", params={"label": label, "message": message})
                    )
                continue
            placed.setdefault(target, []).append(item)
    return placed


def add_errors(form: forms.BaseForm, error) -> None:
    """Show ``error`` (a model's ``full_clean``, a service's) on ``form``, placed by :func:`errors_placed`."""
    forms.BaseForm.add_error(form, None, errors_placed(form, error))


class PlacedErrorsMixin:
    """A form that puts every error on the field it is about, or at the top (:func:`errors_placed`)."""

    def add_error(self, field, error):
        if field is not None and field not in self.fields:
            field, error = None, ValidationError({field: error if isinstance(error, list) else [error]})
        if field is None:
            super().add_error(None, errors_placed(self, error))
        else:
            super().add_error(field, error)


class VersionedModelForm(PlacedErrorsMixin, FriendlyErrorsMixin, forms.ModelForm):
    """A model form that carries the version the editor started from (no silent overwrite).

    Editing a record that exists needs the version: a form posted without it (or with a version
    that is not a number) is refused with :data:`NO_VERSION` and saves nothing, so the stale check
    of ``domain_record_save`` always has a version to compare. A new record has none. A record saved
    by someone since the form was opened is refused while the form is validated, naming what changed.

    The record is judged as ``domain_record_save`` will judge it: with the values the page set on it
    that the form does not show (a director's village), so a rule or a constraint over them (one
    户号 a village) is refused on the form, with what was typed, instead of when it is saved.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    #: Whether the stale check locks the stored row (a form validated inside the save's transaction).
    lock_stored_row = False

    def _hold_what_the_database_holds(self) -> None:
        """Give each whole-number field the range of its model field (its column's, and a narrower one
        the model declares, e.g. a record's year: ``federation.core.models.year_validators``), so a
        number no column or calendar holds is refused on the form before any rule computes with it
        (a year 30000 has no 18 March). Of the form's and the model's bounds the narrower is kept."""
        for name, field in self.fields.items():
            if not isinstance(field, forms.IntegerField) or getattr(field, "_column_range", False):
                continue
            try:
                column = self._meta.model._meta.get_field(name)
            except Exception:  # noqa: BLE001 — a field of the form only
                continue
            for kind, narrower in (
                (validators.MinValueValidator, max),
                (validators.MaxValueValidator, min),
            ):
                bounds = [v for v in (*field.validators, *column.validators) if isinstance(v, kind)]
                if not bounds:
                    continue
                # the model's own first: of two equal limits, its message is the one kept
                bounds.sort(key=lambda v: v not in column.validators)
                kept = narrower(bounds, key=lambda v: v.limit_value)
                field.validators = [v for v in field.validators if not isinstance(v, kind)] + [kept]
            field._column_range = True

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        # What the page set on the record and the form does not edit is judged too, as the service's
        # full_clean judges it: a field that failed on the form stays out, and so does one still
        # empty that must be filled (the service may fill it when it saves: a loan's village).
        set_by_page = {
            field.name
            for field in self.instance._meta.fields
            if field.name in exclude
            and field.name not in self._errors
            and (field.name not in self.fields or field.name not in (self._meta.fields or ()))
            and (field.blank or field.value_from_object(self.instance) not in field.empty_values)
        }
        return exclude - set_by_page

    def full_clean(self):
        self._hold_what_the_database_holds()
        super().full_clean()
        if not self.is_bound or self.instance.pk is None or not hasattr(self, "cleaned_data"):
            return
        version = self.cleaned_data.get("version")
        if version is None:
            self._errors.pop("version", None)  # a hidden field's own error would say nothing useful
            self.add_error(None, ValidationError(NO_VERSION, code="no_version"))
            return
        # Someone saved it since it was opened: say so first, with what changed, before any rule
        # judges values the editor never saw (the service checks again when it saves).
        try:
            domain_record_check_version(self.instance, expected_version=version, lock=self.lock_stored_row)
        except StaleRecordError as exc:
            self.add_error(None, exc.as_form_error())
        except ObjectDoesNotExist:
            self.add_error(None, ValidationError(GONE, code="gone"))


def _beyond_the_database(key) -> bool:
    """Return whether ``key`` is a whole number no database integer holds (SQLite raises on one past
    64 bits, where any other unknown key is simply not found)."""
    try:
        number = int(str(key))
    except ValueError:
        return False
    return not -(2**63) <= number < 2**63


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records by their keys, where a key no database integer holds is refused as
    any key outside the choices is (``invalid_pk_value``), not sent to the database to fail there."""

    def _check_values(self, value):
        for key in value or ():
            if _beyond_the_database(key):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super()._check_values(value)


class AutocompleteSelect(forms.Select):
    """The choice of one row among many of the user's scope (a person, a household): the page holds
    the chosen row alone, never the whole list; what is typed is searched by the view ``url_name``
    (with ``params``), which reads through the scope. Tom Select (from django-tomselect's static
    files) draws it, started by ``static/js/autocomplete.js``: no inline script, so the site's
    Content-Security-Policy holds. Without JavaScript the chosen row stays selected.
    """

    def __init__(self, url_name: str, params: dict | None = None, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.url_name = url_name
        self.params = dict(params or {})

    class Media:
        css = {"all": ("django_tomselect/vendor/tom-select/css/tom-select.bootstrap5.min.css",)}
        js = ("django_tomselect/js/django-tomselect.min.js", "js/autocomplete.js")

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.params = dict(self.params)
        return copied

    def build_attrs(self, base_attrs, extra_attrs=None):
        from django.urls import reverse
        from django.utils.http import urlencode

        attrs = super().build_attrs(base_attrs, extra_attrs)
        url = reverse(self.url_name)
        attrs["data-autocomplete-url"] = f"{url}?{urlencode(self.params)}" if self.params else url
        attrs.setdefault("data-placeholder", str(_("输入姓名、身份证号或后四位查找")))
        return attrs

    def optgroups(self, name, value, attrs=None):
        """Return the empty choice and the chosen rows only (read by their keys, through the field's
        queryset), as Django's admin does for its autocompletes."""
        field = self.choices.field
        chosen = [v for v in value if v not in ("", None) and not _beyond_the_database(v)]
        rows = []
        if chosen:
            try:
                rows = list(field.queryset.filter(pk__in=chosen))
            except (ValueError, TypeError, ValidationError):
                rows = []  # a forged, non-numeric value: nothing chosen
        options = [(None, [self.create_option(name, "", field.empty_label or "", not rows, 0)], 0)]
        for index, row in enumerate(rows, start=1):
            option = self.create_option(name, row.pk, field.label_from_instance(row), True, index)
            options.append((None, [option], index))
        return options


class AutocompleteSelectMultiple(AutocompleteSelect, forms.SelectMultiple):
    """The choice of several rows among many of the user's scope (a session's attendees), drawn
    and searched as :class:`AutocompleteSelect` is; the page holds the chosen rows only."""

    allow_multiple_selected = True
