"""The impact assessment pack: one approved assessment with its impacts, the linked
risks and their treatment, the system's EU AI Act classification with its basis, the
obligations with their evidence index, and the change history (ISO/IEC 42001 6.1.4,
8.4, A.5.3)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from aims.models import ObjectChange
from aims.views.display import fieldset_rows
from audit.packs.registry import EvidenceFile, PackContent, PackKind, RecordRef, Section
from audit.packs.registry import register as register_pack_kind

from .models import Classification, Impact, ImpactAssessment, Obligation
from .services import visible_answers

FIELDSETS = [
    (
        "Assessment",
        [
            "reference",
            "revision",
            "ai_system",
            "template",
            "trigger",
            "owner",
            "assessor",
            "approver",
            "status",
        ],
    ),
    (
        "Sign-off and retention",
        [
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "approval_note",
            "retention_until",
            "next_review_date",
        ],
    ),
]


class ImpactAssessmentPackKind(PackKind):
    key = "impact_assessment"
    title = "Impact assessment pack"
    description = (
        "One AI system impact assessment: answers, impacts with their levels and measures, "
        "linked risks and treatment, the EU AI Act classification and obligations with "
        "their evidence, and the change history."
    )
    target_model = ImpactAssessment
    target_label = "Impact assessment"
    requires = ((ObjectChange, "view"),)
    sections = (
        Section("assessment", "Assessment", "impact/packs/assessment.html"),
        Section("impacts", "Impacts, risks and treatment", "impact/packs/impacts.html"),
        Section(
            "classification",
            "EU AI Act classification and obligations",
            "impact/packs/classification.html",
        ),
        Section("history", "Change history", "audit/packs/ai_system/history.html"),
    )

    def build(self, pack, target, parameters) -> PackContent:
        assessment = ImpactAssessment.objects.select_related(
            "ai_system", "template", "owner", "assessor", "submitted_by", "approved_by"
        ).get(pk=target.pk)
        impacts = list(
            Impact.objects.filter(assessment=assessment).select_related(
                "risk", "risk__owner"
            )
        )
        classification = Classification.objects.filter(
            ai_system=assessment.ai_system, is_current=True
        ).first()
        obligations = list(
            Obligation.objects.filter(ai_system=assessment.ai_system, applies=True)
            .select_related("owner")
            .prefetch_related("evidence__files")
        )
        evidence, seen = [], set()
        for obligation in obligations:
            for item in obligation.evidence.all():
                for file in item.files.all():
                    if file.sha256 in seen:
                        continue
                    seen.add(file.sha256)
                    evidence.append(
                        EvidenceFile(
                            title=str(item),
                            file_name=file.original_name,
                            sha256=file.sha256,
                            storage_name=file.file.name,
                            size=file.size,
                        )
                    )
        assessment_type = ContentType.objects.get_for_model(ImpactAssessment)
        impact_type = ContentType.objects.get_for_model(Impact)
        history = (
            ObjectChange.objects.filter(
                Q(content_type=assessment_type, object_id=str(assessment.pk))
                | Q(
                    content_type=impact_type, object_id__in=[str(i.pk) for i in impacts]
                )
                | Q(
                    related_content_type=assessment_type,
                    related_object_id=str(assessment.pk),
                )
            )
            .select_related("content_type")
            .order_by("seq")
        )
        return PackContent(
            context={
                "assessment": assessment,
                "system": assessment.ai_system,
                "rows": fieldset_rows(assessment, FIELDSETS),
                "sections_answers": list(
                    visible_answers(assessment.template, assessment.answers)
                ),
                "impacts": impacts,
                "classification": classification,
                "obligations": obligations,
                "history": history,
            },
            evidence=evidence,
            records=[RecordRef(str(assessment), assessment.version)]
            + (
                [RecordRef(str(classification), classification.version)]
                if classification
                else []
            ),
        )


def register_pack() -> None:
    register_pack_kind(ImpactAssessmentPackKind())
