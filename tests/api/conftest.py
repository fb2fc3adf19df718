"""The API's world: a record of every resource in each village, and a client per user's token."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from federation.api.tokens import token_create
from tests.helpers.ledgers import make_ledger_world
from tests.helpers.loans import build_loan_world, draft
from tests.helpers.outreach import build_outreach_world


@pytest.fixture
def api_world(world):
    """Return ``world`` with a row of every register, every outreach record and a loan draft in
    villages A and B (tests/helpers/ledgers.py, outreach.py, loans.py)."""
    w = build_outreach_world(make_ledger_world(world))
    w = build_loan_world(w)
    w.loan_a = draft(w, w.applicant_a)
    w.loan_b = draft(w, w.applicant_b)
    return w


@pytest.fixture
def api_as():
    """Return a function that gives an API client calling with a new personal token of ``user``."""

    def _as(user) -> APIClient:
        client = APIClient()
        _token, text = token_create(user=user, name="测试")
        client.credentials(HTTP_AUTHORIZATION=f"Token {text}")
        return client

    return _as


@pytest.fixture(autouse=True)
def fresh_throttles(db):
    """Start every test with no request counted by the throttles (kept in the database's cache table,
    which neither a test's rollback nor a transactional test's flush empties)."""
    from django.core.cache import caches

    from federation.api.throttles import THROTTLE_CACHE

    caches[THROTTLE_CACHE].clear()
