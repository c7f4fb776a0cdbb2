"""Signed change-log checkpoints; on PostgreSQL, TRUNCATE of the change log is refused.

The row-level trigger of 0002 does not fire for TRUNCATE, which emptied the table with
the append-only trigger enabled. A statement-level BEFORE TRUNCATE trigger refuses it.
The checkpoint table gets the same protection as the change log. A role that owns the
tables can still disable triggers: production runs the web and workers as a role that
may only read and insert these tables (README, "Operations").
"""

from django.db import migrations, models

TABLES = ("aims_objectchange", "aims_changelogcheckpoint")

CREATE = """
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate
    BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION aims_objectchange_refuse_change();
"""
CREATE_ROW = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION aims_objectchange_refuse_change();
"""
DROP = """
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(CREATE.format(table=table), params=None)
    schema_editor.execute(
        CREATE_ROW.format(table="aims_changelogcheckpoint"), params=None
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(DROP.format(table=table), params=None)
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS aims_changelogcheckpoint_append_only "
        "ON aims_changelogcheckpoint",
        params=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aims", "0004_readiness"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeLogCheckpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(editable=False)),
                ("head_hash", models.CharField(editable=False, max_length=64)),
                ("time", models.DateTimeField(editable=False)),
                ("key_id", models.CharField(editable=False, max_length=64)),
                ("signature", models.CharField(editable=False, max_length=128)),
            ],
            options={
                "verbose_name": "change log checkpoint",
                "ordering": ["-time", "-id"],
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
