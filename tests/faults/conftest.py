"""Fixtures for the real-process fault tests: private PostgreSQL clusters and Redis
servers (``servers.py``) and the portal's own commands run as subprocesses against them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .servers import PrivatePostgres, postgres_available

ROOT = Path(__file__).resolve().parents[2]


def portal_env(database_url: str, data_dir: Path, **extra) -> dict:
    """The environment of a portal process pointed at a private server: nothing of the
    test run's own database, Redis or files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        and not key.startswith("PYTEST")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aims.settings.base",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        AIMS_DATA_DIR=str(data_dir),
        DB_CONN_MAX_AGE="0",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env: dict, *args: str, check: bool = True, timeout: float = 600):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result


@pytest.fixture(scope="module")
def private_postgres():
    if not postgres_available():
        pytest.skip("needs PostgreSQL's initdb and pg_ctl (CI installs them)")
    cluster = PrivatePostgres().init()
    cluster.start()
    yield cluster
    cluster.remove()
