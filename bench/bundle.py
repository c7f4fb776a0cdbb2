"""Benchmark: build auditor bundles citing many small evidence files; report seconds,
bundle size and peak memory, to show that memory does not grow with the file count.

    .venv/bin/python bench/bundle.py                    # 200 and 2,000 files
    .venv/bin/python bench/bundle.py --files 500 5000

It never touches your data: a throw-away SQLite database and media directory in a
temporary directory (whatever DATABASE_URL or REDIS_URL say). The evidence files are
stored through the evidence service; one ready pack cites them all (a synthetic pack
record, so that the figures are the bundle's and not WeasyPrint's). The gap report is
built once beforehand and reused by every bundle for the same reason. Each bundle is
then built through the same service the Celery task calls, under tracemalloc (Python
allocations), and verified with the offline verifier.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(workdir: Path) -> None:
    for name in ("DATABASE_URL", "REDIS_URL"):
        os.environ.pop(name, None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "aims.settings.base"
    os.environ["AIMS_DATA_DIR"] = str(workdir)
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)


def auditor_and_manager():
    from django.contrib.auth.models import Group

    from aims import accounts, roles

    def user(name, role):
        return accounts.user_create(
            actor=None,
            username=name,
            password="Bench-Harbour-4821",
            roles=[Group.objects.get(name=role)],
        )

    return user("audrey", roles.AUDITOR), user("maria", roles.AIMS_MANAGER)


def evidence_files(manager, count: int, start: int) -> list[dict]:
    """``count`` small evidence files through the service, as a pack manifest cites them."""
    from django.core.files.base import ContentFile

    from controls.models import Evidence, EvidenceFile
    from controls.services import evidence_save

    cited = []
    for index in range(start, start + count):
        content = f"Evidence {index}\n" + "measurement,value\n" * 40 + f"{index}\n"
        evidence = evidence_save(
            evidence=Evidence(title=f"Evidence item {index:05d}", owner=manager),
            actor=manager,
            upload=ContentFile(content.encode(), name=f"evidence-{index:05d}.csv"),
        )
        stored = EvidenceFile.objects.filter(evidence=evidence).latest("pk")
        cited.append(
            {
                "title": evidence.title,
                "file_name": stored.original_name,
                "sha256": stored.sha256,
                "storage_name": stored.file.name,
                "size": stored.size,
            }
        )
    return cited


def citing_pack(auditor, cited: list[dict]):
    """A ready pack record whose manifest cites ``cited`` (its PDF is a small file)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from aims.models import ReferenceCounter
    from audit.models import EvidencePack

    reference = ReferenceCounter.next_reference("EVP")
    name = default_storage.save(
        f"evidence-packs/bench/{reference}.pdf", ContentFile(b"%PDF-1.7\n%bench\n")
    )
    return EvidencePack.objects.create(
        reference=reference,
        kind="soa",
        target_repr="Benchmark",
        requested_by=auditor,
        status="ready",
        file=name,
        file_name=f"{reference}-soa.pdf",
        manifest={"evidence": cited},
    )


def gap_report(auditor):
    from audit.services import evidence_pack_request

    pack = evidence_pack_request(
        kind="gap_report", target_id=None, parameters={}, actor=auditor
    )
    pack.refresh_from_db()
    assert pack.status == "ready", pack.error
    return pack


def build_bundle(auditor, pack, report):
    from django.db import transaction

    from audit.models import AuditorBundle
    from audit.services import auditor_bundle_request

    with transaction.atomic():
        bundle = auditor_bundle_request(packs=[pack], actor=auditor)
        # Reuse the gap report built beforehand (the build keeps a ready one).
        AuditorBundle.objects.filter(pk=bundle.pk).update(gap_report=report)
    # Eager Celery (no REDIS_URL): the build ran when the request committed.
    bundle.refresh_from_db()
    assert bundle.status == "ready", bundle.error
    return bundle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aims-bench-bundle-") as work:
        workdir = Path(work)
        setup(workdir)
        from django.core.files.storage import default_storage

        from aims import bundle_verifier, signing

        auditor, manager = auditor_and_manager()
        report = gap_report(auditor)
        rows, made = [], 0
        for count in sorted(args.files):
            cited = evidence_files(manager, count - made, made)
            made = count
            previous = rows[-1]["cited"] if rows else []
            pack = citing_pack(auditor, previous + cited)
            tracemalloc.start()
            started = time.perf_counter()
            bundle = build_bundle(auditor, pack, report)
            seconds = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            local = workdir / f"{bundle.reference}.zip"
            with default_storage.open(bundle.file.name, "rb") as handle:
                local.write_bytes(handle.read())
            check = bundle_verifier.verify(str(local), signing.public_key_pem())
            assert check.ok, check.problems
            rows.append(
                {
                    "cited": previous + cited,
                    "files": count,
                    "members": bundle.file_count,
                    "entries": bundle.entry_count,
                    "seconds": seconds,
                    "size": bundle.size,
                    "peak": peak,
                }
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        "| evidence files | files in the ZIP | change-log entries | seconds | ZIP size "
        "| peak Python allocations |"
    )
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['files']:,} | {row['members']:,} | {row['entries']:,} "
            f"| {row['seconds']:.1f} | {row['size'] / 1024 / 1024:.1f} MiB "
            f"| {row['peak'] / 1024 / 1024:.1f} MiB |"
        )
    print(f"\nPeak resident memory of the whole process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
