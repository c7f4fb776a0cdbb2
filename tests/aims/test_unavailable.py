"""A database or Redis that goes away is answered honestly: 503 with Retry-After (plain
page, JSON under /api/), /healthz names what is down, and the token endpoint keeps
working without its cache. The same against a real PostgreSQL restart is in
``tests/faults/test_database_roles.py``."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.test import Client

from tests.faults.servers import free_port


def _database_down():
    return mock.patch(
        "django.db.backends.utils.CursorWrapper.execute",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    )


def test_pages_answer_503_with_retry_after_while_the_database_is_down(
    manager, alice_system, settings
):
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    with _database_down():
        page = client.get(alice_system.get_absolute_url())
    assert page.status_code == 503
    assert page["Retry-After"] == str(settings.AIMS_RETRY_AFTER_SECONDS)
    text = page.content.decode()
    assert "Temporarily unavailable" in text and "database is unavailable" in text
    assert "<script" not in text

    assert client.get(alice_system.get_absolute_url()).status_code == 200


def test_the_api_answers_503_json_while_the_database_is_down(manager, api_for):
    api = api_for(manager)
    with _database_down():
        response = api.get("/api/v1/ai-systems/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["unavailable"] == "database"


def test_an_error_raised_inside_a_view_is_a_503_and_other_errors_are_not(rf):
    from django.db import IntegrityError

    from aims.unavailable import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    lost = OperationalError("terminating connection due to administrator command")
    with mock.patch("aims.unavailable.logger") as log:
        page = middleware.process_exception(rf.get("/risks/"), lost)
        api = middleware.process_exception(rf.get("/api/v1/risks/"), lost)
    assert page.status_code == api.status_code == 503
    assert api["Content-Type"] == "application/json"
    assert log.error.call_count == 2
    # A failing query is a bug to see, not an outage to hide.
    assert middleware.process_exception(rf.get("/"), IntegrityError("dup")) is None


def test_healthz_names_the_dependency_that_is_down(db):
    client = Client(raise_request_exception=False)
    ok = client.get("/healthz")
    assert ok.status_code == 200 and ok.json()["down"] == []
    with _database_down():
        down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json()["down"] == ["database"]
    assert down.json()["status"] == "error"


@pytest.fixture
def redis_down(settings):
    """The cache points at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "aims.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }
    # Django's setting_changed receiver gives the cache handler the new CACHES.
    yield


def test_the_token_endpoint_works_while_redis_is_down(redis_down, manager):
    from tests.factories import TEST_PASSWORD

    client = Client(raise_request_exception=False)
    response = client.post(
        "/api/v1/auth/token/",
        {"username": manager.username, "password": TEST_PASSWORD},
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"]
    wrong = client.post(
        "/api/v1/auth/token/", {"username": manager.username, "password": "nope"}
    )
    assert wrong.status_code == 400


def test_the_cache_degrades_to_misses_and_skipped_writes(redis_down):
    cache = caches["default"]
    assert cache.get("anything", "default") == "default"
    assert cache.set("anything", 1) is None
    assert cache.add("anything", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("counter")
