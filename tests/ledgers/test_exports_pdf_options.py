"""A ledger's PDF options: ``pdf_per_village=False`` prints a township or county as one PDF."""

from __future__ import annotations

import dataclasses
import zipfile

from federation.ledgers.exports import get_ledger
from federation.ledgers.exports.context import ExportFilters
from federation.ledgers.exports.services import export_build
from tests.helpers.ledgers import flat, pdf_text
from tests.helpers.outreach import YEAR, build_outreach_world


def build(tmp_path, ledger, user, **query):
    path = tmp_path / f"{ledger.name}-{user.username}.pdf"
    filters = ExportFilters.from_query(query)
    return path, export_build(ledger=ledger, user=user, fmt="pdf", filters=filters, path=path)


def test_ledgers_print_village_by_village_unless_they_say_otherwise():
    assert get_ledger("poor_women").pdf_per_village is True
    assert get_ledger("women").pdf_per_village is True
    assert get_ledger("screening_statistics").pdf_per_village is False


def test_a_ledger_without_the_village_split_prints_a_township_as_one_pdf(ledger_world, tmp_path):
    w = ledger_world
    ledger = dataclasses.replace(get_ledger("poor_women"), pdf_per_village=False)
    path, result = build(tmp_path, ledger, w.staff)
    assert result.kind == "pdf" and result.rows == 2  # the default gives a ZIP of two PDFs
    assert path.read_bytes().startswith(b"%PDF") and not zipfile.is_zipfile(path)
    text = flat(pdf_text(path))
    assert "幸福乡农村贫困妇女信息登记表" in text and "填报单位：幸福乡" in text
    assert "妇女A" in text and "妇女B" in text and "合计：2人" in text
    assert "红旗村" in text and "胜利村" in text  # the 村组 column names the village
    assert "光明村" not in text  # another township's village


def test_a_long_one_pdf_ledger_is_still_printed_in_parts(ledger_world, tmp_path, settings):
    settings.LEDGER_PDF_MAX_ROWS = 1
    w = ledger_world
    ledger = dataclasses.replace(get_ledger("poor_women"), pdf_per_village=False)
    path, result = build(tmp_path, ledger, w.staff)
    assert result.kind == "zip" and result.rows == 2
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert len(names) == 2 and "（第1册）" in names[0] and "（第2册）" in names[1]
    assert all(name.split("-", 1)[1].startswith("幸福乡农村贫困妇女") for name in names)


def test_the_screening_statistics_of_a_township_and_a_county_are_one_pdf(world, tmp_path):
    w = build_outreach_world(world)  # a screening in each of the township's two villages
    ledger = get_ledger("screening_statistics")
    path, result = build(tmp_path, ledger, w.staff, year=YEAR)
    assert result.kind == "pdf" and not zipfile.is_zipfile(path)
    text = flat(pdf_text(path))
    assert "幸福乡两癌检查统计表" in text and "合计：2个村" in text
    assert "红旗村" in text and "胜利村" in text and "光明村" not in text
    path, result = build(tmp_path, ledger, w.county_viewer, year=YEAR)
    assert result.kind == "pdf" and not zipfile.is_zipfile(path)
    text = flat(pdf_text(path))
    assert "两癌检查统计表" in text and "红旗村" in text and "胜利村" in text and "光明村" in text
