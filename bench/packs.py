"""Benchmark: build an AI system pack and an SoA pack with many risks and evidence
items; report pages, seconds, seconds per page and peak memory.

    .venv/bin/python bench/packs.py                     # 50 risks, 200 evidence items
    .venv/bin/python bench/packs.py --risks 200 --evidence 500

It never touches your data: it migrates a throw-away SQLite database and media
directory in a temporary directory (whatever DATABASE_URL or REDIS_URL say), builds
through the same service the Celery task calls, and removes everything afterwards.
Three builds: cold (includes importing WeasyPrint), warm, and warm under tracemalloc
(Python allocations only; slower, so its time is not reported).
"""

import argparse
import datetime
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


def fill(risks: int):
    """Users, one AI system and ``risks`` risks through the portal's services."""
    from django.contrib.auth.models import Group

    from aims import accounts, roles
    from registry.models import AISystem
    from registry.services import ai_system_save
    from risk.models import Risk, RiskSource, TreatmentAction
    from risk.services import risk_save, treatment_action_save

    def user(name, role):
        return accounts.user_create(
            actor=None,
            username=name,
            password="Bench-Harbour-4821",
            first_name=name.capitalize(),
            roles=[Group.objects.get(name=role)],
        )

    owner = user("olivia", roles.AI_SYSTEM_OWNER)
    risk_owner = user("raj", roles.RISK_OWNER)
    auditor = user("audrey", roles.AUDITOR)
    system = ai_system_save(
        system=AISystem(
            name="Claims triage model",
            description="Ranks incoming insurance claims for manual review.\n" * 3,
            intended_purpose="Prioritise claims handling; a person decides.",
            owner=owner,
            lifecycle_stage="deployed",
            business_unit="Claims",
        ),
        actor=owner,
    )
    source = RiskSource.objects.get(code="C.3.4")
    due = datetime.date.today() + datetime.timedelta(days=60)
    controls = [["A.6.2.4", "A.7.4"], ["A.8.2"], []]
    for index in range(risks):
        likelihood, impact = 1 + index % 5, 1 + (index // 5) % 5
        fields = {
            "title": f"Risk {index:03d}: claims of group {index % 7} ranked unfairly",
            "description": "The model may rank some claims lower for reasons "
            "unrelated to their merit. " * 2,
            "consequence": "Delayed payment to policy holders; complaints.",
            "inherent_likelihood": likelihood,
            "inherent_impact": impact,
        }
        if index % 3 == 0:
            fields.update(
                treatment="mitigate",
                treatment_rationale="Quarterly fairness test and manual sampling.",
                residual_likelihood=max(1, likelihood - 1),
                residual_impact=impact,
            )
        risk = risk_save(
            risk=Risk(owner=risk_owner, ai_system=system, risk_source=source, **fields),
            actor=risk_owner,
            controls=controls[index % 3],
        )
        if index % 4 == 0:
            treatment_action_save(
                action=TreatmentAction(
                    risk=risk,
                    description="Add a fairness check to the release checklist",
                    owner=risk_owner,
                    due_date=due,
                ),
                actor=risk_owner,
            )
    return system, auditor


def fill_controls(system, evidence_items: int) -> None:
    """Every SoA row decided and v1 approved; ``evidence_items`` evidence files linked to
    controls, the system and its risks."""
    from django.contrib.auth.models import Group
    from django.core.files.base import ContentFile

    from aims import accounts, roles
    from controls.models import Control, Evidence, SoAEntry
    from controls.services import (
        evidence_save,
        soa_approve,
        soa_current,
        soa_entry_save,
    )
    from risk.models import Risk

    manager = accounts.user_create(
        actor=None,
        username="maria",
        password="Bench-Harbour-4821",
        roles=[Group.objects.get(name=roles.AIMS_MANAGER)],
    )
    committee = accounts.user_create(
        actor=None,
        username="grace",
        password="Bench-Harbour-4821",
        roles=[Group.objects.get(name=roles.GOVERNANCE_COMMITTEE)],
    )
    for entry in SoAEntry.objects.filter(soa=soa_current()):
        entry.applicable = True
        entry.justification = "Needed to treat the risks of our AI systems."
        entry.implementation_status = "implemented"
        entry.owner = manager
        soa_entry_save(entry=entry, actor=manager)
    controls = list(Control.objects.all())
    risks = list(Risk.objects.filter(ai_system=system))
    for index in range(evidence_items):
        content = f"Evidence {index}\n" + "measurement,value\n" * 20 + f"{index}\n"
        evidence_save(
            evidence=Evidence(title=f"Evidence item {index:03d}", owner=manager),
            actor=manager,
            upload=ContentFile(content.encode(), name=f"evidence-{index:03d}.csv"),
            m2m={
                "controls": [controls[index % len(controls)]],
                "risks": [risks[index % len(risks)]] if risks and index % 2 else [],
                "ai_systems": [system] if index % 5 == 0 else [],
            },
        )
    soa_approve(version=soa_current(), actor=committee, comment="Benchmark approval")


def build(kind, target, auditor):
    from audit.services import evidence_pack_request

    # Eager Celery (no REDIS_URL): the build runs when the request commits.
    started = time.perf_counter()
    pack = evidence_pack_request(
        kind=kind,
        target_id=target.pk if target is not None else None,
        parameters={},
        actor=auditor,
    )
    pack.refresh_from_db()
    elapsed = time.perf_counter() - started
    if pack.status != "ready":
        raise SystemExit(f"Build failed: {pack.error}")
    return pack, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--risks", type=int, default=50)
    parser.add_argument("--evidence", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="aims-bench-") as workdir:
        setup(Path(workdir))
        started = time.perf_counter()
        system, auditor = fill(args.risks)
        fill_controls(system, args.evidence)
        print(
            f"data: {args.risks} risks, {args.evidence} evidence items in "
            f"{time.perf_counter() - started:.1f} s"
        )
        from aims.models import ObjectChange

        print(f"change-log entries: {ObjectChange.objects.count()}")
        for kind, target in (("ai_system", system), ("soa", None)):
            for label in ("cold" if kind == "ai_system" else "first", "warm"):
                pack, elapsed = build(kind, target, auditor)
                print(
                    f"{kind} {label}: {pack.page_count} pages, {elapsed:.2f} s, "
                    f"{elapsed / pack.page_count:.3f} s/page, {pack.size / 1024:.0f} KiB, "
                    f"{len(pack.manifest['evidence'])} evidence files in the manifest"
                )
            tracemalloc.start()
            pack, _ = build(kind, target, auditor)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{kind}: peak Python allocations during a build: {peak / 2**20:.1f} MiB"
            )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident memory of the process: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
