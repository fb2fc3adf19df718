"""The API against its own schema (schemathesis): for each role's token, every operation answers
without a server error, with a status, a content type and a body its schema declares.

Kept cheap (the suite's time is nearly all used): a few examples an operation, a record of the
role's own scope in the path where the operation takes one (else a number the schema allows).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from federation.api.resources import all_resources
from federation.api.throttles import TokenThrottle, UserThrottle

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
ROLES = ("dir_a", "staff", "chair", "county_viewer", "admin")


def examples(role: str, method: str) -> int:
    """Return how many examples an operation gets: two for the director's writes (she writes the
    most: one body the form takes, one it refuses, as it happens), one for anything else."""
    return 2 if role == "dir_a" and method.upper() in ("POST", "PATCH") else 1


def _own_record(path: str, user) -> int | None:
    """Return the key of a record of the resource at ``path`` that ``user`` sees, or None."""
    for resource in all_resources():
        if path.startswith(f"/api/v1/{resource.path}/"):
            return resource.rows(user).values_list("pk", flat=True).first()
    return None


@pytest.fixture
def in_the_tests_transaction():
    """Keep the test's connection open across the WSGI requests, as Django's test client does (the
    end of a request closes a connection in a transaction it did not open, the test's)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def unthrottled(monkeypatch):
    for throttle in (TokenThrottle, UserThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"token": "100000/min", "user": "100000/min"})


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_to_its_schema(api_world, api_as, role, unthrottled, in_the_tests_transaction):
    user = getattr(api_world, role)
    token = api_as(user)._credentials["HTTP_AUTHORIZATION"]
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 60, "every resource's operations are in the schema"
    failures = []
    for operation in operations:
        path_parameters = {}
        if "{id}" in operation.path and (pk := _own_record(operation.path, user)) is not None:
            path_parameters["id"] = pk

        @given(case=operation.as_strategy(path_parameters=path_parameters or None))
        @settings(
            max_examples=examples(role, operation.method),
            phases=[Phase.generate],
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate(headers={"Authorization": token}, checks=CHECKS)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 — every operation's failure is reported together
            failures.append(f"{operation.label}: {str(exc)[:800]}")
    assert not failures, "\n\n".join(failures)
