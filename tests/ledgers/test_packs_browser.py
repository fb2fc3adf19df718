"""In Chromium at 375 px: the township builds an inspection pack and downloads it."""

from __future__ import annotations

import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.packs import COVER
from tests.helpers.ledgers import flat, pdf_text
from tests.helpers.web import sign_in

pytestmark = pytest.mark.browser


def test_the_township_builds_a_pack_and_downloads_it(phone, ledger_world, sync_tasks, tmp_path):
    sign_in(phone, "staff")
    phone.wait_for_selector("h1")
    phone.go(reverse("exports:pack"))
    # Every part is offered and ticked; the office keeps two of them this time.
    parts = phone.locator("input[name=parts]")
    assert parts.count() >= 10
    phone.evaluate(
        "() => document.querySelectorAll('input[name=parts]').forEach("
        "(box) => { box.checked = ['women', 'visits'].includes(box.value); })"
    )
    button = phone.locator("#pack-build")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    phone.set_default_timeout(300_000)  # the pack is built in the request (tasks run inline)
    with phone.expect_navigation(timeout=120_000):
        button.click()
    year = timezone.localdate().year
    assert phone.locator("h1").inner_text() == f"幸福乡迎检材料（{year}年度）"
    assert phone.locator("#export-bar").inner_text() == "100%"
    link = phone.locator("#export-download")
    with phone.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == f"幸福乡迎检材料（{year}年度）.zip"
    path = tmp_path / "pack.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
        bundle.extract(COVER, tmp_path)
    assert COVER in names
    assert any("妇女基本信息台账" in name and name.endswith(".xlsx") for name in names)
    assert any("走访记录" in name for name in names)
    assert not any("农村留守妇女" in name for name in names)
    assert f"共{len(names)}个" in flat(pdf_text(tmp_path / COVER))
