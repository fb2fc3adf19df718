"""In Chromium at 375 px: the export buttons fit the phone, keep the filters and download the ledger."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from federation.ledgers.exports import get_ledger
from tests.helpers.ledgers import data_rows, workbook
from tests.helpers.web import sign_in

pytestmark = pytest.mark.browser


def test_a_director_downloads_her_filtered_ledger_on_a_phone(phone, ledger_world, tmp_path):
    sign_in(phone, "dir_a")
    phone.wait_for_selector("h1")
    phone.go(reverse("registry:women_ledger") + "?q=妇女")
    button = phone.locator("a[data-export=xlsx]")
    box = button.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert box["height"] >= 30
    href = button.get_attribute("href")
    assert parse_qs(urlsplit(href).query) == {"q": ["妇女"]}
    with phone.expect_download() as info:
        button.click()
    download = info.value
    assert download.suggested_filename.endswith(f"妇女基本信息台账（{timezone.localdate().year}年度）.xlsx")
    path = tmp_path / "download.xlsx"
    download.save_as(path)
    names = [r[2] for r in data_rows(workbook(path).active, get_ledger("women").layout)]
    assert names == ["妇女A"]
