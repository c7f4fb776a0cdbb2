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
