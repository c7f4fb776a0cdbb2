"""Demo packs and an auditor bundle (idempotent: made once, when none exists).

In the embedded default the builds run in-process, so the demo shows ready files; with
a broker they are queued for the worker like any request.
"""

from django.db import transaction

from registry.models import AISystem

from .models import AuditorBundle, EvidencePack
from .services import auditor_bundle_request, evidence_pack_request

DEMO_SYSTEM = "CV screening assistant"


def load_demo(users: dict) -> int:
    auditor = users.get("audrey")
    system = AISystem.objects.filter(name=DEMO_SYSTEM).first()
    if auditor is None or system is None or AuditorBundle.objects.exists():
        return 0
    with transaction.atomic():
        pack = EvidencePack.objects.filter(kind="ai_system", target_id=system.pk).first()
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
