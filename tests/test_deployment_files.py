"""The production shape described in docker-compose.yml stays complete and secret-free."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_compose_runs_every_production_part_without_secrets_in_the_file():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert {"db", "redis", "migrate", "web", "worker", "pack-worker", "beat"} <= set(
        compose["services"]
    )
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text
    assert "gunicorn" in (ROOT / "Dockerfile").read_text() + text


def test_env_example_documents_every_variable_the_settings_read():
    import re

    settings_text = "".join(
        p.read_text() for p in (ROOT / "aims" / "settings").glob("*.py")
    )
    read = set(re.findall(r'env(?:bool|int|list|secret)?\("([A-Z_]+)"', settings_text))
    documented = (ROOT / ".env.example").read_text()
    assert read, "no variables found"
    assert sorted(name for name in read if name not in documented) == []


def test_only_migrate_connects_as_the_owner_of_the_tables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("web", "worker", "pack-worker", "beat"):
        assert "//aims_app:" in services[name]["environment"]["DATABASE_URL"], name
    assert "//aims:" in services["migrate"]["environment"]["DATABASE_URL"]
    assert "grant_app_role aims_app" in " ".join(services["migrate"]["command"])
    init = ROOT / "deploy" / "postgres-init" / "10-app-role.sh"
    assert "CREATE ROLE aims_app" in init.read_text()
    assert any(
        volume.endswith(":/docker-entrypoint-initdb.d:ro")
        for volume in services["db"]["volumes"]
    )
