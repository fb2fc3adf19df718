"""PDF ledgers re-read with pdftotext and pdffonts: Chinese comes back, the CJK font is embedded."""

from __future__ import annotations

import zipfile

import pytest
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from registry.models import Person
from tests.helpers.ledgers import flat, pdf_fonts, pdf_text


def build(tmp_path, name, user, **query):
    path = tmp_path / f"{name}.pdf"
    result = export_build(
        ledger=get_ledger(name), user=user, fmt="pdf", filters=ExportFilters.from_query(query), path=path
    )
    return path, result


def test_a_village_pdf_has_the_ledger_in_chinese_with_the_font_embedded(ledger_world, tmp_path):
    w = ledger_world
    path, result = build(tmp_path, "women", w.dir_a)
    assert result.kind == "pdf" and path.read_bytes().startswith(b"%PDF")
    text = flat(pdf_text(path))
    assert "幸福乡红旗村妇女基本信息台账" in text
    assert "填报单位：幸福乡红旗村" in text and "填报人：张红" in text
    for expected in (
        "序号",
        "村组",
        "丈夫",
        "子女（姓名、性别、年龄）",
        "妇女A",
        "丈夫A",
        w.x_number,
        "合计：7人",
    ):
        assert expected in text, expected
    assert "=1+2" in text and "'=1+2" not in text  # a PDF shows values as entered
    assert "妇女B" not in text
    assert "第1页共1页" in text
    assert "单位负责人：" in text and "制表人：" in text
    assert "年龄按" in text  # the 注 block names the reference date
    fonts = pdf_fonts(path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk and all(" yes yes yes " in line for line in cjk)  # embedded, subset, unicode
    assert len(fonts.splitlines()) - 2 == len(cjk)  # no other font: the footer uses the same one


def test_the_county_viewer_sees_masked_id_numbers_in_a_pdf(ledger_world, tmp_path):
    w = ledger_world
    path, result = build(tmp_path, "women", w.county_viewer, village=str(w.village_a.pk))
    text = pdf_text(path)
    assert "妇女A" in text
    assert w.x_number not in text and w.husband_a.id_number not in text
    assert w.x_number[:3] + "*" * 11 + w.x_number[-4:] in text


def test_a_township_pdf_is_one_file_per_village_in_a_zip(ledger_world, tmp_path):
    w = ledger_world
    path, result = build(tmp_path, "poor_women", w.staff)
    assert result.kind == "zip" and result.rows == 2
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        year = timezone.localdate().year
        assert names == [
            f"01-幸福乡红旗村农村贫困妇女信息登记表（{year}年度）.pdf",
            f"02-幸福乡胜利村农村贫困妇女信息登记表（{year}年度）.pdf",
        ]
        archive.extractall(tmp_path / "parts")
    first = flat(pdf_text(tmp_path / "parts" / names[0]))
    second = flat(pdf_text(tmp_path / "parts" / names[1]))
    assert "妇女A" in first and "妇女B" not in first and "合计：1人" in first
    assert "妇女B" in second and "妇女A" not in second
    assert "光明村" not in first + second


def test_a_long_village_is_printed_in_parts(ledger_world, tmp_path, settings):
    settings.LEDGER_PDF_MAX_ROWS = 3
    path, result = build(tmp_path, "women", ledger_world.dir_a)
    assert result.kind == "zip" and result.rows == 7
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "parts")
    assert len(names) == 3 and "（第1册）" in names[0] and "（第3册）" in names[2]
    last = pdf_text(tmp_path / "parts" / names[2])
    assert "合计：1 人" in last
    assert "7" in last.split() and "6" not in last.split()  # 序号 runs on across the parts


def test_registration_cards_are_one_child_a_page_with_ticked_boxes(ledger_world, tmp_path):
    w = ledger_world
    path, result = build(tmp_path, "left_behind_child_cards", w.dir_b)
    assert result.kind == "pdf" and result.rows == 1
    text = flat(pdf_text(path))
    assert "留守儿童登记卡" in text and "女儿B" in text and "女儿A" not in text
    assert "父亲外出（√）" in text and "父母双方外出（）" in text
    assert text.count("是（√）") == 2 and "否（√）" not in text  # 是否寄宿, 每月与父母联系: 是
    assert "父亲姓名丈夫B" in text  # the father, read from the household
    assert "第1页共1页" in text


def test_cards_of_several_children_take_a_page_each(ledger_world, tmp_path):
    w = ledger_world
    from registry.models import LeftBehindChild

    LeftBehindChild.objects.create(
        person=w.boy_a, parents_away="both", guardian_name="奶奶A", guardian_relation="grandparent"
    )
    path, result = build(tmp_path, "left_behind_child_cards", w.dir_a)
    assert result.rows == 2
    text = pdf_text(path)
    assert text.count("\f") == 2  # pdftotext ends each page with a form feed
    assert "第2页共2页" in flat(text)


@pytest.mark.parametrize(
    "name", ["left_behind_children", "hardship_children", "village_directors", "womens_homes"]
)
def test_other_ledgers_print(ledger_world, tmp_path, name):
    path, result = build(tmp_path, name, ledger_world.dir_a)
    text = flat(pdf_text(path))
    assert str(get_ledger(name).title) in text and "合计：1" in text


@pytest.mark.parametrize(("name", "user"), [("women", "dir_a"), ("left_behind_child_cards", "dir_b")])
def test_the_fast_xml_parser_gives_the_same_pdf_as_weasyprints_own(
    ledger_world, tmp_path, monkeypatch, name, user
):
    """Ledgers and cards are read by the XML parser (faster); a reader sees what the HTML parser gives."""
    from xml.etree import ElementTree

    from federation.ledgers.exports import pdf

    w = ledger_world
    Person.objects.filter(pk=w.woman_a.pk).update(name="李<小>&红")  # markup characters in the data
    parsed = []
    original = pdf.LedgerHTML.__init__

    def spy(self, *, string):
        original(self, string=string)
        parsed.append(self.parsed_as_xml)

    monkeypatch.setattr(pdf.LedgerHTML, "__init__", spy)
    fast_path, _ = build(tmp_path, name, getattr(w, user))
    fast = pdf_text(fast_path)

    def refuse(text):
        raise ElementTree.ParseError("not XML")

    monkeypatch.setattr(ElementTree, "fromstring", refuse)
    (tmp_path / "html5").mkdir()
    slow_path, _ = build(tmp_path / "html5", name, getattr(w, user))
    assert parsed == [True, False]
    assert fast == pdf_text(slow_path)
    if name == "women":
        assert "李<小>&红" in flat(fast) and "=1+2" in fast


def test_pdfs_laid_out_at_once_by_two_threads_leave_the_garbage_collector_as_it_was():
    import gc
    import threading

    from federation.ledgers.exports import pdf

    before = gc.get_threshold()
    inside = threading.Barrier(2)
    seen = []

    def lay_out():
        with pdf._collector_relaxed():
            inside.wait(timeout=10)  # both layouts are running at once
            seen.append(gc.get_threshold())

    threads = [threading.Thread(target=lay_out) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 2 and before not in seen  # relaxed while they ran
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
