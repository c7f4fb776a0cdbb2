import json

from django.core.management.base import BaseCommand, CommandError

from controls.integrity import verify_evidence_files


class Command(BaseCommand):
    help = (
        "Read every stored evidence file back and compare it with the SHA-256 recorded "
        "at upload: lists missing and altered files; exit status 1 if there are any. "
        "Run it after every restore (the scheduled task controls.evidence_verify runs "
        "it daily and alerts)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json", action="store_true", help="print the report as JSON"
        )

    def handle(self, *args, json_output=False, **options):
        report = verify_evidence_files()
        if options.get("json"):
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            for problem in report.problems:
                self.stdout.write(problem.describe())
        if not report.ok:
            raise CommandError(
                f"Evidence files: {len(report.missing)} missing, {len(report.altered)} "
                f"altered, of {report.checked} checked."
            )
        if not options.get("json"):
            self.stdout.write(
                self.style.SUCCESS(
                    f"Evidence files intact: {report.checked} checked against their SHA-256."
                )
            )
