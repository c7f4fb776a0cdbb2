"""Per-user limits on expensive work (exports, schema, heat maps, pack requests): a
429 with Retry-After past the limit, for that person only; the schema is generated
once."""

import pytest
from django.urls import reverse


@pytest.fixture
def rates(settings, monkeypatch):
    # One fixed moment, so a window boundary never falls between two requests.
    import aims.throttles

    monkeypatch.setattr(aims.throttles, "_clock", lambda: 1_800_000_030.0)
    # The counters in a cache of this test's own: the shared Redis holds what other
    # tests and the other test process left under load, which made these flaky in CI.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    settings.AIMS_RATES = {
        "export": "2/minute",
        # Per hour: the first request generates the whole schema, which on a loaded
        # machine can outlast a one-minute counter's expiry (the count then restarts).
        "schema": "2/hour",
        "heatmap": "4/minute",
        "pack": "2/hour",
    }


def test_exports_are_limited_per_person_on_pages_and_api(rates, manager, auditor, client_for, api_for):
    page = client_for(manager)
    url = reverse("registry:aisystem_list")
    assert [page.get(url, {"export": "csv"}).status_code for _ in range(3)] == [200, 200, 429]
    refused = page.get(url, {"export": "csv"})
    assert int(refused["Retry-After"]) > 0 and "Too many exports" in refused.content.decode()
    api = api_for(manager).get("/api/v1/soa-versions/1/export/", {"export_format": "csv"})
    assert api.status_code == 429 and api.json()["code"] == "throttled"
    # Someone else is not held up.
    assert client_for(auditor).get(url, {"export": "csv"}).status_code == 200


def test_the_schema_is_limited_and_generated_once(rates, viewer, api_for, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from aims.api.schema_view import CachedSchemaView

    CachedSchemaView._generated.clear()
    calls = []
    original = SchemaGenerator.get_schema
    monkeypatch.setattr(
        SchemaGenerator,
        "get_schema",
        lambda self, *a, **k: calls.append(1) or original(self, *a, **k),
    )
    api = api_for(viewer)
    statuses = [api.get("/api/schema/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert len(calls) == 1


def test_heat_maps_are_limited(rates, risk_owner, api_for):
    api = api_for(risk_owner)
    statuses = [api.get("/api/v1/risks/heatmap/").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


def test_pack_requests_are_limited_per_hour(
    rates, auditor, alice_system, api_for, django_capture_on_commit_callbacks
):
    api = api_for(auditor)
    statuses = [
        api.post(
            "/api/v1/evidence-packs/", {"kind": "ai_system", "target": alice_system.pk},
            format="json",
        ).status_code
        for _ in range(3)
    ]
    assert statuses[2] == 429
    assert all(status in (202, 409) for status in statuses[:2])
