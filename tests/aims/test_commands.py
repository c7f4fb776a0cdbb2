"""Reference data, roles and demo data load idempotently."""

from django.contrib.auth.models import Group
from django.core.management import call_command

from aims import roles
from aims.models import ObjectChange
from aims.reference import reference_data
from registry.models import AIRole, AISystem


def test_ai_roles_come_from_the_reference_file():
    expected = [
        item["role"]
        for item in reference_data()["iso22989_ai_roles"][
            "iso42001_clause_4_1_note_roles"
        ]
    ]
    assert list(AIRole.objects.values_list("name", flat=True)) == expected


def test_eu_risk_tiers_match_the_reference_file():
    from registry.choices import EURiskTier

    tiers = {tier["tier"] for tier in reference_data()["eu_ai_act"]["risk_tiers"]}
    assert set(EURiskTier.values) - {"unclassified"} == tiers


def test_loading_reference_and_demo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("load_reference")
    call_command("load_demo")
    systems, entries = AISystem.objects.count(), ObjectChange.objects.count()
    assert systems == 5
    from aims.models import Notification

    # The demo's reminder run fills the dashboard's due items.
    notifications = Notification.objects.count()
    assert notifications > 0

    call_command("load_reference")
    call_command("load_demo")

    assert AISystem.objects.count() == systems
    assert ObjectChange.objects.count() == entries
    assert Notification.objects.count() == notifications
    call_command("verify_change_log")


def test_demo_data_refuses_to_load_in_production(settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_every_role_exists_and_sync_is_idempotent():
    before = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.all()
    }
    roles.sync_roles()
    after = {
        g.name: set(g.permissions.values_list("codename", flat=True))
        for g in Group.objects.all()
    }
    assert before == after
    assert set(roles.ROLE_PERMISSIONS) <= set(after)
    assert after[roles.AUDITOR] >= {"view_aisystem", "view_objectchange"}
    # Auditors change no record; requesting evidence packs and bundles is all they add.
    assert "add_evidencepack" in after[roles.AUDITOR]
    assert not any(
        name.startswith(("add_", "change_", "delete_"))
        for name in after[roles.AUDITOR] - {"add_evidencepack", "add_auditorbundle"}
    )
    assert not any(
        name.startswith(("add_", "change_", "delete_")) for name in after[roles.VIEWER]
    )
    for permissions in after.values():
        assert not permissions & {
            "change_evidencepack",
            "delete_evidencepack",
            "add_objectchange",
            "change_objectchange",
            "delete_objectchange",
        }
