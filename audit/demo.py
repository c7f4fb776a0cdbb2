"""Demo packs, an auditor bundle and background exports (idempotent: each made once,
when none exists).

In the embedded default the builds run in-process, so the demo shows ready files; with
a broker they are queued for the worker like any request.
"""

from django.db import transaction

from registry.models import AISystem

from .models import AuditorBundle, EvidencePack, ExportJob
from .services import auditor_bundle_request, evidence_pack_request
from .services.exports import export_request

DEMO_SYSTEM = "CV screening assistant"


def load_demo(users: dict) -> int:
    return _load_bundle(users) + _load_exports(users)


def _load_exports(users: dict) -> int:
    """Maria's XLSX of the risk register (all of it) and of the assessed risks of the CV
    screener; Alice's of the evidence register, which names only her systems."""
    if ExportJob.objects.exists():
        return 0
    made = 0
    system = AISystem.objects.filter(name=DEMO_SYSTEM).first()
    requests = [("maria", "risks", ""), ("alice", "evidence", "")]
    if system is not None:
        requests.append(("maria", "risks", f"ai_system={system.pk}&status=assessed"))
    for username, list_key, query in requests:
        user = users.get(username)
        if user is None:
            continue
        with transaction.atomic():
            export_request(list_key=list_key, query=query, fmt="xlsx", actor=user)
        made += 1
    return made


def _load_bundle(users: dict) -> int:
    auditor = users.get("audrey")
    system = AISystem.objects.filter(name=DEMO_SYSTEM).first()
    if auditor is None or system is None or AuditorBundle.objects.exists():
        return 0
    with transaction.atomic():
        pack = EvidencePack.objects.filter(
            kind="ai_system", target_id=system.pk
        ).first()
        if pack is None:
            pack = evidence_pack_request(
                kind="ai_system", target_id=system.pk, parameters={}, actor=auditor
            )
    pack.refresh_from_db()
    packs = [pack] if pack.status == "ready" else []
    with transaction.atomic():
        auditor_bundle_request(
            packs=packs,
            purpose="Stage 1 audit readiness review (demo)",
            actor=auditor,
        )
    return 1
