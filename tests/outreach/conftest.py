"""The outreach world: the named ``world`` of tests/conftest.py with one record of every outreach model."""

from __future__ import annotations

import pytest

from tests.helpers.outreach import build_outreach_world


@pytest.fixture
def outreach_world(world):
    """Return ``world`` with the records of tests/helpers/outreach.py (``world.o``)."""
    return build_outreach_world(world)
