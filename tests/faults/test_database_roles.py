"""The application's database role cannot rewrite the change log; only the owner could.

A private PostgreSQL cluster (created here, never the shared one) with the two roles of
the compose setup: ``aims_owner`` runs migrate and owns the tables, ``aims_app`` is what
web and workers connect as after ``manage.py grant_app_role aims_app``. The portal works
as ``aims_app`` (demo data written, change log appended, chain verified) while every way
of removing or rewriting entries is refused to it, triggers included.
"""

import subprocess

import pytest

from .conftest import manage, portal_env


@pytest.fixture(scope="module")
def migrated(private_postgres, tmp_path_factory):
    pg = private_postgres
    pg.psql("CREATE ROLE aims_owner LOGIN")
    pg.psql("CREATE ROLE aims_app LOGIN")
    pg.psql("CREATE DATABASE aims OWNER aims_owner")
    data_dir = tmp_path_factory.mktemp("data")
    owner = portal_env(pg.url("aims", "aims_owner"), data_dir)
    manage(owner, "migrate", "--noinput")
    manage(owner, "load_reference")
    manage(owner, "grant_app_role", "aims_app")
    app = portal_env(pg.url("aims", "aims_app"), data_dir)
    return pg, owner, app


def _as_app(pg, sql):
    try:
        pg.psql(sql, database="aims", user="aims_app")
    except subprocess.CalledProcessError as refused:
        return refused.stderr
    return ""


def test_the_portal_runs_as_the_app_role_and_appends_to_the_change_log(migrated):
    pg, owner, app = migrated
    before = int(pg.psql("SELECT count(*) FROM aims_objectchange", "aims"))
    manage(app, "load_demo")
    after = int(pg.psql("SELECT count(*) FROM aims_objectchange", "aims"))
    assert after > before
    result = manage(app, "verify_change_log", "--checkpoint")
    assert "Change log intact" in result.stdout
    assert "Recorded the checkpoint" in result.stdout


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("UPDATE aims_objectchange SET message = 'x'", "permission denied"),
        ("DELETE FROM aims_objectchange", "permission denied"),
        ("TRUNCATE aims_objectchange", "permission denied"),
        ("UPDATE aims_changelogcheckpoint SET head_hash = 'x'", "permission denied"),
        ("DELETE FROM aims_changelogcheckpoint", "permission denied"),
        (
            "ALTER TABLE aims_objectchange DISABLE TRIGGER aims_objectchange_append_only",
            "must be owner",
        ),
        (
            "DROP TRIGGER aims_objectchange_no_truncate ON aims_objectchange",
            "must be owner",
        ),
        ("SET session_replication_role = replica", "permission denied"),
    ],
)
def test_the_app_role_cannot_remove_or_rewrite_entries(migrated, sql, refusal):
    pg, _, _ = migrated
    assert refusal in _as_app(pg, sql)


def test_even_the_owner_cannot_truncate_while_the_trigger_is_on(migrated):
    pg, _, _ = migrated
    with pytest.raises(subprocess.CalledProcessError) as refused:
        pg.psql(
            "TRUNCATE aims_objectchange CASCADE", database="aims", user="aims_owner"
        )
    assert "append-only: TRUNCATE refused" in refused.value.stderr


def test_a_postgresql_restart_is_a_503_with_retry_after_then_service_resumes(
    migrated, tmp_path
):
    """The web process (as the app role) while its database stops and starts again."""
    import json
    import sys
    import time
    import urllib.error
    import urllib.request

    from .conftest import ROOT
    from .servers import free_port, wait_until

    pg, _, app = migrated
    manage(app, "load_demo")
    port = free_port()
    log = open(tmp_path / "web.log", "wb")  # noqa: SIM115 - closed below
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=app,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def call(path, token=None, data=None):
        request = urllib.request.Request(base + path, data=data)
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    try:
        assert wait_until(lambda: call("/healthz")[0] == 200, 60)
        status, _, body = call(
            "/api/v1/auth/token/", data=b"username=maria&password=aims-demo-2026"
        )
        assert status == 200, body
        token = json.loads(body)["token"]
        assert call("/api/v1/ai-systems/", token)[0] == 200

        pg.stop("fast")
        status, headers, body = call("/api/v1/ai-systems/", token)
        assert status == 503, body[:500]
        assert headers["Retry-After"] and json.loads(body)["unavailable"] == "database"
        status, headers, body = call("/accounts/login/?next=/")
        assert status in (200, 503)  # the login page needs no database
        status, _, body = call("/healthz")
        assert status == 503 and json.loads(body)["down"] == ["database"]

        started = time.monotonic()
        pg.start()
        assert wait_until(lambda: call("/api/v1/ai-systems/", token)[0] == 200, 60)
        print(
            f"\nAPI answering 200 again {time.monotonic() - started:.1f} s after start"
        )
    finally:
        web.terminate()
        web.wait(20)
        log.close()
