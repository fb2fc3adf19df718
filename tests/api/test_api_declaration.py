"""A register declared once has its API resource too, with no view code: the children in hardship
declared again under another name and path are listed, read and entered at ``/api/v1/<path>/``,
in the scope, through the declaration's form."""

from __future__ import annotations

import importlib
from dataclasses import replace

import pytest
from django.urls import clear_url_caches

from federation.web.registers import declared
from registry.entries import entry_register
from registry.models import HardshipChild
from registry.registers import hardship_children


def _reload_urls() -> None:
    import federation.api.urls
    import federation.project.urls
    import registry.urls

    for module in (registry.urls, federation.api.urls, federation.project.urls):
        importlib.reload(module)
    clear_url_caches()


@pytest.fixture
def trial_register():
    register = entry_register(
        name="hardshipapitrial",
        title="困境儿童（接口试点）",
        model=HardshipChild,
        path="hardship-api-trial",
        ledger="hardship_api_trial",
        table=replace(hardship_children.TABLE, title="困境儿童接口试点登记表"),
        form_fields=("year", "person", "reason", "guardian_name"),
        list_columns=(("姓名", "person.name"),),
        menu_order=6,
    )
    with declared(register):
        _reload_urls()
        yield register
    _reload_urls()


def test_a_declared_register_has_its_resource_in_the_api(api_world, api_as, trial_register):
    w = api_world
    director = api_as(w.dir_a)
    listed = director.get("/api/v1/hardship-api-trial/")
    assert listed.status_code == 200
    assert [row["person"] for row in listed.json()["results"]] == [w.boy_a.pk]
    assert set(listed.json()["results"][0]) >= {"id", "version", "year", "person", "reason", "guardian_name"}
    assert "school" not in listed.json()["results"][0]  # the declaration's fields only

    refused = director.post(
        "/api/v1/hardship-api-trial/", {"person": w.girl_a.pk, "year": 2026}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["errors"]["reason"]
    entry = HardshipChild.objects.get(person=w.boy_a)
    assert api_as(w.dir_b).get(f"/api/v1/hardship-api-trial/{entry.pk}/").status_code == 404
    schema = director.get("/api/schema/?format=json").json()
    assert "/api/v1/hardship-api-trial/{id}/" in schema["paths"]
