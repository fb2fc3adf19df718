"""The loan world: the named ``world`` of tests/conftest.py with an applicant in each village."""

from __future__ import annotations

import pytest

from tests.helpers.loans import build_loan_world


@pytest.fixture
def media_root(settings, tmp_path):
    """Keep the papers a test uploads in the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def loan_world(world, media_root):
    """Return ``world`` with the applicants and users of tests/helpers/loans.py."""
    return build_loan_world(world)
