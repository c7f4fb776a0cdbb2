"""Demo records of the systems' lives (idempotent: skipped once the first supplier exists).

The fraud model's release 2.0 is first blocked by the gate (a false-positive rate above
its criterion), then passes after re-measurement; the chatbot processes personal data
without a dataset declaring it, so it carries the personal-data flag."""

import datetime
from decimal import Decimal

from django.utils import timezone

from .life_services import (
    GateBlocked,
    child_save,
    dataset_save,
    gate_blocked_record,
    lifecycle_record_approve,
    release_record,
    supplier_save,
)
from .models import (
    AcceptanceCriterion,
    AISystem,
    DataCategory,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)

FIRST_SUPPLIER = "HireSense Ltd"


def load_life_demo(users: dict) -> int:
    if Supplier.objects.filter(name=FIRST_SUPPLIER).exists():
        return 0
    screener = AISystem.objects.filter(name="CV screening assistant").first()
    fraud = AISystem.objects.filter(name="Claims fraud detection model").first()
    if screener is None or fraud is None:
        return 0
    today = timezone.localdate()
    maria, olivia, omar = users["maria"], users["olivia"], users["omar"]

    def ago(days):
        return today - datetime.timedelta(days=days)

    hiresense = supplier_save(
        supplier=Supplier(
            name=FIRST_SUPPLIER,
            supplies=["model", "service"],
            description="Vendor of the CV ranking model, hosted as a service.",
            contact="account@hiresense.example",
            contract_reference="HR-2024-031",
            contract_ends=today + datetime.timedelta(days=400),
            owner=olivia,
        ),
        actor=maria,
    )
    cloud = supplier_save(
        supplier=Supplier(
            name="EuroCloud Hosting GmbH",
            supplies=["platform"],
            description="Managed Kubernetes in Frankfurt for in-house models.",
            contract_reference="IT-2023-112",
            owner=omar,
        ),
        actor=maria,
    )
    child_save(
        record=SupplierReview(
            supplier=hiresense,
            reviewed_on=ago(340),
            result="conditions",
            notes="Asked for fairness test results with every model update.",
            next_review=today + datetime.timedelta(days=25),
        ),
        actor=maria,
    )
    child_save(
        record=SupplierReview(
            supplier=cloud,
            reviewed_on=ago(380),
            result="satisfactory",
            notes="ISO/IEC 27001 certificate checked; data stays in the EU.",
            next_review=ago(15),
        ),
        actor=maria,
    )

    personal = DataCategory.objects.filter(slug__in=["personal", "employee"])
    applications = dataset_save(
        dataset=Dataset(
            name="Historic job applications 2019-2024",
            description="Applications with recruiter outcomes, used to fit and test the ranking.",
            owner=olivia,
            source="internal",
            acquisition="Exported from the applicant tracking system with HR's approval.",
            quantity="48,000 applications",
            rights="Processed on legitimate interest; applicants informed in the privacy notice.",
            preparation="Names, photos and dates of birth removed; free text normalised.",
            selection_criteria="Closed vacancies only; withdrawn applications excluded.",
            retention="6 years after the vacancy closed",
            deletion="Deleted from the training store by the yearly purge job.",
        ),
        actor=olivia,
        m2m={"categories": personal},
    )
    claims = dataset_save(
        dataset=Dataset(
            name="Motor and home claims 2018-2025",
            description="Claims with investigation outcomes (fraud confirmed or not).",
            owner=omar,
            source="internal",
            acquisition="Claims warehouse extract, refreshed monthly.",
            quantity="1.2 million claims",
            rights="Contract performance and fraud prevention (GDPR Art. 6(1)(b), (f)).",
            preparation="Deduplicated; investigator notes excluded.",
            selection_criteria="Claims closed at least 90 days ago.",
            retention="10 years (insurance record keeping)",
        ),
        actor=omar,
        m2m={
            "categories": DataCategory.objects.filter(
                slug__in=["personal", "financial"]
            )
        },
    )
    for dataset, entries in (
        (
            applications,
            [
                (
                    ago(400),
                    "origin",
                    "Exported from the applicant tracking system.",
                    "HR systems team",
                ),
                (
                    ago(395),
                    "cleaning",
                    "Direct identifiers and dates of birth removed.",
                    "Data protection office",
                ),
                (
                    ago(390),
                    "transformation",
                    "Sent to HireSense for fitting the ranking model.",
                    "HireSense Ltd",
                ),
            ],
        ),
        (
            claims,
            [
                (
                    ago(200),
                    "origin",
                    "Extract from the claims warehouse.",
                    "Claims analytics",
                ),
                (
                    ago(198),
                    "labelling",
                    "Fraud outcomes joined from the investigation system.",
                    "Special investigations unit",
                ),
            ],
        ),
    ):
        for occurred_on, kind, description, who in entries:
            child_save(
                record=ProvenanceEntry(
                    dataset=dataset,
                    occurred_on=occurred_on,
                    kind=kind,
                    description=description,
                    performed_by=who,
                ),
                actor=dataset.owner,
            )
    for dataset, characteristic, requirement, comparator, threshold, measured in (
        (
            applications,
            "completeness",
            "Share of applications with a recruiter outcome",
            "gte",
            "0.98",
            "0.991",
        ),
        (
            applications,
            "representativeness",
            "Age-group share relative to the applicant pool",
            "gte",
            "0.80",
            "0.86",
        ),
        (
            claims,
            "accuracy",
            "Share of fraud labels confirmed by a second investigator",
            "gte",
            "0.95",
            "0.97",
        ),
    ):
        child_save(
            record=QualityRequirement(
                dataset=dataset,
                characteristic=characteristic,
                requirement=requirement,
                comparator=comparator,
                threshold=Decimal(threshold),
                measured_value=Decimal(measured),
                measured_on=ago(30),
            ),
            actor=dataset.owner,
        )
    for system, dataset, role, actor in (
        (screener, applications, "training", olivia),
        (screener, applications, "test", olivia),
        (fraud, claims, "training", omar),
        (fraud, claims, "production_input", omar),
    ):
        child_save(
            record=SystemDataset(ai_system=system, dataset=dataset, role=role),
            actor=actor,
        )

    for system, kind, name, version, supplier, location, competences, stages, actor in (
        (
            screener,
            "model",
            "HireSense ranking model",
            "3.2",
            hiresense,
            "",
            "",
            ["deployed"],
            olivia,
        ),
        (
            screener,
            "human",
            "Recruiters reviewing shortlists",
            "",
            None,
            "",
            "Trained on the screener's limits and on bias awareness.",
            ["deployed"],
            olivia,
        ),
        (
            fraud,
            "model",
            "Gradient-boosted fraud model",
            "2.0",
            None,
            "",
            "",
            ["development", "validation", "deployed"],
            omar,
        ),
        (
            fraud,
            "library",
            "XGBoost",
            "2.1",
            None,
            "",
            "",
            ["development", "deployed"],
            omar,
        ),
        (
            fraud,
            "computing",
            "Scoring service",
            "",
            cloud,
            "Frankfurt (EU)",
            "",
            ["deployed"],
            omar,
        ),
        (
            fraud,
            "human",
            "Data scientists and claims investigators",
            "",
            None,
            "",
            "Model validation; investigating flagged claims.",
            ["development", "deployed"],
            omar,
        ),
    ):
        child_save(
            record=SystemResource(
                ai_system=system,
                kind=kind,
                name=name,
                component_version=version,
                supplier=supplier,
                location=location,
                competences=competences,
                stages=stages,
            ),
            actor=actor,
        )
    for system, kind, activity, party, supplier, description, actor in (
        (
            screener,
            "allocation",
            "Model retraining and fairness testing",
            "supplier",
            hiresense,
            "Test results shared before each update.",
            olivia,
        ),
        (
            screener,
            "allocation",
            "Human review of every shortlist",
            "organisation",
            None,
            "",
            olivia,
        ),
        (
            screener,
            "customer_commitment",
            "Tell applicants a model helps rank them",
            "organisation",
            None,
            "Notice on the careers page and the application form.",
            olivia,
        ),
        (
            fraud,
            "allocation",
            "Hosting and availability of the scoring service",
            "supplier",
            cloud,
            "",
            omar,
        ),
    ):
        child_save(
            record=Responsibility(
                ai_system=system,
                kind=kind,
                activity=activity,
                party=party,
                supplier=supplier,
                description=description,
            ),
            actor=actor,
        )

    report = _evidence(
        omar,
        fraud,
        "Fraud model 2.0 validation report",
        "https://wiki.example.org/fraud/validation-2-0",
    )
    for kind, title, summary in (
        (
            "requirements",
            "Fraud model requirements",
            "Flag likely fraud for investigation; never decline a claim automatically.",
        ),
        (
            "vv_plan",
            "Validation plan 2.0",
            "Hold-out test on the last 12 months of closed claims; AUC and false-positive rate.",
        ),
        (
            "monitoring_plan",
            "Monitoring plan",
            "Weekly drift report; monthly false-positive review with the investigators.",
        ),
        (
            "event_logs",
            "Scoring event logs",
            "Every score, its inputs and explanations kept 2 years in the EU log store.",
        ),
    ):
        record = child_save(
            record=LifecycleRecord(
                ai_system=fraud, kind=kind, title=title, summary=summary
            ),
            actor=omar,
            m2m={"evidence": [report]},
        )
        lifecycle_record_approve(record=record, actor=maria)
    auc = child_save(
        record=AcceptanceCriterion(
            ai_system=fraud,
            criterion="Discrimination on the hold-out year",
            metric="AUC",
            comparator="gte",
            threshold=Decimal("0.85"),
            measured_value=Decimal("0.88"),
            measured_on=ago(20),
            evidence=report,
        ),
        actor=omar,
    )
    fpr = child_save(
        record=AcceptanceCriterion(
            ai_system=fraud,
            criterion="Honest claims flagged",
            metric="false-positive rate",
            comparator="lte",
            threshold=Decimal("0.05"),
            measured_value=Decimal("0.07"),
            measured_on=ago(20),
            evidence=report,
        ),
        actor=omar,
    )
    release = Release(
        ai_system=fraud,
        release_version="2.0",
        released_on=ago(10),
        notes="Retrained on 2025 claims.",
    )
    try:
        release_record(release=release, actor=omar)
    except GateBlocked as blocked:
        gate_blocked_record(fraud, blocked.problems, omar, "Release 2.0")
    fpr.measured_value, fpr.measured_on = Decimal("0.04"), ago(12)
    fpr.evidence = report
    child_save(record=fpr, actor=omar)
    release_record(
        release=Release(
            ai_system=fraud,
            release_version="2.0",
            released_on=ago(10),
            notes="Retrained on 2025 claims; threshold recalibrated.",
        ),
        actor=omar,
    )
    del auc
    return 1


def _evidence(owner, system, title, url):
    from controls.models import Evidence
    from controls.services import evidence_save

    return evidence_save(
        evidence=Evidence(
            title=title,
            url=url,
            owner=owner,
            collected_on=timezone.localdate() - datetime.timedelta(days=20),
        ),
        actor=owner,
        m2m={"ai_systems": [system]},
    )
