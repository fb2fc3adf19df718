"""No lost update on the microloans: a draft saved from a form opened before another save is refused."""

from __future__ import annotations

import pytest

from federation.core.services import StaleRecordError
from loans.models import LoanApplication
from loans.services import application_save, application_transition
from loans.states import Action
from tests.helpers.loans import draft, guarantor


def test_a_draft_saved_from_a_form_opened_earlier_is_refused_with_the_change(loan_world):
    w = loan_world
    application = draft(w, w.applicant_a, amount=30000, guarantors=[guarantor()])
    opened_at = application.version
    first = LoanApplication.objects.get(pk=application.pk)
    first.term_months = 18
    application_save(
        user=w.dir_a, application=first, guarantors=list(first.guarantors.all()), expected_version=opened_at
    )
    assert LoanApplication.objects.get(pk=application.pk).version == opened_at + 1
    second = LoanApplication.objects.get(pk=application.pk)
    second.term_months, second.project = 24, "养鸡"
    with pytest.raises(StaleRecordError) as refused:
        application_save(
            user=w.dir_a,
            application=second,
            guarantors=list(second.guarantors.all()),
            expected_version=opened_at,
        )
    assert ("贷款期限（月）", "18") in refused.value.changes
    saved = LoanApplication.objects.get(pk=application.pk)
    assert (saved.term_months, saved.project) == (18, application.project)


def test_a_step_raises_the_version(loan_world):
    w = loan_world
    application = draft(w, w.applicant_a)
    before = application.version
    application_transition(user=w.dir_a, application=application, action=Action.SUBMIT)
    assert LoanApplication.objects.get(pk=application.pk).version == before + 1
