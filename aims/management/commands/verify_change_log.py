from django.core.management.base import BaseCommand, CommandError

from aims.checkpoints import record_checkpoint, verify_change_log


class Command(BaseCommand):
    help = (
        "Recompute the change log's hash chain and compare it with every signed "
        "checkpoint (database table and checkpoint file): reports an altered, removed, "
        "reordered or inserted entry, the newest entries deleted, the table emptied, or "
        "the tail rewritten with a recomputed chain. Exit status 1 on any of them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since-checkpoint",
            action="store_true",
            help="recompute only the entries after the newest signed checkpoint (the "
            "daily check); older entries are checked through their checkpoints only",
        )
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="when intact, also sign and record a checkpoint of the current head "
            "(as the scheduled check does)",
        )

    def handle(self, *args, checkpoint=False, since_checkpoint=False, **options):
        report = verify_change_log(incremental=since_checkpoint)
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if checkpoint and report.entries:
            recorded = record_checkpoint(report.entries, report.head_hash)
            self.stdout.write(f"Recorded the {recorded.describe()}")
