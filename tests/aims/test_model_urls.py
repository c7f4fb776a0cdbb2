"""``model_urls()``: the standard paths of a record type, under a prefix, without the
paths a record kept as made does not have."""

from django.urls import reverse

from aims.views.urls import model_urls
from audit.models import EvidencePack, Finding
from audit.views import findings, packs


def _routes(patterns):
    return {p.name: str(p.pattern) for p in patterns}


def test_it_gives_every_standard_path_under_the_prefix():
    routes = _routes(
        model_urls(
            Finding,
            prefix="findings/",
            list=findings.FindingListView,
            detail=findings.FindingDetailView,
            edit=findings.FindingEditView,
            delete=findings.FindingDeleteView,
        )
    )
    assert routes == {
        "finding_list": "findings/",
        "finding_add": "findings/add/",
        "finding_detail": "findings/<int:pk>/",
        "finding_edit": "findings/<int:pk>/edit/",
        "finding_delete": "findings/<int:pk>/delete/",
        "finding_history": "findings/<int:pk>/history/",
        "finding_tab": "findings/<int:pk>/tab/<slug:tab>/",
    }


def test_a_record_kept_as_made_has_no_edit_delete_or_history_path():
    routes = _routes(
        model_urls(
            EvidencePack,
            prefix="packs/",
            list=packs.EvidencePackListView,
            add=packs.EvidencePackRequestView,
            detail=packs.EvidencePackDetailView,
            history=None,
            tab=None,
        )
    )
    assert routes == {
        "evidencepack_list": "packs/",
        "evidencepack_add": "packs/add/",
        "evidencepack_detail": "packs/<int:pk>/",
    }


def test_the_audit_app_keeps_its_addresses():
    assert reverse("audit:evidencepack_add") == "/audits/packs/add/"
    assert reverse("audit:auditorbundle_detail", args=[3]) == "/audits/bundles/3/"
    assert reverse("audit:finding_history", args=[3]) == "/audits/findings/3/history/"
    assert reverse("audit:audit_detail", args=[3]) == "/audits/3/"
    assert reverse("audit:audit_results", args=[3]) == "/audits/3/results/"
