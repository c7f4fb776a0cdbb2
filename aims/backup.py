"""Backup and restore of one portal: database, files, change-log anchors.

Order matters. The database is dumped **first** (``pg_dump``, one consistent snapshot),
then the files are copied: every file the dump refers to existed before the dump began
and the portal never deletes an evidence file, so a backup taken under upload load has
no reference without its file (files uploaded after the dump are extra, and harmless).
Copying the files first and dumping after loses the files of uploads in between.

A backup folder holds ``database.dump`` (pg_dump custom format), ``media/`` (a copy of
``MEDIA_ROOT``), ``change-log-checkpoints.jsonl`` (the signed checkpoints the dump
holds), ``signing-public-key.pem`` and ``manifest.json`` (the change log's head and
the SHA-256 of every file above). The private signing key is **not** copied: back it up
apart, as a secret. Local file storage only; with S3 storage, use the bucket's
versioning or replication for the files (the command refuses).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import signing
from .checkpoints import (
    checkpoint_file,
    file_checkpoints,
    record_checkpoint,
    verify_change_log,
)

FORMAT = "aims-backup/1"
DUMP = "database.dump"
MEDIA = "media"
CHECKPOINTS = "change-log-checkpoints.jsonl"
PUBLIC_KEY = "signing-public-key.pem"
MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _pg_tool(name: str) -> str:
    override = os.environ.get("AIMS_PG_BIN")
    if override:
        return str(Path(override) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found: install the PostgreSQL client tools")
    return found


def _pg_args() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("backup and restore need PostgreSQL (DATABASE_URL)")
    args = [
        "-h",
        db.get("HOST") or "127.0.0.1",
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        db.get("USER") or "postgres",
        "-d",
        db["NAME"],
    ]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@dataclass
class BackupResult:
    folder: Path
    head_seq: int
    head_hash: str
    files: int


def backup(folder: Path) -> BackupResult:
    if settings.AIMS_S3_BUCKET:
        raise BackupError(
            "files are in S3: back them up with the bucket's versioning or replication"
        )
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty")
    folder.mkdir(parents=True, exist_ok=True)

    # 1. The head, anchored: a signed checkpoint that the dump will contain.
    report = verify_change_log()
    if not report.ok:
        raise BackupError("the change log does not verify:\n" + report.summary())
    if report.entries:
        record_checkpoint(report.entries, report.head_hash)

    # 2. The database, first. Every checkpoint committed before this moment is in it.
    args, env = _pg_args()
    started = timezone.now()
    subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [_pg_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(folder / DUMP)],
        check=True,
        env=env,
        capture_output=True,
        timeout=3600,
    )

    # 3. Then the files, and the checkpoints recorded up to the dump.
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, folder / MEDIA)
    else:
        (folder / MEDIA).mkdir()
    dumped_at = started.isoformat(timespec="microseconds")
    kept = [c for c in file_checkpoints()[0] if c.time <= dumped_at]
    (folder / CHECKPOINTS).write_text(
        "".join(json.dumps(c.as_dict(), sort_keys=True) + "\n" for c in kept)
    )
    (folder / PUBLIC_KEY).write_text(signing.public_key_pem())

    files = {DUMP: _sha256(folder / DUMP), CHECKPOINTS: _sha256(folder / CHECKPOINTS)}
    files.update({f"{MEDIA}/{name}": h for name, h in _files(folder / MEDIA).items()})
    manifest = {
        "format": FORMAT,
        "created": started.isoformat(),
        "database": connection.settings_dict["NAME"],
        "change_log_head": {"seq": report.entries, "hash": report.head_hash},
        "key_id": signing.key_id(),
        "files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupResult(folder, report.entries, report.head_hash, len(files))


def check_backup(folder: Path) -> dict:
    """The manifest, after every file it lists matched its SHA-256."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder / MANIFEST}: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is not an {FORMAT} backup")
    bad = [
        name
        for name, digest in manifest["files"].items()
        if not (folder / name).is_file() or _sha256(folder / name) != digest
    ]
    if bad:
        raise BackupError(
            "files missing or changed in the backup: " + ", ".join(bad[:10])
        )
    return manifest


def restore(folder: Path) -> dict:
    """Replace the database and the files with the backup's, then verify both.
    Run as the database owner, with web and workers stopped."""
    folder = Path(folder)
    manifest = check_backup(folder)
    args, env = _pg_args()
    connection.close()
    subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [
            _pg_tool("pg_restore"),
            *args,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(folder / DUMP),
        ],
        check=True,
        env=env,
        capture_output=True,
        timeout=3600,
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder / MEDIA, media_root, dirs_exist_ok=True)
    live = checkpoint_file()
    if live.exists():
        # Checkpoints newer than the backup would (rightly) report the entries written
        # after it as deleted: keep the old file for the record, next to the new one.
        aside = live.with_name(
            f"{live.name}.before-restore-{timezone.now():%Y%m%d%H%M%S}"
        )
        live.rename(aside)
    live.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(folder / CHECKPOINTS, live)
    return manifest
