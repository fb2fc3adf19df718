"""A register declared once appears everywhere it belongs, with no other file touched.

The children in hardship are declared a second time, under another name, title, path, ledger and
deadline: the new register has its menu entry, its column of the deadlines grid, its button on a
child's page, its list page with an export that lists its entries, and an import of its template.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
from dataclasses import replace

import openpyxl
import pytest
from django.urls import clear_url_caches, reverse

from federation.ledgers.imports.framework import get_importer
from federation.ledgers.imports.templates import template_bytes
from federation.web.registers import Deadline, declared
from registry import rules
from registry.entries import entry_register
from registry.models import HardshipChild, Person
from registry.registers import hardship_children
from tests.helpers.factories import PersonFactory

TITLE = "困境儿童（试点）"


def _reload_urls() -> None:
    import federation.ledgers.exports.urls
    import federation.project.urls
    import registry.urls

    for module in (registry.urls, federation.ledgers.exports.urls, federation.project.urls):
        importlib.reload(module)
    clear_url_caches()


def trial() -> object:
    """Return the trial register: the children in hardship under another name, path, ledger, deadline."""
    return entry_register(
        name="hardshiptrial",
        title=TITLE,
        model=HardshipChild,
        path="hardship-trial",
        ledger="hardship_trial",
        table=replace(hardship_children.TABLE, title="困境儿童试点登记表"),
        form_fields=("year", "person", "reason", "guardian_name", "guardian_relation"),
        list_columns=(("姓名", "person.name"), ("困难原因", "get_reason_display")),
        menu_order=5,
        deadline=Deadline("hardship_trial", 4, 1, "试点\n台账", order=70),
        person_ages=rules.child_ages,
        person_order=50,
    )


@pytest.fixture
def trial_register():
    """Declare the trial register (and its pages) for one test; take it all out again afterwards."""
    with declared(trial()) as register:
        _reload_urls()
        yield register
    _reload_urls()


@pytest.fixture
def child(world):
    """Return 小花, a child of the world's household A, whose mother (its head) is recorded deceased:
    a child in hardship whose parents died, as the register's rule checks (父母双亡)."""
    Person.objects.filter(pk=world.woman_a.pk).update(deceased=True)
    return PersonFactory(
        village=world.village_a,
        household=world.household_a,
        relation="child",
        name="小花",
        birth_date=dt.date(2016, 4, 5),
    )


def test_a_register_declared_once_has_its_menu_entry_deadline_and_person_page_button(
    world, login, trial_register, child
):
    client = login(world.dir_a)
    list_url = reverse("registry:hardshiptrial_list")
    assert list_url == "/registry/hardship-trial/"
    home = client.get(reverse("home")).content.decode()
    assert f'href="{list_url}">{TITLE}</a>' in home

    own = client.get(reverse("outreach:report_list")).content.decode()
    assert 'data-register="hardship_trial"' in own and f"{TITLE} 4 月 1 日前" in own
    grid = login(world.staff).get(reverse("outreach:report_list")).content.decode()
    assert 'data-register="hardship_trial"' in grid and "试点<br>台账" in grid
    client = login(world.dir_a)

    page = client.get(child.get_absolute_url()).content.decode()
    assert f"{reverse('registry:hardshiptrial_create')}?person={child.pk}" in page
    adult = client.get(world.woman_a.get_absolute_url()).content.decode()  # born 1988: past its ages
    assert reverse("registry:hardshiptrial_create") not in adult


def test_a_register_declared_once_lists_exports_and_imports_its_entries(world, login, trial_register, child):
    client = login(world.dir_a)
    create = reverse("registry:hardshiptrial_create")
    year = dt.date.today().year  # noqa: DTZ011 - the register's year as the form offers it
    response = client.post(
        create,
        {
            "year": year,
            "person": child.pk,
            "reason": "both_dead",
            "guardian_name": "奶奶",
            "guardian_relation": "grandparent",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert HardshipChild.objects.get(person=child).guardian_name == "奶奶"
    listed = client.get(reverse("registry:hardshiptrial_list"), {"year": year}).content.decode()
    assert "小花" in listed
    export_url = reverse("exports:registry:hardshiptrial_list:xlsx")
    assert export_url in listed
    response = client.get(export_url, {"year": year})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert "困境儿童试点登记表" in sheet["A1"].value
    assert any(row[2] == "小花" for row in sheet.iter_rows(values_only=True))

    importer = get_importer("hardship_trial")
    assert importer is not None and importer.title == "困境儿童试点登记表"
    assert 'data-import="困境儿童试点登记表"' in listed
    HardshipChild.objects.all().delete()
    template = openpyxl.load_workbook(
        io.BytesIO(template_bytes(importer, user=world.dir_a, village=world.village_a, year=year))
    )
    sheet = template.worksheets[0]
    header = next(r for r in range(1, 30) if sheet.cell(r, 1).value == "序号")
    titles = [sheet.cell(header, c).value for c in range(1, sheet.max_column + 1)]
    under = [sheet.cell(header + 1, c).value for c in range(1, sheet.max_column + 1)]
    first = header + 2
    cells = {"姓名": "小花", "困难原因": "父母双亡"}
    for column, title in enumerate(titles, start=1):
        if title in cells:
            sheet.cell(first, column, cells[title])
    guardian = titles.index("监护人")
    sheet.cell(first, guardian + 1, "奶奶")
    sheet.cell(first, under.index("与儿童关系") + 1, "祖父母")
    sheet.cell(first, 1, 1)
    data = io.BytesIO()
    template.save(data)
    data.seek(0)
    result = importer(world.village_a, user=world.dir_a, year=year).import_file(data)
    assert result.errors == [] and result.created == 1
    assert HardshipChild.objects.get(person=child).guardian_relation == "grandparent"


def test_a_register_taken_out_again_leaves_nothing_behind():
    from federation.core.roles import role_permissions
    from federation.ledgers.exports.registry import get_ledger
    from federation.web.pages import menu_entries
    from federation.web.registers import registers, with_deadlines

    with declared(trial()):
        assert "hardshiptrial" in registers and get_ledger("hardship_trial") is not None
        assert "hardship_trial" in [r.deadline.key for r in with_deadlines()]
    assert "hardshiptrial" not in registers
    assert get_ledger("hardship_trial") is None and get_importer("hardship_trial") is None
    assert "hardship_trial" not in [r.deadline.key for r in with_deadlines()]
    assert not [e for e in menu_entries if e.url_name == "registry:hardshiptrial_list"]
    assert "registry.view_hardshipchild" in role_permissions()["county_viewer"]  # the real register's
