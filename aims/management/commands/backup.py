import subprocess

from django.core.management.base import BaseCommand, CommandError

from aims.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back the portal up into FOLDER (empty or new): the database first (pg_dump), "
        "then the media files, the change-log checkpoints and a manifest with the "
        "change log's head and every file's SHA-256. The private signing key is not "
        "included: back it up apart. Restore with `manage.py restore FOLDER`."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")

    def handle(self, *args, folder, **options):
        try:
            result = backup(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"pg_dump failed: {exc.stderr.decode()[-2000:]}"
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup in {result.folder}: change log up to entry #{result.head_seq} "
                f"({result.head_hash}), {result.files} files with their SHA-256."
            )
        )
