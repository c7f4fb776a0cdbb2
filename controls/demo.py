"""A demo SoA: every row decided, v1 approved by the committee, v2 in draft, with
evidence (files and links) and effectiveness checks. Idempotent: runs once."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from registry.models import AISystem
from risk.models import Risk

from .choices import ImplementationStatus
from .models import Control, ControlCheck, Evidence, SoAEntry
from .services import (
    control_check_save,
    evidence_save,
    soa_approve,
    soa_current,
    soa_entry_save,
    soa_new_draft,
)

EXCLUDED = {
    "A.10.4": "We offer no AI products or services to customers; all AI use is internal.",
}
# Controls with an owner other than the AIMS manager, and how far they got.
OWNERS = {
    "A.6.2.4": ("raj", ImplementationStatus.IMPLEMENTED),
    "A.6.2.6": ("raj", ImplementationStatus.PARTIAL),
    "A.7.4": ("olivia", ImplementationStatus.IMPLEMENTED),
    "A.9.2": ("omar", ImplementationStatus.PLANNED),
}
EVIDENCE = [
    {
        "title": "AI policy, version 2.1 (approved by the board)",
        "controls": ["A.2.2", "A.2.3"],
        "file": (
            "ai-policy-v2.1.txt",
            "AI policy v2.1\nApproved by the board on 2026-03-12.\n",
        ),
        "valid_days": 200,
    },
    {
        "title": "Model verification report, CV screening release 4",
        "controls": ["A.6.2.4", "A.7.4"],
        "systems": ["CV screening assistant"],
        "risks": ["Ranking disadvantages applicants from protected groups"],
        "file": (
            "verification-cv-r4.csv",
            "metric,group,value\nselection_rate,all,0.31\n",
        ),
        "valid_days": 20,
    },
    {
        "title": "Drift monitoring dashboard",
        "controls": ["A.6.2.6"],
        "systems": ["Claims fraud detection model"],
        "url": "https://grafana.example.org/d/drift",
        "valid_days": -5,
    },
    {
        "title": "AI roles and responsibilities (RACI)",
        "controls": ["A.3.2"],
        "url": "https://wiki.example.org/aims/raci",
        "valid_days": None,
        "restricted": True,
    },
]


def load_demo(users: dict) -> int:
    if Evidence.objects.exists():
        return 0
    manager, committee = users["maria"], users["grace"]
    today = timezone.localdate()
    version = soa_current()
    for entry in version.entries.select_related("control"):
        control_id = entry.control.control_id
        if control_id in EXCLUDED:
            entry.applicable, entry.justification = False, EXCLUDED[control_id]
        else:
            owner, status = OWNERS.get(
                control_id, ("maria", ImplementationStatus.IMPLEMENTED)
            )
            entry.applicable = True
            entry.justification = (
                "Needed to treat the risks in our register and to meet the "
                "obligations of our AI systems."
            )
            entry.owner, entry.implementation_status = users[owner], status
            if status != ImplementationStatus.IMPLEMENTED:
                entry.target_date = today + datetime.timedelta(days=90)
        soa_entry_save(entry=entry, actor=manager)
    for item in EVIDENCE:
        evidence = Evidence(
            title=item["title"],
            owner=manager,
            url=item.get("url", ""),
            restricted=item.get("restricted", False),
            collected_on=today - datetime.timedelta(days=30),
            valid_until=(
                today + datetime.timedelta(days=item["valid_days"])
                if item["valid_days"] is not None
                else None
            ),
        )
        upload = None
        if "file" in item:
            name, text = item["file"]
            upload = ContentFile(text.encode(), name=name)
        evidence_save(
            evidence=evidence,
            actor=manager,
            upload=upload,
            m2m={
                "controls": list(
                    Control.objects.filter(control_id__in=item["controls"])
                ),
                "ai_systems": list(
                    AISystem.objects.filter(name__in=item.get("systems", []))
                ),
                "risks": list(Risk.objects.filter(title__in=item.get("risks", []))),
            },
        )
    for control_id, result, notes in [
        ("A.6.2.4", "pass", ""),
        ("A.6.2.6", "fail", "Drift alerts were not routed to the on-call team."),
    ]:
        control_check_save(
            check=ControlCheck(
                control=Control.objects.get(control_id=control_id),
                performed_by=manager,
                result=result,
                notes=notes,
                checked_on=today - datetime.timedelta(days=7),
            ),
            actor=manager,
        )
    soa_approve(
        version=version,
        actor=committee,
        comment="Approved at the AI governance committee meeting.",
    )
    draft = soa_new_draft(
        actor=manager, summary="Half-year update after the internal audit."
    )
    entry = SoAEntry.objects.get(soa=draft, control__control_id="A.9.2")
    entry.implementation_status = ImplementationStatus.PARTIAL
    soa_entry_save(entry=entry, actor=users["omar"])
    return 1
