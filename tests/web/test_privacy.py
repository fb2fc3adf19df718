"""Pages with personal data are cached nowhere, and run no script the app did not send itself."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def policy(response) -> dict[str, list[str]]:
    """Return the Content-Security-Policy header's directives by name."""
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize(
    "page",
    [
        lambda w: reverse("registry:person_list"),
        lambda w: reverse("registry:person_detail", args=[w.woman_a.pk]),
        lambda w: reverse("registry:women_ledger"),
        lambda w: reverse("home"),
    ],
)
def test_a_page_with_personal_data_is_kept_in_no_cache(world, login, page):
    response = login(world.dir_a).get(page(world))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_admin_of_a_person_is_kept_in_no_cache(world, login):
    response = login(world.admin).get(reverse("admin:registry_person_change", args=[world.woman_a.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_log_in_page_is_not_kept_either(client):
    response = client.get(reverse("login"))
    assert "no-store" in response["Cache-Control"]


def test_every_page_says_scripts_come_only_from_the_app_or_carry_its_nonce(world, login):
    response = login(world.dir_a).get(reverse("imports:start"))
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    nonces = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert "'self'" in directives["script-src"] and len(nonces) == 1
    assert "'unsafe-inline'" not in directives["script-src"]
    nonce = nonces[0][len("'nonce-") : -1]
    body = response.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", body)
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert not re.search(r"\son[a-z]+=\"", body)  # no inline handler: the policy would block it


def test_each_page_has_its_own_nonce(world, login):
    client = login(world.dir_a)
    first = policy(client.get(reverse("imports:start")))["script-src"]
    second = policy(client.get(reverse("imports:start")))["script-src"]
    assert first != second
