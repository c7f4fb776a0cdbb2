"""The AI system pack prints the system's life: resources, datasets with provenance,
suppliers, life-cycle records and the release gate, incidents and post-market
monitoring; and it never names a record its requester may not see."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from registry.life_services import child_save, dataset_save, supplier_save
from registry.models import (
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    Responsibility,
    Supplier,
    SystemDataset,
    SystemResource,
)
from tests.audit.helpers import request_pack, stored_bytes
from tests.audit.test_long_words import pdf_text
from tests.factories import make_user

from .helpers import make_incident, make_serious
from .monitoring_helpers import high_risk_system, make_metric, make_plan, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def lived_system(alice, manager):
    system = high_risk_system(alice, name="Screener")
    vendor = supplier_save(
        supplier=Supplier(name="HireSenseVendor", supplies=["model"]), actor=manager
    )
    child_save(
        record=SystemResource(
            ai_system=system,
            kind="model",
            name="RankerModel",
            component_version="4.2",
            supplier=vendor,
            stages=["deployed"],
        ),
        actor=alice,
    )
    dataset = dataset_save(
        dataset=Dataset(name="ApplicantsArchive", owner=alice), actor=alice
    )
    child_save(
        record=ProvenanceEntry(
            dataset=dataset,
            occurred_on=timezone.localdate() - datetime.timedelta(days=30),
            kind="origin",
            description="ExportedFromTheATS",
            performed_by="HR data team",
        ),
        actor=alice,
    )
    child_save(
        record=SystemDataset(ai_system=system, dataset=dataset, role="training"),
        actor=alice,
    )
    child_save(
        record=Responsibility(
            ai_system=system,
            activity="RetrainingQuarterly",
            party="supplier",
            supplier=vendor,
        ),
        actor=alice,
    )
    child_save(
        record=LifecycleRecord(
            ai_system=system,
            kind="requirements",
            title="ScreenerRequirementsSpec",
            summary="What it must do.",
        ),
        actor=alice,
    )
    make_serious(make_incident(system, alice, title="AgeBiasIncident"), manager)
    plan = make_plan(system, alice, scope="FairnessAcrossAgeGroups")
    metric = make_metric(plan, alice, name="SelectionRateRatio")
    record(metric, alice, "0.6", days_ago=1)
    return system


def test_the_pack_prints_every_part_of_the_systems_life(
    auditor, lived_system, django_capture_on_commit_callbacks, tmp_path
):
    pack = request_pack(
        auditor, lived_system, capture=django_capture_on_commit_callbacks
    )
    assert pack.status == "ready", pack.error
    text = pdf_text(stored_bytes(pack), tmp_path)
    for heading in (
        "Resourcesandcomponents(A.4)",
        "Datasets,provenanceandquality(A.7)",
        "Suppliersandresponsibilities(A.10)",
        "Life-cyclerecordsandreleasegate(A.6.2)",
        "Incidents(A.8.4;EUAIActArt.73)",
        "Post-marketmonitoring(EUAIActArt.72)",
    ):
        assert heading in text
    for value in (
        "RankerModel4.2",
        "HireSenseVendor",
        "ApplicantsArchive",
        "ExportedFromTheATS",
        "RetrainingQuarterly",
        "ScreenerRequirementsSpec",
        "AgeBiasIncident",
        "FairnessAcrossAgeGroups",
        "SelectionRateRatio",
        "Monitoringthresholdbreached",
    ):
        assert value in text, value
    # The sections follow the register entry, in the order of the system's life.
    assert text.index("Resourcesandcomponents(A.4)") < text.index(
        "Post-marketmonitoring(EUAIActArt.72)"
    )


def test_the_pack_does_not_name_what_the_requester_may_not_see(
    lived_system, django_capture_on_commit_callbacks, tmp_path
):
    # May request packs and read the change log and the register, but neither the
    # dataset register nor the supplier register.
    reader = make_user("reader")
    reader.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=("audit", "aims", "registry"),
            codename__in=(
                "add_evidencepack",
                "view_evidencepack",
                "view_objectchange",
                "view_aisystem",
            ),
        )
    )
    pack = request_pack(
        reader, lived_system, capture=django_capture_on_commit_callbacks
    )
    assert pack.status == "ready", pack.error
    text = pdf_text(stored_bytes(pack), tmp_path)
    # The sections of the system's life, up to the change history (which prints the
    # system's own records, e.g. the dataset link, as the change log holds them).
    life = text[
        text.rindex("Resourcesandcomponents(A.4)") : text.rindex("Changehistory")
    ]
    assert "RankerModel" in life  # the system's own records: seen with the system
    assert "ApplicantsArchive" not in life and "ExportedFromTheATS" not in life
    assert "HireSenseVendor" not in life
    assert "1moredatasetlink(s)youmaynotsee" in life
