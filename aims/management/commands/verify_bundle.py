from django.core.management.base import BaseCommand, CommandError

from aims import bundle_verifier, signing


class Command(BaseCommand):
    help = (
        "Check an auditor bundle: the manifest's signature, every file's SHA-256 and "
        "size, files added or removed, and the change-log chain to the head. The same "
        "code as verify_bundle.py inside the bundle. Exit status 1 on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("bundle", help="the bundle's .zip file")
        parser.add_argument(
            "--public-key",
            help="PEM file of the key to trust (default: this portal's signing key)",
        )

    def handle(self, *args, bundle, public_key=None, **options):
        if public_key:
            try:
                with open(public_key, encoding="utf-8") as handle:
                    key = handle.read()
            except OSError as exc:
                raise CommandError(f"cannot read {public_key}: {exc}") from exc
        else:
            key = signing.public_key_pem()
        try:
            result = bundle_verifier.verify(bundle, key)
        except bundle_verifier.BundleUnreadable as exc:
            raise CommandError(str(exc)) from exc
        for note in result.notes:
            self.stdout.write(f"note: {note}")
        self.stdout.write(
            f"checked {result.files_checked} files and "
            f"{result.entries_checked} change-log entries"
        )
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    "OK: every file and entry matches the signed manifest"
                )
            )
            return
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"MISMATCH: {problem}"))
        raise CommandError(f"{len(result.problems)} problem(s) found", returncode=1)
