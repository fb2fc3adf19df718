"""The loan application and approval form prints on one A4 page, whatever step it has reached."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from loans.models import GuarantorKind
from loans.states import Status
from tests.helpers.loans import advance, draft, guarantor

pytestmark = pytest.mark.django_db


def pages_and_size(content: bytes, tmp_path) -> tuple[int, str]:
    """Return the number of pages of a PDF and its page size, as pdfinfo reads them."""
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)), re.search(
        r"^Page size:.*$", info, re.M
    ).group(0)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.STAMPED, Status.DISBURSED])
def test_a_typical_application_is_one_a4_page(loan_world, login, tmp_path, status):
    w = loan_world
    application = draft(
        w,
        w.applicant_a,
        amount=50000,
        project="农家乐经营",
        purpose="添置餐桌椅、厨具，改造客房 3 间，购买消毒柜和冰柜各一台",
        guarantors=[
            guarantor(work_unit="幸福乡人民政府"),
            guarantor(
                kind=GuarantorKind.DEPOSIT, bank="中国农业银行示范县支行", deposit_amount=Decimal("50000")
            ),
        ],
    )
    if status != Status.DRAFT:
        application = advance(w, application, status)
    response = login(w.staff).get(reverse("loans:application_pdf", args=[application.pk]))
    assert response.status_code == 200
    pages, size = pages_and_size(response.content, tmp_path)
    assert pages == 1
    assert "595.276 x 841.89" in size  # A4 portrait, in points


def test_the_other_village_director_gets_no_form(loan_world, login):
    w = loan_world
    application = draft(w, w.applicant_a)
    assert login(w.dir_b).get(reverse("loans:application_pdf", args=[application.pk])).status_code == 404
