"""Masked ID numbers cannot be rebuilt: the county viewer reads everything she may about a person
(her pages, the lists that show her, every ledger she may export as Excel and PDF, the admin) and
finds neither a whole ID number nor a birth date, and the check character with the age she is shown
leaves many numbers possible. The roles that need them still see numbers and birth dates whole.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.core.idnumber import age_on, check_character
from federation.core.masking import mask_id_number
from federation.core.models import year_settings
from federation.ledgers.exports import all_ledgers, get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from registry.models import LeftBehindChild, LeftBehindWoman, Person, PoorWoman, VillageDirector
from tests.helpers.ledgers import data_rows, flat, pdf_text, workbook

MASKED = re.compile(r"\d{3}\*{11}[\dX]{4}")


def _date_texts(day: dt.date) -> list[str]:
    """Return the ways a page, a sheet or a PDF could write ``day`` (or its month)."""
    return [
        f"{day:%Y-%m-%d}",
        f"{day:%Y%m%d}",
        f"{day:%Y/%m/%d}",
        f"{day.year}/{day.month}/{day.day}",
        f"{day:%Y.%m.%d}",
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}年{day.month}月",
        f"{day:%Y-%m}-",
    ]


def _sheet_text(path: Path) -> str:
    """Return every cell of every sheet of an .xlsx as text (dates as 1988-05-06)."""
    parts = []
    for ws in workbook(path).worksheets:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, dt.datetime):
                    value = value.date()
                if isinstance(value, dt.date):
                    value = value.isoformat()
                if value is not None:
                    parts.append(str(value))
    return "\n".join(parts)


def _pages(w) -> list[str]:
    """Return the URLs of every page the county viewer reads about village A's family."""
    woman = w.woman_a
    entries = [
        LeftBehindWoman.objects.get(person=woman),
        PoorWoman.objects.get(person=woman),
        LeftBehindChild.objects.get(person=w.girl_a),
        VillageDirector.objects.get(village=w.village_a),
    ]
    lists = [
        "registry:person_list",
        "registry:household_list",
        "registry:women_ledger",
        "registry:leftbehindwoman_list",
        "registry:poorwoman_list",
        "registry:leftbehindchild_list",
        "registry:hardshipchild_list",
        "registry:villagedirector_list",
    ]
    urls = [f"{reverse(name)}?village={w.village_a.pk}" for name in lists]
    urls += [f"{reverse('registry:person_list')}?q={query}" for query in (woman.name, woman.id_number[-4:])]
    urls += [p.get_absolute_url() for p in Person.objects.filter(household=w.household_a)]
    urls += [w.household_a.get_absolute_url(), *(entry.get_absolute_url() for entry in entries)]
    return urls


def _export(w, name: str, fmt: str, tmp_path: Path) -> Path:
    """Return the file of ledger ``name`` as the county viewer exports it for village A."""
    path = tmp_path / f"{name}.{fmt}"
    filters = ExportFilters(village_id=w.village_a.pk)
    export_build(ledger=get_ledger(name), user=w.county_viewer, fmt=fmt, filters=filters, path=path)
    return path


def _exports(w, tmp_path) -> tuple[str, dict[str, Path]]:
    """Return the text of every ledger the county viewer may export of village A, and the files."""
    texts, files = [], {}
    for ledger in all_ledgers():
        if not ledger.allowed(w.county_viewer):
            continue
        for fmt in ledger.formats:
            path = files[f"{ledger.name}.{fmt}"] = _export(w, ledger.name, fmt, tmp_path)
            text = _sheet_text(path) if fmt == "xlsx" else pdf_text(path)
            texts += [text, flat(text)]
    return "\n".join(texts), files


def _rebuilt(masked: str, *, age: int, on: dt.date, region: str) -> list[str]:
    """Return every valid ID number the mask, the age on ``on`` and the region code allow.

    The attacker is given the region code (the county's own, printed in every division code):
    what stays open are the birth dates of that age, which the check character narrows by 11.
    """
    head, tail = masked[:3], masked[-4:]
    assert region.startswith(head)
    found = []
    day = dt.date(on.year - age - 1, 1, 1)
    while day <= on:
        if age_on(day, on) == age:
            first17 = f"{region}{day:%Y%m%d}{tail[:3]}"
            if check_character(first17) == tail[3]:
                found.append(first17 + tail[3])
        day += dt.timedelta(days=1)
    return found


