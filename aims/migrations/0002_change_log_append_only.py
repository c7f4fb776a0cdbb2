"""On PostgreSQL, refuse UPDATE and DELETE on the change log at the database level.

SQLite (the embedded default) has no such trigger: test databases there are emptied with
DELETE between transactional tests, which a trigger would block. The hash chain still
exposes tampering on both (``manage.py verify_change_log``).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION aims_objectchange_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the change log is append-only: % refused on aims_objectchange', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS aims_objectchange_append_only ON aims_objectchange;
CREATE TRIGGER aims_objectchange_append_only
    BEFORE UPDATE OR DELETE ON aims_objectchange
    FOR EACH ROW EXECUTE FUNCTION aims_objectchange_refuse_change();
"""

DROP = """
DROP TRIGGER IF EXISTS aims_objectchange_append_only ON aims_objectchange;
DROP FUNCTION IF EXISTS aims_objectchange_refuse_change();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("aims", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
