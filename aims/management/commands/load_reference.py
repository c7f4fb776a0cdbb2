from django.apps import apps
from django.core.management.base import BaseCommand

from aims.context import acting_as_system
from aims.reference import reference_data


class Command(BaseCommand):
    help = "Load or update the reference libraries (AI roles, data categories, ...). Idempotent."

    def handle(self, *args, **options):
        reference = reference_data()
        with acting_as_system("load_reference"):
            for config in apps.get_app_configs():
                loader = getattr(config, "load_reference", None)
                if loader is None:
                    continue
                changed = loader(reference)
                self.stdout.write(
                    f"{config.label}: {changed} records created or updated"
                )
