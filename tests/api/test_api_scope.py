"""Every resource of the API answers another village's director as the pages do: 404 on reading and
on writing a record of village A, and the database unchanged."""

from __future__ import annotations

from django.forms.models import model_to_dict

from federation.api.resources import all_resources
from federation.api.views import viewset_for


def _state(model, pk):
    """Return what is stored of one record: its fields and how many history rows it has."""
    row = model._base_manager.get(pk=pk)
    kept = getattr(model, "history", None)
    return model_to_dict(row, fields=[f.name for f in model._meta.concrete_fields]), (
        kept.filter(id=pk).count() if kept is not None else 0
    )


def test_another_villages_director_gets_404_on_every_resource(api_world, api_as):
    w = api_world
    own, other = api_as(w.dir_a), api_as(w.dir_b)
    resources = all_resources()
    assert {"persons", "households", "visits", "screening", "petitions", "volunteers", "loans"} <= {
        r.path for r in resources
    }
    for resource in resources:
        record = resource.rows(w.dir_a).exclude(pk__in=resource.rows(w.dir_b).values("pk")).first()
        assert record is not None, f"{resource.path}: the world has a record of village A only"
        url = f"/api/v1/{resource.path}/{record.pk}/"
        assert own.get(url).status_code == 200, resource.path
        before = _state(resource.model, record.pk)
        count = resource.model._base_manager.count()

        read = other.get(url)
        assert read.status_code == 404, resource.path
        assert read.json()["code"] == "not_found"
        listed = other.get(f"/api/v1/{resource.path}/").json()["results"]
        assert record.pk not in [row["id"] for row in listed], resource.path
        view = viewset_for(resource)
        if hasattr(view, "partial_update"):
            changed = other.patch(url, {"version": record.version, "notes": "改"}, format="json")
            assert changed.status_code == 404, resource.path
        if hasattr(view, "destroy"):
            assert other.delete(url).status_code == 404, resource.path
        for name in resource.actions:
            assert other.post(f"{url}steps/submit/", {}, format="json").status_code == 404, (resource, name)

        assert _state(resource.model, record.pk) == before, resource.path
        assert resource.model._base_manager.count() == count, resource.path
