"""Reminder settings come from the environment and bad values stop the start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(tmp_path, **env_overrides):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("AIMS_", "DJANGO_"))
    }
    env.update(env_overrides, AIMS_DATA_DIR=str(tmp_path))
    env["DJANGO_SETTINGS_MODULE"] = "aims.settings.base"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.AIMS_REMINDER_LEAD_DAYS, s.AIMS_ESCALATION_DAYS, "
            "s.AIMS_DIGEST_WEEKDAY, s.AIMS_BASE_URL)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_reminder_settings_are_read_from_the_environment(tmp_path):
    result = _check(
        tmp_path,
        AIMS_REMINDER_LEAD_DAYS="7, 60,14",
        AIMS_ESCALATION_DAYS="21,3",
        AIMS_DIGEST_WEEKDAY="Friday",
        AIMS_BASE_URL="https://aims.example.org/",
    )
    assert result.stdout.strip() == "(60, 14, 7) (3, 21) 4 https://aims.example.org"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("AIMS_REMINDER_LEAD_DAYS", "30,a week"),
        ("AIMS_REMINDER_LEAD_DAYS", "30,-1"),
        ("AIMS_ESCALATION_DAYS", "7,14,21"),
        ("AIMS_ESCALATION_DAYS", "0"),
        ("AIMS_DIGEST_WEEKDAY", "funday"),
    ],
)
def test_a_bad_reminder_setting_stops_the_start_and_names_it(tmp_path, name, value):
    result = _check(tmp_path, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
