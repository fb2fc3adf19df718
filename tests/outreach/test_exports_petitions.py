"""The petitions list's state and category filters flow into its export, as the list shows them."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from outreach.models import Petition, PetitionCategory
from tests.helpers.ledgers import data_rows, workbook
from tests.helpers.outreach import TODAY, YEAR, petition

LEDGER = "petitions"


@pytest.fixture
def petitions_world(outreach_world):
    """Township staff sees: 来访A (closed this year), 来访B and 受害人甲 (open, this year),
    去年未结 (open since last year), 去年已结 (closed last year), 财产C (open, property)."""
    w = outreach_world
    o = w.o
    this_year = dt.date(YEAR, 1, 1)
    Petition.objects.filter(pk__in=[o.petition_a.pk, o.petition_b.pk, o.dv_a.pk]).update(
        received_on=this_year
    )
    Petition.objects.filter(pk=o.petition_a.pk).update(closed_on=TODAY)
    petition(w.village_a, petitioner_name="去年未结", received_on=dt.date(YEAR - 1, 6, 1))
    old = petition(w.village_b, petitioner_name="去年已结", received_on=dt.date(YEAR - 1, 6, 1))
    Petition.objects.filter(pk=old.pk).update(closed_on=dt.date(YEAR - 1, 7, 1))
    petition(w.village_b, category=PetitionCategory.PROPERTY, petitioner_name="财产C", received_on=this_year)
    return w


def petitioners(data: bytes) -> list[str]:
    ws = workbook(data).active
    index = 1 + [c.key for c in get_ledger(LEDGER).layout.leaves].index("petitioner")
    return [row[index] for row in data_rows(ws, get_ledger(LEDGER).layout)]


def web_export(client, **query) -> tuple[list[str], bytes]:
    response = client.get(reverse("exports:outreach:petition_list:xlsx"), query)
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return petitioners(data), data


def listed(client, **query) -> list[str]:
    response = client.get(reverse("outreach:petition_list"), query)
    assert response.status_code == 200
    return [p.petitioner for p in response.context["object_list"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "closed"}, {"来访A", "去年已结"}),
        ({"state": "closed", "year": YEAR}, {"来访A"}),
        ({"state": "open"}, {"来访B", "受害人甲", "去年未结", "财产C"}),
        ({"state": "open", "category": "property"}, {"财产C"}),
        ({"state": "all", "year": YEAR - 1}, {"去年未结", "去年已结"}),
        ({"state": "all", "category": "marriage_family", "year": YEAR}, {"来访A", "来访B"}),
    ],
)
def test_the_export_lists_the_cases_the_list_shows(petitions_world, login, query, expected):
    client = login(petitions_world.staff)
    names, _data = web_export(client, **query)
    assert set(names) == expected and len(names) == len(expected)
    assert set(listed(client, **query)) == expected


def test_the_export_note_says_which_cases_it_lists(petitions_world, login):
    client = login(petitions_world.staff)
    _names, data = web_export(client, state="open", category="property")
    texts = " ".join(str(c.value) for row in workbook(data).active.iter_rows() for c in row if c.value)
    assert "尚未结案" in texts and "类别：财产权益" in texts


def export_links(body: str) -> list[str]:
    """The addresses of a page's export buttons (not the menu's other /exports/ links)."""
    return [html.unescape(h) for h in re.findall(r'href="([^"]*/exports/[^"]*)" data-export', body)]


def test_the_list_buttons_carry_its_tab_and_category(petitions_world, login):
    client = login(petitions_world.staff)
    body = client.get(reverse("outreach:petition_list")).content.decode()
    links = export_links(body)
    assert links and all("state=open" in link for link in links)  # the default tab, not in the address
    body = client.get(reverse("outreach:petition_list"), {"state": "closed", "category": "property"})
    links = export_links(body.content.decode())
    assert links and all("state=closed" in link and "category=property" in link for link in links)
    names, _data = web_export(client, **dict(p.split("=") for p in links[0].split("?")[1].split("&")))
    assert names == []  # no closed property case


def test_without_a_state_the_ledger_is_every_case_of_the_year(petitions_world, tmp_path):
    w = petitions_world
    path = tmp_path / "petitions.xlsx"
    filters = ExportFilters.from_query({"year": YEAR})  # the command line: no list, no tab
    export_build(ledger=get_ledger(LEDGER), user=w.staff, fmt="xlsx", filters=filters, path=path)
    assert set(petitioners(path.read_bytes())) == {"来访A", "来访B", "受害人甲", "财产C"}


def test_a_category_the_role_may_not_see_gives_nothing(petitions_world, login):
    w = petitions_world
    client = login(w.county_viewer)
    names, data = web_export(client, state="all", category="domestic_violence")
    assert names == []
    assert str(get_ledger(LEDGER).layout.title) in str(workbook(data).active["A1"].value)  # the ledger, empty
    others, _data = web_export(client, state="all", category="marriage_family", year=YEAR)
    assert set(others) == {"来访A", "来访B"}  # the categories she may see are exported to her
