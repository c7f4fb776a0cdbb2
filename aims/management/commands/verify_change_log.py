from django.core.management.base import BaseCommand, CommandError

from aims.change_log import verify_chain


class Command(BaseCommand):
    help = "Recompute the change log's hash chain; exit 1 at the first altered or missing entry."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Change log broken at entry #{report.broken_seq}: {report.reason}. "
                f"{report.checked} entries checked before it."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Change log intact: {report.checked} entries, head {report.head_hash}"
            )
        )
