"""The management system in the portal's registries: reminders, readiness, documented
information, review inputs, the home page and the management-system pack."""

import datetime

from django.contrib.auth.models import Group
from django.urls import reverse

from aims import documented_information, readiness, roles
from aims.models import Notification
from aims.notifications import reminders_send
from aims.review_inputs import compute_inputs
from audit.services import evidence_pack_request
from governance.models import ContextIssue, ScopeVersion
from governance.services import document_publish, record_save, scope_approve, scope_save
from tests.audit.helpers import pdf_pages, stored_bytes

from .helpers import (
    approved_version,
    make_document,
    make_indicator,
    make_objective,
    measure,
)

TODAY = datetime.date.today()


def _titles(user):
    return sorted(Notification.objects.for_user(user).values_list("title", flat=True))


def test_document_reviews_missing_acknowledgements_and_measurements_fall_due(
    manager, committee, viewer
):
    document = make_document(
        manager,
        title="Use of generative AI",
        next_review_date=TODAY + datetime.timedelta(days=5),
    )
    version = approved_version(document, manager, committee)
    document.refresh_from_db()
    document.next_review_date = TODAY + datetime.timedelta(days=5)
    record_save(instance=document, actor=manager)
    document_publish(
        version=version,
        actor=manager,
        groups=Group.objects.filter(name=roles.VIEWER),
        acknowledge_by=TODAY + datetime.timedelta(days=3),
    )
    objective = make_objective(manager, title="Fair lending")
    indicator = make_indicator(
        objective, manager, name="Approval gap", frequency="monthly"
    )
    measure(indicator, manager, 95, TODAY - datetime.timedelta(days=40))
    reminders_send(today=TODAY)
    assert any("Review" in t and "Use of generative AI" in t for t in _titles(manager))
    assert any("Measure" in t and "Approval gap" in t for t in _titles(manager))
    assert any("acknowledge Use of generative AI" in t for t in _titles(viewer))


def test_readiness_judges_clauses_4_to_7_and_the_di_items(
    manager, committee, alice_system
):
    report = readiness.compute()
    by_id = {r.requirement.id: r for r in report.requirements}
    assert by_id["4.1"].status == "not_ready"
    assert by_id["4.3"].status == "not_ready"
    record_save(
        instance=ContextIssue(
            title="EU AI Act",
            kind="external",
            category="legal",
            effect="New duties.",
            owner=manager,
        ),
        actor=manager,
    )
    version = scope_save(
        version=ScopeVersion(statement="All", boundaries="All"),
        actor=manager,
        m2m={"ai_systems": [alice_system]},
    )
    blockers = readiness.compute().blockers
    assert any(
        b.source.key == "governance.unapproved_scope" and b.items for b in blockers
    )
    scope_approve(version=version, actor=committee, comment="ok")
    make_document(manager, doc_type="ai_policy")
    approved_version(
        make_document(manager, doc_type="ai_policy", title="AI policy"),
        manager,
        committee,
    )
    items = {i.item["id"]: i for i in documented_information.item_statuses()}
    assert items["DI-01"].state == "ok"
    assert items["DI-02"].state == "ok"
    report = readiness.compute()
    by_id = {r.requirement.id: r for r in report.requirements}
    assert by_id["4.1"].status == "partial"
    assert by_id["4.3"].status == "ready"
    assert not any(
        b.source.key == "governance.unapproved_scope" and b.items
        for b in report.blockers
    )


def test_review_inputs_for_context_parties_and_objectives(manager):
    objective = make_objective(manager)
    indicator = make_indicator(objective, manager)
    measure(indicator, manager, 95)
    inputs = {item.key: report for item, report in compute_inputs(TODAY, None)}
    assert inputs["governance.objectives"].data["indicators"]["on_track"] == 1
    assert "governance.context" in inputs and "governance.parties" in inputs


def test_the_home_page_asks_to_acknowledge(manager, committee, viewer, client_for):
    version = approved_version(
        make_document(manager, title="AI policy"), manager, committee
    )
    document_publish(
        version=version, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    html = client_for(viewer).get(reverse("home")).content.decode()
    assert 'id="to-acknowledge"' in html and "AI policy v1" in html


def test_the_committee_sees_indicators_off_track_and_pending_acknowledgements(
    manager, committee, viewer, client_for
):
    version = approved_version(
        make_document(manager, title="Model risk standard"), manager, committee
    )
    document_publish(
        version=version, actor=manager, groups=Group.objects.filter(name=roles.VIEWER)
    )
    objective = make_objective(manager)
    # Target 90, threshold 80: 70 is off track, 85 only at risk.
    measure(make_indicator(objective, manager, name="Explained decisions"), manager, 70)
    measure(make_indicator(objective, manager, name="Audit coverage"), manager, 85)

    html = client_for(committee).get(reverse("home")).content.decode()
    pending = html.split('id="acknowledgements-pending"')[1].split("</tr>")[0]
    assert ">1</td>" in pending  # the viewer has not acknowledged yet
    off_track = html.split('id="indicators-off-track"')[1].split("</tr>")[0]
    assert "Explained decisions" in off_track and "Audit coverage" not in off_track
    assert ">1</span>" in off_track


def test_the_management_system_pack_has_scope_policy_and_trend_charts(
    manager, committee, auditor, alice_system, django_capture_on_commit_callbacks
):
    version = scope_save(
        version=ScopeVersion(statement="Lending AI", boundaries="Lending unit"),
        actor=manager,
        m2m={"ai_systems": [alice_system]},
    )
    scope_approve(version=version, actor=committee, comment="ok")
    approved_version(
        make_document(
            manager, doc_type="ai_policy", title="AI policy", controls=["A.2.2"]
        ),
        manager,
        committee,
        text="# Our AI policy\n\nWe commit to fairness.",
    )
    objective = make_objective(manager, title="Fair lending decisions")
    indicator = make_indicator(objective, manager, name="Approval-rate gap")
    for days_ago, value in ((60, 80), (30, 85), (1, 92)):
        measure(indicator, manager, value, TODAY - datetime.timedelta(days=days_ago))
    with django_capture_on_commit_callbacks(execute=True):
        pack = evidence_pack_request(
            kind="management_system", target_id=None, parameters={}, actor=auditor
        )
    pack.refresh_from_db()
    assert pack.status == "ready", pack.error if hasattr(pack, "error") else pack.status
    text = "\n".join(pdf_pages(stored_bytes(pack)))
    assert "Lending AI" in text
    assert "We commit to fairness" in text
    assert "Approval-rate gap" in text
    assert "SHA-256" in text or "sha256" in text.lower()
