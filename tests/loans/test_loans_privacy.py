"""The approval form (full ID numbers of applicant, spouse and guarantors) is kept in no cache."""

from __future__ import annotations

from django.urls import reverse

from loans.states import Status
from tests.helpers.loans import advance, draft


def test_the_approval_form_pdf_is_kept_in_no_cache(loan_world, login):
    w = loan_world
    application = advance(w, draft(w, w.applicant_a), Status.TOWNSHIP_SIGNED)
    response = login(w.dir_a).get(reverse("loans:application_pdf", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
