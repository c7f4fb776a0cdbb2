"""Moving object permissions between guardian's generic table and a model's direct
foreign-key tables, for the data migration that introduces the direct tables.

A migration that adds ``<Model>UserObjectPermission``/``<Model>GroupObjectPermission``
(see DEVELOPERS.md, step 3) moves the rows guardian kept for that model in its generic
tables, and moves them back when it is reversed::

    from aims.permission_tables import move_to_direct_tables

    operations = [
        migrations.CreateModel(...),   # the two direct tables
        move_to_direct_tables("risk", "risk"),
    ]

It uses the historical models only, so it keeps working whatever the models become.
Rows that point at records no longer there are dropped (a direct row needs its record).
"""

from django.db import migrations
from django.db.models import IntegerField
from django.db.models.functions import Cast

__all__ = ["move_to_direct_tables"]

BATCH = 5000


def _kinds(apps, app_label: str, model_name: str):
    model = apps.get_model(app_label, model_name)
    for kind, owner in (("User", "user"), ("Group", "group")):
        yield (
            apps.get_model("guardian", f"{kind}ObjectPermission"),
            apps.get_model(app_label, f"{model.__name__}{kind}ObjectPermission"),
            owner,
        )


def _content_type(apps, app_label: str, model_name: str):
    content_type_model = apps.get_model("contenttypes", "ContentType")
    return content_type_model.objects.filter(
        app_label=app_label, model=model_name
    ).first()


def move_to_direct_tables(app_label: str, model_name: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        content_type = _content_type(apps, app_label, model_name)
        if content_type is None:  # a new database: nothing was granted yet
            return
        model = apps.get_model(app_label, model_name)
        for generic, direct, owner in _kinds(apps, app_label, model_name):
            rows = generic.objects.filter(content_type=content_type)
            existing = model._base_manager.values("pk")
            numeric = rows.filter(object_pk__regex=r"^[0-9]+$").annotate(
                object_id=Cast("object_pk", IntegerField())
            )
            batch = []
            for owner_id, permission_id, object_id in (
                numeric.filter(object_id__in=existing)
                .values_list(f"{owner}_id", "permission_id", "object_id")
                .iterator(chunk_size=BATCH)
            ):
                batch.append(
                    direct(
                        **{f"{owner}_id": owner_id},
                        permission_id=permission_id,
                        content_object_id=object_id,
                    )
                )
                if len(batch) >= BATCH:
                    direct.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
            direct.objects.bulk_create(batch, ignore_conflicts=True)
            rows.delete()

    def backwards(apps, schema_editor):
        content_type = _content_type(apps, app_label, model_name)
        if content_type is None:
            return
        for generic, direct, owner in _kinds(apps, app_label, model_name):
            batch = []
            for owner_id, permission_id, object_id in direct.objects.values_list(
                f"{owner}_id", "permission_id", "content_object_id"
            ).iterator(chunk_size=BATCH):
                batch.append(
                    generic(
                        **{f"{owner}_id": owner_id},
                        permission_id=permission_id,
                        content_type=content_type,
                        object_pk=str(object_id),
                    )
                )
                if len(batch) >= BATCH:
                    generic.objects.bulk_create(batch, ignore_conflicts=True)
                    batch = []
            generic.objects.bulk_create(batch, ignore_conflicts=True)
            direct.objects.all().delete()

    return migrations.RunPython(forwards, backwards, elidable=False)
