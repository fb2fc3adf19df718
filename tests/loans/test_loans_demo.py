"""The demo loans: every state, real signatures that verify, the same for the same seed, only once."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import transaction
from django.utils import timezone

from loans.demo import PLAN, seed_loans
from loans.models import LoanApplication, Transition
from loans.selectors import all_signature_mismatches
from loans.states import SIGNATURES, Status
from registry.models import Employment
from tests.helpers.factories import PersonFactory


@pytest.fixture
def township(world):
    today = timezone.localdate()
    for n in range(len(PLAN) + 4):
        PersonFactory(
            village=world.village_a if n % 2 else world.village_b,
            name=f"示范妇女{n:02d}",
            birth_date=today.replace(year=today.year - 22 - n) - dt.timedelta(days=30),
            employment=Employment.UNEMPLOYED,
        )
    return world.township


def summary() -> list[tuple]:
    return [
        (
            a.applicant.name,
            a.amount,
            a.status,
            a.project,
            tuple(a.guarantors.values_list("name", "id_number")),
        )
        for a in LoanApplication.all_objects.order_by("pk")
    ]


def test_the_demo_has_applications_in_every_state_signed_through_the_service(world, township):
    assert seed_loans(rng=random.Random(2014), township=township) == len(PLAN)
    statuses = set(LoanApplication.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    refusals = set(Transition.objects.filter(to_status=Status.REFUSED).values_list("action", flat=True))
    assert refusals == {"refuse_village", "refuse_township", "cooperative_refuse"}
    signers = set(Transition.objects.filter(action__in=SIGNATURES).values_list("user__username", flat=True))
    assert signers == {"dir_a", "dir_b", "chair", "staff"}
    assert all_signature_mismatches() == []
    for application in LoanApplication.objects.exclude(status=Status.DRAFT):
        assert application.applicant_id_number and application.rule_min_amount is not None


def test_the_demo_is_the_same_for_the_same_seed_and_runs_once(world, township):
    with transaction.atomic():
        seed_loans(rng=random.Random(7), township=township)
        first = summary()
        transaction.set_rollback(True)
    assert not LoanApplication.all_objects.exists()
    seed_loans(rng=random.Random(7), township=township)
    assert summary() == first
    assert seed_loans(rng=random.Random(8), township=township) == 0
    assert summary() == first


def test_without_its_users_or_women_the_demo_adds_nothing(world):
    assert seed_loans(rng=random.Random(1), township=world.other_township) == 0
    assert seed_loans(rng=random.Random(1), township=world.township) == 0  # too few eligible women
    assert not LoanApplication.all_objects.exists()