def test_nothing_the_county_viewer_reads_rebuilds_a_masked_id_number(ledger_world, login, tmp_path):
    w = ledger_world
    client = login(w.county_viewer)
    pages = []
    for url in _pages(w):
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    for url in ("/admin/", reverse("admin:registry_person_changelist")):  # not hers: sent to log in
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
        pages.append(response.content.decode())
    exported, files = _exports(w, tmp_path)
    everything = "\n".join(pages) + exported
    wanted = {"persons.xlsx", "women.xlsx", "left_behind_women.pdf", "left_behind_child_cards.pdf"}
    assert wanted <= set(files)

    village_a = Person.all_objects.filter(village=w.village_a)
    assert village_a.filter(id_number__isnull=False).count() >= 5
    for person in village_a:
        if person.id_number:
            assert person.id_number not in everything, person.name
            assert person.id_number[:14] not in everything, person.name  # nor its first 14
        for text in _date_texts(person.birth_date) if person.birth_date else ():
            assert text not in everything, (person.name, text)
    director = VillageDirector.objects.get(village=w.village_a)
    for text in _date_texts(director.birth_month)[-2:]:  # a director's birth month neither
        assert text not in everything, text
    woman = w.woman_a
    shown = mask_id_number(woman.id_number)
    assert shown in pages[0] and shown in exported
    # every mask of her number, anywhere, shows the same 3 + 4 characters, no more
    assert {m for m in MASKED.findall(everything) if m.endswith(woman.id_number[-4:])} == {shown}

    # what she is shown in place of the birth date: the age on the year's reference date
    on = year_settings(timezone.localdate().year).ages_on
    age = age_on(woman.birth_date, on)
    ledger = get_ledger("persons")
    sheet = workbook(files["persons.xlsx"]).active
    header = [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert "年龄" in header and "出生日期" not in header
    row = next(r for r in data_rows(sheet, ledger.layout) if r[3] == woman.name)
    assert row[header.index("年龄")] == age
    assert f'<dt class="col-5 col-md-3">年龄</dt><dd class="col-7 col-md-9">{age} ' in "".join(pages)

    candidates = _rebuilt(shown, age=age, on=on, region=w.county.code)
    assert woman.id_number in candidates  # the attack is the right one …
    assert len(candidates) > 10  # … and leaves her number one of many


def test_a_search_confirms_only_what_the_mask_shows(ledger_world, login):
    w = ledger_world
    client = login(w.county_viewer)
    number = w.woman_a.id_number
    url = reverse("registry:person_list")

    def finds(query: str) -> bool:
        return w.woman_a.name in client.get(url, {"q": query}).content.decode()

    assert finds(number)  # she typed the whole number: the answer tells her nothing new
    assert finds(number[-4:])  # the last 4 are shown anyway
    for partial in (number[:14], number[:17], number[6:14], number[:6], number[3:10], number[-5:]):
        assert not finds(partial), partial


@pytest.mark.parametrize("key", ["dir_a", "staff", "chair"])
def test_the_roles_that_need_them_see_the_number_the_birth_date_and_the_phone(ledger_world, login, key):
    w = ledger_world
    user = getattr(w, key)
    woman = w.woman_a
    woman.refresh_from_db()
    body = login(user).get(woman.get_absolute_url()).content.decode()
    assert woman.id_number in body and woman.birth_date.isoformat() in body and woman.phone in body
    listed = login(user).get(reverse("registry:person_list"), {"q": woman.name}).content.decode()
    assert "<th>出生日期</th>" in listed and woman.birth_date.isoformat() in listed


def test_the_township_export_keeps_numbers_birth_dates_and_phones(ledger_world, tmp_path):
    w = ledger_world
    path = tmp_path / "persons.xlsx"
    filters = ExportFilters(village_id=w.village_a.pk)
    export_build(ledger=get_ledger("persons"), user=w.staff, fmt="xlsx", filters=filters, path=path)
    text = _sheet_text(path)
    assert w.woman_a.id_number in text and "1988-05-06" in text and "13800000001" in text
    header = [c.value for c in next(workbook(path).active.iter_rows(min_row=3, max_row=3))]
    assert "出生日期" in header and "年龄" not in header


def test_phones_are_masked_for_the_county_viewer_everywhere(ledger_world, login, tmp_path):
    w = ledger_world
    client = login(w.county_viewer)
    person = client.get(w.woman_a.get_absolute_url()).content.decode()
    assert "138****0001" in person and "13800000001" not in person
    directors = client.get(reverse("registry:villagedirector_list"), {"village": w.village_a.pk})
    director = VillageDirector.objects.get(village=w.village_a)
    detail = client.get(director.get_absolute_url()).content.decode()
    for body in (directors.content.decode(), detail):
        assert "+86 137****0000" in body and "13700000000" not in body
    child = client.get(LeftBehindChild.objects.get(person=w.girl_a).get_absolute_url()).content.decode()
    assert "139****0000" in child and "13900000000" not in child
    persons = _sheet_text(_export(w, "persons", "xlsx", tmp_path))
    assert "138****0001" in persons and "13800000001" not in persons
    cards = flat(pdf_text(_export(w, "left_behind_child_cards", "pdf", tmp_path)))
    assert "139****0000" in cards and "138****0001" in cards  # the guardian's and the mother's
    assert "13900000000" not in cards and "13800000001" not in cards


def test_the_admin_shows_numbers_and_birth_dates_whole_to_the_township_and_masked_otherwise(
    ledger_world, login
):
    from registry.admin import birth_column, id_number_column, phone_column

    w = ledger_world
    woman = w.woman_a
    body = login(w.staff).get(reverse("admin:registry_person_changelist"), {"q": woman.name}).content.decode()
    assert woman.id_number in body and "1988年5月6日" in body
    directors = login(w.staff).get(reverse("admin:registry_villagedirector_changelist")).content.decode()
    assert "+86 13700000000" in directors
    # no masked role opens the admin (above); were one given it, its columns follow the same policy
    viewer = w.county_viewer
    assert id_number_column(viewer)(woman) == mask_id_number(woman.id_number)
    assert birth_column(viewer)(woman) == age_on(
        woman.birth_date, year_settings(timezone.localdate().year).ages_on
    )
    director = VillageDirector.objects.get(village=w.village_a)
    assert phone_column(viewer)(director) == "+86 137****0000"
    assert birth_column(w.staff) == "birth_date"
