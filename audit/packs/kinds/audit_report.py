"""The audit report pack: one audit's scope, criteria, team, summary, checklist
results, findings and the evidence sampled with SHA-256 (ISO/IEC 42001 9.2.2 e, f and
DI-20, internal audit results)."""

from controls.models import Evidence
from controls.packs import evidence_index

from ...models import Audit, Finding
from ..registry import PackContent, PackKind, RecordRef, Section

__all__ = ["AuditReportPackKind"]


class AuditReportPackKind(PackKind):
    key = "audit_report"
    title = "Audit report"
    description = (
        "One audit: scope, criteria, team and dates, the summary of results, every "
        "checklist line with its result, the findings and the evidence sampled."
    )
    target_model = Audit
    target_label = "Audit"
    requires = ((Audit, "view"),)
    sections = (
        Section(
            "audit", "Scope, criteria and team", "audit/packs/audit_report/audit.html"
        ),
        Section(
            "summary", "Summary of results", "audit/packs/audit_report/summary.html"
        ),
        Section(
            "checklist", "Checklist results", "audit/packs/audit_report/checklist.html"
        ),
        Section("findings", "Findings", "audit/packs/audit_report/findings.html"),
        Section("evidence", "Evidence sampled", "controls/packs/evidence.html"),
    )

    def build(self, pack, target: Audit, parameters: dict) -> PackContent:
        audit = (
            Audit.objects.select_related("programme", "lead_auditor")
            .prefetch_related("team", "ai_systems")
            .get(pk=target.pk)
        )
        lines = list(
            audit.lines.prefetch_related("evidence").select_related("audited_by")
        )
        findings = list(
            Finding.objects.filter(audit=audit)
            .select_related("owner", "nonconformity")
            .prefetch_related("evidence", "ai_systems", "risks", "controls")
            .order_by("reference")
        )
        evidence_ids = {e.pk for line in lines for e in line.evidence.all()} | {
            e.pk for finding in findings for e in finding.evidence.all()
        }
        evidence, manifest = evidence_index(
            Evidence.objects.filter(pk__in=evidence_ids)
        )
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.get_result_display()] = (
                counts.get(line.get_result_display(), 0) + 1
            )
        return PackContent(
            context={
                "audit": audit,
                "lines": lines,
                "result_counts": sorted(counts.items()),
                "findings": findings,
                "evidence": evidence,
            },
            evidence=manifest,
            records=[RecordRef(str(audit), audit.version)]
            + [RecordRef(str(f), f.version) for f in findings],
        )
