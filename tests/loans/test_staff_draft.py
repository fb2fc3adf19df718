"""The township staff prepare a loan draft for a village of their township; the village signs first."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from loans.models import LoanApplication
from loans.services import application_save, application_transition
from loans.states import Action, Status
from tests.helpers.loans import advance, guarantor

pytestmark = pytest.mark.django_db


def form_data(applicant, village) -> dict:
    data = {
        "village": village.pk,
        "applicant": applicant.pk,
        "applied_on": timezone.localdate().isoformat(),
        "amount": "30000",
        "term_months": 24,
        "own_funds": "5000",
        "project": "土鸡养殖",
        "purpose": "鸡苗 800 只和饲料",
        "guarantors-TOTAL_FORMS": 1,
        "guarantors-INITIAL_FORMS": 0,
        "guarantors-MIN_NUM_FORMS": 0,
        "guarantors-MAX_NUM_FORMS": 4,
    }
    g = guarantor()
    data.update(
        {
            "guarantors-0-name": g.name,
            "guarantors-0-id_number": g.id_number,
            "guarantors-0-phone": g.phone,
            "guarantors-0-kind": g.kind,
            "guarantors-0-work_unit": g.work_unit,
        }
    )
    return data


def test_the_staff_choose_one_of_their_villages(loan_world, login):
    w = loan_world
    page = login(w.staff).get(reverse("loans:application_create")).content.decode()
    assert 'name="village"' in page
    assert w.village_a.name in page and w.village_b.name in page
    assert w.village_c.name not in page  # another township's village is no choice


def test_the_staff_draft_goes_to_the_village_which_signs_first(loan_world, login):
    w = loan_world
    response = login(w.staff).post(reverse("loans:application_create"), form_data(w.applicant_a, w.village_a))
    application = LoanApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert application.status == Status.DRAFT and application.village == w.village_a
    assert application.history.get().history_user == w.staff
    # The staff cannot submit it or sign for the village: its director does, and the village signs first.
    with pytest.raises(PermissionDenied):
        application_transition(application=application, user=w.staff, action=Action.SUBMIT)
    application = application_transition(application=application, user=w.dir_a, action=Action.SUBMIT)
    with pytest.raises(PermissionDenied):
        application_transition(application=application, user=w.staff, action=Action.SIGN_VILLAGE)
    assert w.applicant_a.name in login(w.dir_a).get(reverse("loans:application_list")).content.decode()
    application = advance(w, application, Status.VILLAGE_SIGNED)
    assert [t.action for t in application.transitions.order_by("pk")] == [Action.SUBMIT, Action.SIGN_VILLAGE]
    assert application.transitions.get(action=Action.SIGN_VILLAGE).user == w.dir_a


def test_the_staff_edit_their_draft_with_the_village_chosen(loan_world, login):
    w = loan_world
    login(w.staff).post(reverse("loans:application_create"), form_data(w.applicant_b, w.village_b))
    application = LoanApplication.objects.get()
    page = login(w.staff).get(reverse("loans:application_update", args=[application.pk])).content.decode()
    assert f'<option value="{w.village_b.pk}" selected>' in page


def test_a_woman_of_another_village_than_the_one_chosen_is_refused_on_her_field(loan_world, login):
    w = loan_world
    response = login(w.staff).post(reverse("loans:application_create"), form_data(w.applicant_b, w.village_a))
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["applicant"] == [
        f"{w.applicant_b.name} 是{w.village_b.name}的妇女，不是{w.village_a.name}的。"
    ]
    assert form["project"].value() == "土鸡养殖"  # nothing typed is lost
    assert not LoanApplication.all_objects.exists()


def test_staff_of_another_township_are_refused(loan_world, login):
    w = loan_world
    client = login(w.other_staff)
    response = client.post(reverse("loans:application_create"), form_data(w.applicant_a, w.village_a))
    assert response.status_code == 200
    assert "不在可选的范围内" in response.context["form"].errors["applicant"][0]
    assert not LoanApplication.all_objects.exists()
    # Nor does the service, called with a forged application, save it: the write-side scope check.
    application = LoanApplication(
        applicant=w.applicant_a,
        amount=30000,
        project="土鸡养殖",
        purpose="鸡苗",
        own_funds=0,
        term_months=12,
        applied_on=timezone.localdate(),
    )
    with pytest.raises(PermissionDenied):
        application_save(user=w.other_staff, application=application, guarantors=[guarantor()])
    assert not LoanApplication.all_objects.exists()


def test_another_township_does_not_see_the_staff_draft(loan_world, login):
    w = loan_world
    login(w.staff).post(reverse("loans:application_create"), form_data(w.applicant_a, w.village_a))
    application = LoanApplication.objects.get()
    client = login(w.other_staff)
    assert client.get(reverse("loans:application_update", args=[application.pk])).status_code == 404
    assert client.get(application.get_absolute_url()).status_code == 404
