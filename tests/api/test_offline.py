"""Entry without a network, the server's side (federation.api.offline, registry.offline): what the
phone is told, which pages it may keep, the roster's minimum, the worker and the manifest."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.contrib.staticfiles import finders

from federation.core.masking import mask_id_number


def config(response) -> dict:
    """Return the offline settings a page gives its script."""
    found = re.search(r'<meta name="offline-config" content="([^"]*)">', response.text)
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.django_db
def test_a_director_is_told_her_entry_routes_and_the_days_before_a_wipe(world, login, settings):
    settings.OFFLINE_WIPE_DAYS = 3
    cfg = config(login(world.dir_a).get("/"))
    assert cfg["enabled"] and cfg["user"] == world.dir_a.pk and cfg["wipe_days"] == 3
    routes = {r["resource"]: r for r in cfg["routes"]}
    assert routes["visits"]["create"] == "/outreach/visits/new/"
    assert routes["visits"]["api"] == "/api/v1/visits/"
    assert re.match(routes["persons"]["update"], f"/registry/persons/{world.woman_a.pk}/edit/")
    assert not {"screening", "petitions"} & set(routes)  # health results and petitions never wait on a phone
    assert {"/", "/outreach/visits/new/", "/registry/persons/new/", "/offline/roster/"} <= set(cfg["keep"])
    # What an edit page's copy holds masked, by federation.core.masking's rules and shapes: told on an
    # edit page only (the page that makes the copy).
    assert "masking" not in cfg
    masked = config(login(world.dir_a).get(f"/registry/persons/{world.woman_a.pk}/edit/"))["masking"]
    assert masked["id_number"] == ["id_number"] and masked["birth"] == ["birth_date"]
    assert masked["phone"] == ["guardian_phone", "phone"]
    assert (masked["mask"], masked["id_head"], masked["id_tail"]) == ("*", 3, 4)
    assert (masked["phone_hidden"], masked["phone_tail"]) == (4, 4)


@pytest.mark.django_db
def test_the_township_keeps_nothing_offline(world, login):
    client = login(world.staff)
    cfg = config(client.get("/"))
    assert not cfg["enabled"] and "routes" not in cfg
    assert "X-Offline" not in client.get("/")
    assert client.get("/offline/roster/").status_code == 404


@pytest.mark.django_db
def test_only_the_entry_pages_are_marked_to_keep_and_the_edit_pages_only_masked(world, login):
    client = login(world.dir_a)
    assert client.get("/")["X-Offline"] == "keep"
    assert client.get("/outreach/visits/new/")["X-Offline"] == "keep"
    assert client.get(f"/registry/persons/{world.woman_a.pk}/edit/")["X-Offline"] == "edit"  # whole ID number
    assert client.get(f"/registry/households/{world.household_a.pk}/edit/")["X-Offline"] == "edit"
    assert "X-Offline" not in client.get(f"/registry/persons/{world.woman_a.pk}/")  # the whole file
    assert "X-Offline" not in client.get("/outreach/screening/new/")  # health data
    assert "X-Offline" not in client.get("/registry/persons/")  # phones and whole ID numbers


@pytest.mark.django_db
def test_the_roster_holds_her_village_with_masked_numbers_only(world, login):
    client = login(world.dir_a)
    data = client.get("/offline/roster.json").json()
    people = [p for h in data["households"] for p in h["members"]]
    assert [p["name"] for p in people] == ["妇女A"]
    assert people[0]["id_number"] == mask_id_number(world.woman_a.id_number) != world.woman_a.id_number
    assert set(people[0]) == {"id", "name", "sex", "sex_label", "age", "id_number", "text"}
    born = world.woman_a.birth_date
    assert f"{people[0]['age']}岁" in people[0]["text"] and born.isoformat() not in json.dumps(data)
    page = client.get("/offline/roster/")
    assert "妇女A" in page.text and world.woman_a.id_number not in page.text and "妇女B" not in page.text


def test_the_worker_serves_the_site_and_the_app_installs(client):
    worker = client.get("/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert worker["Service-Worker-Allowed"] == "/" and "X-Offline" in worker.text
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert {"192x192", "512x512"} <= {icon["sizes"] for icon in manifest["icons"]}
    assert finders.find("idb/umd.js"), "npm ci (scripts/setup.sh) puts idb where the app serves it"
