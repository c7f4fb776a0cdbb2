"""Backup and restore round trip against a private PostgreSQL cluster made by the test.

The demo portal is backed up (database first, then files), the database is dropped and
the media folder emptied, and the backup restored: the change log verifies against its
checkpoints up to the same head, every evidence file matches its SHA-256, and the
records are all there. A backup with a changed file is refused before anything is
touched.
"""

import json

import pytest

from .conftest import manage, portal_env


@pytest.fixture(scope="module")
def portal(private_postgres, tmp_path_factory):
    pg = private_postgres
    pg.psql("CREATE DATABASE aims")
    data_dir = tmp_path_factory.mktemp("data")
    env = portal_env(pg.url("aims"), data_dir)
    manage(env, "migrate", "--noinput")
    manage(env, "load_reference")
    manage(env, "load_demo")
    return pg, env, data_dir


def _counts(pg):
    return {
        table: int(pg.psql(f"SELECT count(*) FROM {table}", "aims"))
        for table in (
            "aims_objectchange",
            "registry_aisystem",
            "controls_evidencefile",
            "aims_changelogcheckpoint",
        )
    }


def test_backup_then_restore_after_losing_database_and_files(portal, tmp_path):
    pg, env, data_dir = portal
    media = data_dir / "media"
    assert any(media.rglob("*.*")), "the demo has evidence files"
    backup_dir = tmp_path / "backup"

    result = manage(env, "backup", str(backup_dir))
    assert "Backup in" in result.stdout
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    before = _counts(pg)
    assert manifest["change_log_head"]["seq"] == before["aims_objectchange"]
    assert before["controls_evidencefile"] > 0

    # Lose everything: the database and the files.
    pg.psql("DROP DATABASE aims WITH (FORCE)")
    pg.psql("CREATE DATABASE aims")
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()

    refused = manage(env, "restore", str(backup_dir), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr

    restored = manage(env, "restore", str(backup_dir), "--yes")
    assert "change log intact up to entry" in restored.stdout
    assert _counts(pg) == before
    assert "Change log intact" in manage(env, "verify_change_log").stdout
    assert "checked against their SHA-256" in manage(env, "verify_evidence").stdout


def test_a_backup_with_a_changed_file_is_refused_before_anything_is_touched(
    portal, tmp_path
):
    pg, env, _ = portal
    backup_dir = tmp_path / "backup"
    manage(env, "backup", str(backup_dir))
    victim = next(p for p in (backup_dir / "media").rglob("*") if p.is_file())
    victim.write_bytes(b"changed")
    before = _counts(pg)
    refused = manage(env, "restore", str(backup_dir), "--yes", check=False)
    assert refused.returncode != 0
    assert "missing or changed in the backup" in refused.stderr
    assert _counts(pg) == before
