"""The county viewer reads outreach records with phones masked (138****5678); the township whole."""

from __future__ import annotations

from django.urls import reverse

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from outreach.models import Petition, VolunteerMember
from tests.helpers.ledgers import workbook

PETITIONER, MEMBER = "13512345678", "13687654321"


def _phones(w):
    Petition.objects.filter(pk=w.o.petition_a.pk).update(petitioner_phone=PETITIONER)
    VolunteerMember.objects.filter(pk=w.o.member_a.pk).update(phone=MEMBER)


def _cells(path) -> str:
    return "\n".join(str(v) for row in workbook(path).active.iter_rows(values_only=True) for v in row if v)


def test_the_county_viewer_reads_outreach_phones_masked(outreach_world, login, tmp_path):
    w = outreach_world
    _phones(w)
    client = login(w.county_viewer)
    petition = client.get(reverse("outreach:petition_detail", args=[w.o.petition_a.pk])).content.decode()
    assert "135****5678" in petition and PETITIONER not in petition
    member = client.get(reverse("outreach:volunteermember_detail", args=[w.o.member_a.pk])).content.decode()
    assert "136****4321" in member and MEMBER not in member
    path = tmp_path / "volunteers.xlsx"
    filters = ExportFilters(village_id=w.village_a.pk)
    export_build(
        ledger=get_ledger("volunteers"), user=w.county_viewer, fmt="xlsx", filters=filters, path=path
    )
    cells = _cells(path)
    assert "136****4321" in cells and MEMBER not in cells


def test_the_township_reads_outreach_phones_whole(outreach_world, login, tmp_path):
    w = outreach_world
    _phones(w)
    client = login(w.staff)
    assert (
        PETITIONER
        in client.get(reverse("outreach:petition_detail", args=[w.o.petition_a.pk])).content.decode()
    )
    assert (
        MEMBER
        in client.get(reverse("outreach:volunteermember_detail", args=[w.o.member_a.pk])).content.decode()
    )
    path = tmp_path / "volunteers.xlsx"
    export_build(
        ledger=get_ledger("volunteers"), user=w.staff, fmt="xlsx", filters=ExportFilters(), path=path
    )
    assert MEMBER in _cells(path)
