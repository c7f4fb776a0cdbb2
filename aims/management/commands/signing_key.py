from django.core.management.base import BaseCommand

from aims import signing


class Command(BaseCommand):
    help = (
        "Print the portal's public signing key (PEM) and its key id, for auditors to "
        "check signed checkpoints and bundles. Creates the key on first use."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--id-only", action="store_true", help="print only the key id (fingerprint)"
        )

    def handle(self, *args, id_only=False, **options):
        if not id_only:
            self.stdout.write(signing.public_key_pem().rstrip("\n"))
        self.stdout.write(signing.key_id())
