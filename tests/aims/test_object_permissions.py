"""Object permissions live in guardian's direct tables and are read by integer keys."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.models import UserObjectPermission

from aims.checks import owned_records_have_direct_permission_tables
from aims.permission_tables import move_to_direct_tables
from aims.permissions import can, has_direct_permission_models, visible_to
from controls.models import Evidence, SoAEntry
from registry.models import AISystem, AISystemUserObjectPermission
from risk.models import Risk, RiskUserObjectPermission, TreatmentAction
from tests.factories import make_risk


def _sql(callable_) -> str:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return "\n".join(q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("model", [AISystem, Risk, SoAEntry, Evidence])
def test_every_owned_record_has_direct_permission_tables(model):
    assert has_direct_permission_models(model)


def test_the_system_check_finds_nothing_missing():
    assert owned_records_have_direct_permission_tables() == []


def test_owners_permissions_are_rows_of_the_direct_table(alice, alice_system):
    assert (
        AISystemUserObjectPermission.objects.filter(
            user=alice, content_object=alice_system
        ).count()
        == 2
    )  # view and change
    assert not UserObjectPermission.objects.filter(
        content_type=ContentType.objects.get_for_model(AISystem)
    ).exists()


def test_lists_filter_on_integer_keys_also_for_inherited_visibility(
    alice, alice_system, risk_owner
):
    """An AI system owner sees the risks and treatment actions of their systems through
    an integer subquery on the direct tables, never guardian's ``object_pk`` text."""
    risk = make_risk(risk_owner, alice_system)
    for model, expected in ((Risk, risk), (TreatmentAction, None), (AISystem, None)):
        queryset = visible_to(model.objects.all(), alice)
        sql = _sql(lambda queryset=queryset: list(queryset))
        assert "object_pk" not in sql and "::varchar" not in sql.lower(), sql
        assert "CAST(" not in sql.upper(), sql
        if expected is not None:
            assert list(queryset) == [expected]
    assert "registry_aisystemuserobjectpermission" in sql


def test_can_checks_an_object_by_its_integer_key(alice, alice_system, bob_system):
    sql = _sql(lambda: can(alice, "change", alice_system))
    assert "content_object_id" in sql and "object_pk" not in sql
    assert can(alice, "change", alice_system)
    assert not can(alice, "view", bob_system)


def test_the_migration_moves_generic_rows_to_the_direct_table_and_back(
    alice, alice_system, bob_system
):
    """Rows guardian kept in its generic table before the direct tables existed move over
    (rows of deleted records are dropped), and back when the migration is reversed."""
    AISystemUserObjectPermission.objects.all().delete()
    content_type = ContentType.objects.get_for_model(AISystem)
    view = Permission.objects.get(content_type=content_type, codename="view_aisystem")
    # As guardian stored them (bulk: its save() refuses the row of a deleted record).
    UserObjectPermission.objects.bulk_create(
        UserObjectPermission(
            user=alice, permission=view, content_type=content_type, object_pk=object_pk
        )
        for object_pk in (str(alice_system.pk), str(bob_system.pk), "999999")
    )
    operation = move_to_direct_tables("registry", "aisystem")

    operation.code(apps, None)
    assert set(
        AISystemUserObjectPermission.objects.filter(user=alice).values_list(
            "content_object_id", flat=True
        )
    ) == {alice_system.pk, bob_system.pk}
    assert not UserObjectPermission.objects.filter(content_type=content_type).exists()
    assert can(alice, "view", bob_system)

    operation.reverse_code(apps, None)
    assert not AISystemUserObjectPermission.objects.exists()
    assert set(
        UserObjectPermission.objects.filter(content_type=content_type).values_list(
            "object_pk", flat=True
        )
    ) == {str(alice_system.pk), str(bob_system.pk)}


def test_revoking_an_owner_removes_the_direct_rows(alice, bob, alice_system):
    from registry.services import ai_system_save

    alice_system.owner = bob
    ai_system_save(system=alice_system, actor=bob)
    assert not RiskUserObjectPermission.objects.filter(user=alice).exists()
    assert not AISystemUserObjectPermission.objects.filter(user=alice).exists()
    assert visible_to(AISystem.objects.all(), alice).count() == 0
    assert list(visible_to(AISystem.objects.all(), bob)) == [alice_system]


def test_records_granted_only_through_their_parent_filter_on_the_parent_key(
    alice, alice_system, bob_system, risk_owner
):
    """Treatment actions have no permission tables: the list filters ``risk_id IN``
    the visible risks, not ``id IN`` a subquery of the same table, which made the planner
    check every action in list order (an owner's list at 250,000 actions took ~1 s)."""
    import datetime

    from risk.services import treatment_action_save

    def action(system):
        return treatment_action_save(
            action=TreatmentAction(
                risk=make_risk(risk_owner, system),
                description="Retrain",
                owner=risk_owner,
                due_date=datetime.date(2030, 1, 1),
            ),
            actor=risk_owner,
        )

    mine, _other = action(alice_system), action(bob_system)
    queryset = visible_to(TreatmentAction.objects.all(), alice)
    sql = _sql(lambda: list(queryset))
    assert '"risk_treatmentaction"."risk_id" IN' in sql, sql
    assert '"risk_treatmentaction"."id" IN' not in sql, sql
    assert list(queryset) == [mine]
