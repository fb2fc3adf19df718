"""What a resource's record reads as (masked as the pages mask it), what a write sends, and the error shape.

A record is read through :func:`read_serializer`: its fields (``Resource.read_fields``), an ID
number, a phone and a birth date given as ``federation.core.policy`` gives them to the user (the
pages' one rule). A write is judged by the resource's form, not by a serializer: the serializer of
:func:`write_serializer` only describes, in the schema, the fields that form takes.
"""

from __future__ import annotations

from functools import cache

from django import forms
from rest_framework import serializers

from federation.core import policy
from federation.core.masking import is_birth_field, is_id_number_field, is_phone_field


class MaskedModelSerializer(serializers.ModelSerializer):
    """A record's fields, with ID numbers, phones and birth dates as the user may see them."""

    label = serializers.SerializerMethodField(help_text="The record as the pages name it.")

    def get_label(self, obj) -> str:
        from federation.core.services import purge_label

        return purge_label(obj)  # the record's name, never an ID number in it

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        for name in list(data):
            value = data[name]
            if is_id_number_field(name):
                data[name] = policy.id_number_for(user, value)
            elif is_phone_field(name):
                data[name] = policy.phone_for(user, value)
            elif is_birth_field(name) and not policy.can_see_full_id_number(user):
                data[name] = None
        return data


@cache
def read_serializer(resource) -> type[serializers.ModelSerializer]:
    """Return the serializer a record of ``resource`` is read with (masked; never used to write).

    Its fields keep the model's blank and null values but not its validators: a masked phone is
    read as it is shown, not as a number one could type.
    """
    names = resource.read_fields()
    extra = {name: {"validators": []} for name in names}
    for name in names:
        if is_birth_field(name):
            extra[name]["allow_null"] = True
    meta = type("Meta", (), {"model": resource.model, "fields": (*names, "label"), "extra_kwargs": extra})
    return type(f"{_camel(resource.name)}Serializer", (MaskedModelSerializer,), {"Meta": meta})


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.replace("-", "_").split("_"))


def _field_for(form_field: forms.Field) -> serializers.Field:
    """Return the serializer field that describes what ``form_field`` takes (for the schema)."""
    common = {"required": False, "help_text": str(form_field.label or "")}
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(form_field, forms.ModelChoiceField):
        return serializers.IntegerField(allow_null=True, **common)
    if isinstance(form_field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(form_field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(form_field, forms.ChoiceField):
        choices = [value for value, _label in form_field.choices if not isinstance(_label, list | tuple)]
        return serializers.ChoiceField(choices=choices, allow_blank=True, allow_null=True, **common)
    if isinstance(form_field, forms.IntegerField):
        return serializers.IntegerField(allow_null=True, **common)
    if isinstance(form_field, forms.DecimalField | forms.FloatField):
        return serializers.CharField(allow_blank=True, allow_null=True, **common)
    if isinstance(form_field, forms.DateField):
        return serializers.DateField(allow_null=True, **common)
    if isinstance(form_field, forms.FileField):
        return serializers.FileField(**common)
    return serializers.CharField(allow_blank=True, allow_null=True, **common)


@cache
def write_serializer(resource) -> type[serializers.Serializer] | None:
    """Return the serializer that describes a write of ``resource`` in the schema (its form's fields)."""
    if resource.form_class is None:
        return None
    fields = {name: _field_for(f) for name, f in resource.form_class.base_fields.items()}
    fields["version"] = serializers.IntegerField(
        required=False, help_text="The version read; required to change a record (a stale one: 409)."
    )
    return type(f"{_camel(resource.name)}Write", (serializers.Serializer,), fields)


class ErrorSerializer(serializers.Serializer):
    """The one shape of every refusal (README, "The API")."""

    detail = serializers.CharField(help_text="What went wrong, in Chinese.")
    code = serializers.CharField(help_text="invalid, not_found, stale, not_authenticated, throttled, …")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="The messages by field, as the form shows them; '__all__' for the whole record.",
    )
    current = serializers.DictField(required=False, help_text="On 409: the record as it is now.")
    changes = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="On 409: what changed meanwhile."
    )
