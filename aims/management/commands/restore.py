import subprocess

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from aims.backup import BackupError, check_backup, restore
from aims.checkpoints import verify_change_log


class Command(BaseCommand):
    help = (
        "Replace this portal's database and media files with a backup made by "
        "`manage.py backup` (stop web, workers and beat first; run as the database "
        "owner). Checks the backup's SHA-256s before touching anything, then verifies "
        "the change log against its checkpoints and every evidence file against its "
        "SHA-256. Exit status 1 if anything does not match."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument(
            "--yes", action="store_true", help="do it (the current data is replaced)"
        )

    def handle(self, *args, folder, yes=False, **options):
        try:
            manifest = check_backup(folder)
            if not yes:
                raise CommandError(
                    f"{folder} is a good backup of {manifest['created']}; run again "
                    "with --yes to replace the current database and files with it."
                )
            restore(folder)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"pg_restore failed: {exc.stderr.decode()[-2000:]}"
            ) from exc
        report = verify_change_log()
        head = manifest["change_log_head"]
        if not report.ok:
            raise CommandError(
                "Restored, but the change log does not verify:\n" + report.summary()
            )
        if (report.entries, report.head_hash) != (head["seq"], head["hash"]):
            raise CommandError(
                f"Restored, but the change log ends at #{report.entries}, not at the "
                f"backup's #{head['seq']}."
            )
        call_command("verify_evidence", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created']}: change log intact up to "
                f"entry #{report.entries}, evidence files match their SHA-256."
            )
        )
