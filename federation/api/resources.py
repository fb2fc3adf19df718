"""The API's resources: one a declared register, made from its declaration, and those the apps add.

A :class:`Resource` says what ``/api/v1/<path>/`` reads and writes: its model (its rows are
``Model.objects.for_user(user)``, the one scoping rule), the form its writes are judged by (the
register's ``form_class()``, the same form its pages use) and what reading it takes (the model's
view permission and the register's ``extra_permissions``). :func:`all_resources` makes one for each
register with a model (so a new register gets its endpoint with no new view code) and adds the
apps' own (:func:`add_resource`); an app changes what is particular to one of its registers with
:func:`adjust` (a form's arguments, a save through its own service, the kind of read recorded).
Apps contribute from ``<app>/api.py``, imported by their ``contributions.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from federation.core.registries import Registry
from federation.core.services import domain_record_save
from federation.web.registers import registers


def _save(request, form):
    """Return the form's record saved through ``domain_record_save`` (the pages' save), with its
    many-to-many fields."""
    record = domain_record_save(
        user=request.user, instance=form.save(commit=False), expected_version=form.cleaned_data.get("version")
    )
    form.save_m2m()
    return record


@dataclass(frozen=True, eq=False)
class Resource:
    """One resource of the API (see the module docstring).

    ``path`` is its URL below ``/api/v1/``; ``name`` its name in the schema and URL names.
    ``form_class`` judges its writes (None: read only); ``form_kwargs(request, instance)`` gives the
    form what its page gives it; ``prepare_form(form, request)`` does what its page does to the form
    before it is validated; ``save(request, form)`` saves a valid form (by default through
    ``domain_record_save``). ``fields`` are the fields read (by default the form's, with ``id``,
    ``version`` and the record's village); ``access_kind(obj)`` the kind of read recorded in the
    access log when one record is read (None: not recorded). ``hidden_when_single`` are the choice
    fields filled in when the user's scope offers one row (a director's village), as on the pages.
    ``filters`` are the fields a list may be filtered by (``?year=2026``) besides the places.
    ``actions`` are extra endpoints (``federation.api.views.Action``) of a record, e.g. a loan's steps.
    ``select_related`` are read with the rows (what a record's label names; its person by default).
    ``search(rows, q)`` is the list's search (``?q=``, as its page searches); ``person_fields`` name
    a row's person and her village, for the access log's record of a search by a whole ID number.
    """

    path: str
    name: str
    model: Any
    form_class: type | None = None
    permissions: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    form_kwargs: Callable[[Any, Any], dict] | None = None
    prepare_form: Callable[[Any, Any], None] | None = None
    save: Callable[[Any, Any], Any] = _save
    access_kind: Callable[[Any], str | None] | None = None
    hidden_when_single: tuple[str, ...] = ()
    filters: tuple[str, ...] = ()
    actions: Mapping[str, Any] = field(default_factory=dict)
    deletable: bool = True
    select_related: tuple[str, ...] = ()
    search: Callable[[Any, str], Any] | None = None
    person_fields: tuple[str, str] = ()

    @property
    def perm_prefix(self) -> str:
        return f"{self.model._meta.app_label}."

    def permission(self, action: str) -> str:
        """Return the model permission of ``action`` (view, add, change, delete)."""
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    def may(self, user, action: str) -> bool:
        """Return whether ``user``'s role may ``action`` the resource (with its extra permissions)."""
        return user.has_perms([self.permission(action), *self.permissions])

    def rows(self, user):
        """Return the rows ``user`` sees: the one scoping rule."""
        return self.model._default_manager.for_user(user)

    def editable(self, user):
        """Return the rows ``user`` may change (``editable_by``: her scope, or narrower)."""
        return self.model._default_manager.editable_by(user)

    def read_fields(self) -> tuple[str, ...]:
        """Return the model fields a record is read with: ``fields``, else its form's, with its key,
        version and village."""
        names = list(self.fields)
        if not names and self.form_class is not None:
            concrete = {f.name for f in self.model._meta.get_fields() if getattr(f, "concrete", False)}
            names = [name for name in self.form_class.base_fields if name in concrete]
        model_fields = {f.name for f in self.model._meta.get_fields() if getattr(f, "concrete", False)}
        head = [n for n in ("id", "version", "village") if n in model_fields and n not in names]
        return tuple(head + [n for n in names if n in model_fields])


#: The resources the apps add (households, loans) by path.
added: Registry[Resource] = Registry("API resource")
#: Changes to the resource made from a register, by the register's name.
adjustments: Registry[dict] = Registry("API adjustment")


def add_resource(resource: Resource) -> Resource:
    """Add a resource of an app's own (not a register's)."""
    return added.add(resource.path, resource)


def adjust(register_name: str, **changes) -> None:
    """Change what the resource made from the register ``register_name`` does (see :class:`Resource`)."""
    adjustments.add(register_name, changes)


def from_register(register) -> Resource:
    """Return the resource made from ``register``'s declaration (and the app's adjustments of it)."""
    attrs = dict(register.page_attrs)
    resource = Resource(
        path=register.path or register.name,
        name=register.name,
        model=register.model,
        form_class=register.form_class(),
        permissions=tuple(attrs.get("extra_permissions", ())),
        hidden_when_single=tuple(attrs.get("hidden_when_single", ())),
        filters=("year",) if any(f.name == "year" for f in register.model._meta.get_fields()) else (),
    )
    return replace(resource, **(adjustments.get(register.name) or {}))


def all_resources() -> list[Resource]:
    """Return every resource: one a declared register with records, then the apps' own."""
    made = [from_register(r) for r in registers if r.model is not None]
    return made + list(added)
