"""Schemathesis over the whole OpenAPI schema: no operation answers a server error, or
anything but what its schema documents, to generated input, valid or not, from an AIMS
manager (who may read and write nearly everything, so requests reach the validation and
the services, not only the 403s), a viewer (who reads, and is refused nearly every
write: a refusal is a 403, never a 500) or an administrator (a superuser: every
permission, including the approvals and sign-offs the Administrator role leaves to
others).

Every response goes through all of schemathesis's checks (``--checks all``: no server
error; status code, content type, headers and body as documented; invalid input
refused; authentication not ignored; ...) but one, ``positive_data_acceptance``: it
expects every schema-valid request to succeed, and the schema cannot say that a
generated id names no record or that two fields break a rule together (a 400 is
right). A 403 refusing the viewer is documented, so it passes.

Bounded to stay well inside CI's time (about 40 s of CPU for the manager, a third of
that for each of the others): one or two cases per read, create and partial-update
operation for the manager, one for the others, generated with a fixed seed per persona
(``derandomize`` for the manager; ``seed()`` for the others, so they do not replay the
manager's requests): the same requests every run, so a failure reproduces. Each case
runs in a savepoint that is rolled back, so it cannot change what the next one sees.
The token endpoints are left out (the run must not revoke its own token), and so are
the requests that build a PDF in-process (tests run Celery tasks eagerly): their input
checks are still fuzzed through the same serializers' other operations and by
``tests/audit``.
"""

import time

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.failures import FailureGroup

from tests.factories import make_user

pytestmark = pytest.mark.fuzz

# Generated cases per operation, by method: creates get the most (their bodies reach
# the serializers and services). PUT shares PATCH's serializer; DELETE and the
# per-record history pages (one generic view) only ever see generated ids, i.e. 404s.
EXAMPLES = {"GET": 1, "POST": 2, "PATCH": 1}
# Cases per operation and seed, by persona. The viewer and the administrator get one
# case each, from a seed of their own (the viewer's writes end in cheap 403s); the
# manager keeps its derandomized cases (seed ``None``), unchanged since the run began.
PERSONAS = {
    "manager": (EXAMPLES, None),
    "viewer": ({"GET": 1, "POST": 1, "PATCH": 1}, 42001),
    "administrator": ({"GET": 1, "POST": 1, "PATCH": 1}, 27001),
}
# All checks but this one (see above).
EXCLUDED_CHECKS = [positive_data_acceptance]
EXCLUDED_PATHS = ("/api/v1/auth/token/", "/api/v1/me/token/")
# POSTs that build a pack or bundle (WeasyPrint, seconds each) when tasks run eagerly.
EXCLUDED_BUILDS = ("/api/v1/evidence-packs/", "/api/v1/auditor-bundles/")


@pytest.fixture
def _connection_kept_across_requests():
    # Django's test client does the same: a request's start and end must not close
    # the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def administrator(db):
    """The account ``createsuperuser`` makes: every permission, approvals included."""
    return make_user("root", is_superuser=True, is_staff=True)


# The schema is the same whoever asks (``CachedSchemaView``): read and parse it once
# per process, not once per persona (about 5 s each). Every case is called with its
# persona's own token.
_operations: list = []


def _tested_operations(auth) -> list:
    if not _operations:
        schema = schemathesis.openapi.from_wsgi(
            "/api/schema/", WSGIHandler(), headers=auth
        )
        operations = [result.ok() for result in schema.get_all_operations()]
        _operations.extend(op for op in operations if not _excluded(op))
    return _operations


def _excluded(operation) -> bool:
    path = operation.path if operation.path.startswith("/api") else operation.full_path
    if path.startswith(EXCLUDED_PATHS) or path.endswith("/{id}/history/"):
        return True
    if operation.method.upper() not in EXAMPLES:
        return True
    return operation.method.upper() == "POST" and path.rstrip("/") + "/" in EXCLUDED_BUILDS


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_operation_answers_a_server_error_to_generated_input(
    persona, request, alice_system, _connection_kept_across_requests
):
    examples, persona_seed = PERSONAS[persona]
    token = Token.objects.create(user=request.getfixturevalue(persona))
    auth = {"Authorization": f"Token {token.key}"}
    tested = _tested_operations(auth)
    assert len(tested) > 200, "the whole schema, not a corner of it"

    failures: list[str] = []
    started = time.monotonic()
    for operation in tested:

        @settings(
            max_examples=examples.get(operation.method.upper(), 1),
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            # Checks that send the request again (without the token, for one) are
            # rolled back with it.
            with transaction.atomic():
                response = case.call(headers=auth)
                try:
                    case.validate_response(
                        response, headers=auth, excluded_checks=EXCLUDED_CHECKS
                    )
                except FailureGroup as group:
                    failures.extend(
                        f"{failure.title}: {response.status_code} {case.method} "
                        f"{case.formatted_path} query={case.query} "
                        f"body={str(case.body)[:200]}"
                        for failure in group.exceptions
                    )
                transaction.set_rollback(True)

        if persona_seed is not None:
            check = seed(persona_seed)(check)
        check()
    elapsed = time.monotonic() - started
    print(f"schemathesis as {persona}: {len(tested)} operations in {elapsed:.0f} s")
    assert not failures, "\n".join(failures)
