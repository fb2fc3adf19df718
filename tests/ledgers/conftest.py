"""Fixtures of the ledger framework's tests (the ledger world itself is in tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def sync_tasks(monkeypatch):
    """Run django-q2 tasks inline, in the test's transaction (Q_CLUSTER sync mode)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)
