"""The API's views: one viewset class a resource, made by :func:`viewset_for`, and the few of its own.

Every read goes through the resource's scoped rows (``for_user``): a record outside the scope, or a
resource the role may not read, answers 404 as on the pages. Every write is judged by the
resource's form (the page's) and saved by its service (``domain_record_save`` by default); a write
from a version the record has left answers 409 with the record as it is now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_filters
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.response import Response

from federation.api.errors import FormRefused, StaleWrite, form_errors
from federation.api.serializers import read_serializer, write_serializer
from federation.core import access
from federation.core.forms import errors_placed
from federation.core.idnumber import is_whole_id_number
from federation.core.mixins import scope_form_choices
from federation.core.services import StaleRecordError, domain_record_check_version, domain_record_delete
from federation.web.generic import Places

#: The model permission each method needs.
METHOD_ACTIONS = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "add", "PATCH": "change"}
METHOD_ACTIONS["PUT"] = "change"
METHOD_ACTIONS["DELETE"] = "delete"

PLACE_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.INT, description=text)
    for name, text in (("township", "乡镇 (id)"), ("village", "村 (id)"), ("group", "村民小组 (id)"))
]
SEARCH_PARAMETER = OpenApiParameter(
    "q", OpenApiTypes.STR, description="姓名、身份证号或后四位 (as the list searches)"
)


class ResourcePermission(permissions.IsAuthenticated):
    """The role's permission for the method; without it the resource answers 404, as on the pages."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        needed = "view" if getattr(view, "action", None) in view.resource.actions else None
        if not view.resource.may(request.user, needed or METHOD_ACTIONS.get(request.method, "view")):
            raise exceptions.NotFound(_("没有找到这条记录，或您无权查看。"))
        return True


@dataclass(frozen=True)
class Action:
    """A POST endpoint of one record that an app adds (a loan's steps): ``run(request, obj, **kwargs)``
    does it through the app's one function and returns the record; ``request`` describes its body;
    ``url_path`` may hold a named part (``steps/(?P<step>[a-z_]+)``) given to ``run``."""

    run: Any
    url_path: str
    request: type[serializers.Serializer] | None = None
    description: str = ""
    parameters: tuple = ()


def _plain(data) -> dict:
    """Return a request's body as a mutable dict of form data (JSON or form-encoded)."""
    if isinstance(data, QueryDict):  # a field sent several times keeps every value
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    if not isinstance(data, dict):
        raise FormRefused({"__all__": [_("请求的内容应是一个 JSON 对象（字段名和值）。")]})
    return dict(data)


def _filterset(resource) -> type[django_filters.FilterSet] | None:
    """Return the filters of the resource's list besides the places (``Resource.filters``)."""
    if not resource.filters:
        return None
    meta = type("Meta", (), {"model": resource.model, "fields": list(resource.filters)})
    return type(f"{resource.name}Filter", (django_filters.FilterSet,), {"Meta": meta})


class RecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The list, one record, a new record, a change and a (soft) delete of a resource."""

    resource: Any = None
    permission_classes = [ResourcePermission]

    def get_queryset(self):
        if self.action in ("partial_update", "destroy"):
            return self.resource.editable(self.request.user)
        rows = self.resource.rows(self.request.user)
        # What a record's label names (her name) is read with it, not one query a row.
        related = self.resource.select_related
        if not related and any(
            f.name == "person" and f.many_to_one for f in self.resource.model._meta.get_fields()
        ):
            related = ("person",)
        return rows.select_related(*related) if related else rows

    def get_serializer_class(self):
        return read_serializer(self.resource)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list":
            queryset = Places(self.request.user, self.request.query_params).narrow(queryset)
            search = self.request.query_params.get("q", "")[:50]
            if search.strip() and self.resource.search is not None:
                queryset = self.resource.search(queryset, search)
        return queryset

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        search = request.query_params.get("q", "")[:50]
        if self.resource.person_fields and self.resource.search and is_whole_id_number(search):
            # A search by a whole ID number: the persons it found, never the number typed.
            found = self.filter_queryset(self.get_queryset())
            access.record_search(request, found.values_list(*self.resource.person_fields))
        return response

    def _read(self, obj) -> dict:
        return self.get_serializer(obj).data

    def retrieve(self, request, pk=None):
        obj = self.get_object()
        kind = self.resource.access_kind(obj) if self.resource.access_kind else None
        if kind is not None:
            access.record(request, kind, obj)
        return Response(self._read(obj))


class WritesMixin:
    """A new record and a change, judged by the resource's form and saved by its service."""

    def _form(self, data: dict, instance=None):
        resource, user = self.resource, self.request.user
        kwargs = resource.form_kwargs(self.request, instance) if resource.form_kwargs else {}
        form = resource.form_class(data=data, files=self.request.FILES or None, instance=instance, **kwargs)
        scope_form_choices(form, user)
        for name, field in form.fields.items():  # a choice of several rows sent as one value
            several = getattr(field.widget, "allow_multiple_selected", False)
            if several and name in data and not isinstance(data[name], list | tuple):
                data[name] = [data[name]]
        # A director's village, as her pages fill it in (hidden, or chosen when it is the one offered).
        for name in dict.fromkeys((*resource.hidden_when_single, "village")):
            field = form.fields.get(name)
            if getattr(field, "queryset", None) is not None and data.get(name) in (None, "") and not instance:
                options = list(field.queryset[:2])
                if len(options) == 1:
                    data[name] = options[0].pk
        if resource.prepare_form is not None:
            resource.prepare_form(form, self.request)
        return form

    def _stale(self, exc: StaleRecordError, obj) -> StaleWrite:
        current = self.resource.model._default_manager.for_user(self.request.user).filter(pk=obj.pk).first()
        return StaleWrite(
            str(exc.message),
            current=self._read(current) if current is not None else {},
            changes={label: value for label, value in exc.changes},
        )

    def _save(self, form):
        instance = form.instance
        before = (instance.pk, instance.version, instance._state.adding)
        try:
            with transaction.atomic():
                return self.resource.save(self.request, form)
        except StaleRecordError as exc:
            instance.pk, instance.version, instance._state.adding = before
            raise self._stale(exc, instance) from exc
        except (ValidationError, PermissionDenied) as exc:
            instance.pk, instance.version, instance._state.adding = before
            error = ValidationError(str(exc)) if isinstance(exc, PermissionDenied) else exc
            placed = errors_placed(form, error)
            raise FormRefused({k: [m for e in v for m in e.messages] for k, v in placed.items()}) from exc

    def create(self, request):
        data = _plain(request.data)
        form = self._form(data)
        if not form.is_valid():
            raise FormRefused(form_errors(form))
        record = self._save(form)
        return Response(self._read(record), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        obj = self.get_object()
        sent = _plain(request.data)
        version = sent.get("version")
        if isinstance(version, int) or (isinstance(version, str) and version.isdigit()):
            try:
                domain_record_check_version(obj, expected_version=int(version), lock=False)
            except StaleRecordError as exc:
                raise self._stale(exc, obj) from exc
            except ObjectDoesNotExist as exc:
                raise exceptions.NotFound() from exc
        unbound = self.resource.form_class(
            instance=obj, **(self.resource.form_kwargs(request, obj) if self.resource.form_kwargs else {})
        )
        data = {name: unbound[name].value() for name in unbound.fields}
        # What is not sent stays as it is; the version is only ever the one she sends.
        data = {k: v for k, v in data.items() if v is not None and k != "version"}
        data.update(sent)
        form = self._form(data, instance=obj)
        if not form.is_valid():
            raise FormRefused(form_errors(form))
        record = self._save(form)
        return Response(self._read(record))


class DeleteMixin:
    """A soft delete (the township can restore it), through ``domain_record_delete``."""

    def destroy(self, request, pk=None):
        obj = self.get_object()
        domain_record_delete(user=request.user, instance=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _action_method(name: str, act: Action):
    def run(self, request, pk=None, **kwargs):
        obj = self.get_object()
        try:
            with transaction.atomic():
                record = act.run(request, obj, **kwargs)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            raise FormRefused({k: [str(m) for m in v] for k, v in messages.items()}) from exc
        except PermissionDenied as exc:
            raise FormRefused({"__all__": [str(exc) or _("您不能办理这一步。")]}) from exc
        return Response(self._read(record))

    run.__name__ = name
    run = extend_schema(
        request=act.request,
        responses=None,
        description=act.description,
        parameters=list(act.parameters),
    )(run)
    return drf_action(detail=True, methods=["post"], url_path=act.url_path)(run)


def viewset_for(resource) -> type[RecordViewSet]:
    """Return the viewset of ``resource``: the generic one with its form, filters and actions."""
    attrs: dict[str, Any] = {"resource": resource, "filterset_class": _filterset(resource)}
    attrs["__doc__"] = (
        f"{resource.model._meta.verbose_name_plural}: read in the scope, written through its form."
    )
    for name, act in resource.actions.items():
        attrs[name] = _action_method(name, act)
    writes = write_serializer(resource)
    read = read_serializer(resource)
    bases: list[type] = [RecordViewSet]
    if resource.form_class is not None:
        bases.insert(0, WritesMixin)
        if resource.deletable:
            bases.insert(0, DeleteMixin)
    label = str(resource.model._meta.verbose_name_plural)
    schema = {
        "list": extend_schema(
            summary=label,
            parameters=[*PLACE_PARAMETERS, *([SEARCH_PARAMETER] if resource.search else [])],
            tags=[resource.path],
        ),
        "retrieve": extend_schema(summary=label, tags=[resource.path]),
    }
    if resource.form_class is not None:
        schema["create"] = extend_schema(request=writes, responses={201: read}, tags=[resource.path])
        schema["partial_update"] = extend_schema(request=writes, responses={200: read}, tags=[resource.path])
        if resource.deletable:
            schema["destroy"] = extend_schema(responses={204: None}, tags=[resource.path])
    view = type(f"{_name(resource)}ViewSet", tuple(bases), attrs)
    return extend_schema_view(**schema)(view)


def _name(resource) -> str:
    return "".join(p.title() for p in resource.name.replace("-", "_").split("_"))
