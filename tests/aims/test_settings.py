"""Production settings refuse unsafe configurations; the health check reports readiness."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-for-the-deploy-check-0123456789abcdef",
    "DATABASE_URL": "postgres://aims:secret@db.internal:5432/aims",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "aims.example.org",
    "DJANGO_SETTINGS_MODULE": "aims.settings.base",
}


def _manage(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(env_overrides)
    env["AIMS_DATA_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=PRODUCTION_ENV,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_required_settings(tmp_path, missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env_overrides=env, tmp_path=tmp_path)
    assert result.returncode != 0
    assert missing in result.stderr


def test_debug_mode_generates_a_development_key_once(tmp_path):
    env = {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "aims.settings.base"}
    _manage("check", env_overrides=env, tmp_path=tmp_path)
    key = (tmp_path / "dev-secret-key").read_text()
    _manage("check", env_overrides=env, tmp_path=tmp_path)
    assert (tmp_path / "dev-secret-key").read_text() == key and len(key) >= 50


def test_healthz_answers_without_a_login(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["checks"]["database"] == "ok"
    if os.environ.get("REDIS_URL"):
        assert body["checks"]["broker"] == "ok"


def test_healthz_reports_an_unreachable_broker(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_responses_carry_a_request_id_and_security_headers(alice, client_for):
    response = client_for(alice).get(
        reverse("home"), HTTP_X_REQUEST_ID="trace-0123456789"
    )
    assert response["X-Request-ID"] == "trace-0123456789"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    forged = client_for(alice).get(reverse("home"), HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>"


def test_csrf_is_enforced_on_forms(alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("registry:aisystem_add"), {"name": "x"})
    assert response.status_code == 403


def test_the_api_docs_send_anonymous_people_to_the_login_page(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )
    assert client.get("/api/v1/ai-systems/").status_code == 401
