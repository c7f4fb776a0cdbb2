"""Schemathesis over the whole OpenAPI schema: no operation answers a server error to
generated input, valid or not, from an AIMS manager (who may read and write nearly
everything, so requests reach the validation and the services, not only the 403s).

Bounded to stay well inside CI's time (about 40 s of CPU): one or two cases per
read, create and partial-update operation, generated with a
fixed seed (``derandomize``: the same requests every run, so a failure reproduces), each
in a savepoint that is rolled back so one case cannot change what the next one sees.
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
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.fuzz

# Generated cases per operation, by method: creates get the most (their bodies reach
# the serializers and services). PUT shares PATCH's serializer; DELETE and the
# per-record history pages (one generic view) only ever see generated ids, i.e. 404s.
EXAMPLES = {"GET": 1, "POST": 2, "PATCH": 1}
EXCLUDED_PATHS = ("/api/v1/auth/token/", "/api/v1/me/token/")
# POSTs that build a pack or bundle (WeasyPrint, seconds each) when tasks run eagerly.
EXCLUDED_BUILDS = ("/api/v1/evidence-packs/", "/api/v1/auditor-bundles/")


@pytest.fixture
def wsgi_app():
    # Django's test client does the same: a request's start and end must not close
    # the test transaction's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _excluded(operation) -> bool:
    path = operation.path if operation.path.startswith("/api") else operation.full_path
    if path.startswith(EXCLUDED_PATHS) or path.endswith("/{id}/history/"):
        return True
    if operation.method.upper() not in EXAMPLES:
        return True
    return operation.method.upper() == "POST" and path.rstrip("/") + "/" in EXCLUDED_BUILDS


def test_no_operation_answers_a_server_error_to_generated_input(
    manager, alice_system, wsgi_app
):
    token = Token.objects.create(user=manager)
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, headers=auth)
    operations = [result.ok() for result in schema.get_all_operations()]
    tested = [op for op in operations if not _excluded(op)]
    assert len(tested) > 200, "the whole schema, not a corner of it"

    server_errors: list[str] = []
    started = time.monotonic()
    for operation in tested:

        @settings(
            max_examples=EXAMPLES.get(operation.method.upper(), 1),
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            with transaction.atomic():
                response = case.call(headers=auth)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                server_errors.append(
                    f"{response.status_code} {case.method} {case.formatted_path} "
                    f"query={case.query} body={str(case.body)[:200]}"
                )

        check()
    elapsed = time.monotonic() - started
    print(f"schemathesis: {len(tested)} operations in {elapsed:.0f} s")
    assert not server_errors, "\n".join(server_errors)
