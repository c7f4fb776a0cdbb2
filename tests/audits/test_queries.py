"""Audit lists, the API lists and the review-preparation page use a constant number
of queries whatever the number of records."""

import pytest
from django.urls import reverse

from audit.services import review_prepare

from .builders import (
    days,
    make_action,
    make_audit,
    make_finding,
    make_review,
    start,
)

PAGES = [
    reverse("audit:audit_list"),
    reverse("audit:finding_list"),
    reverse("audit:nonconformity_list"),
    reverse("audit:correctiveaction_list"),
    reverse("audit:managementreview_list"),
    reverse("audit:auditprogramme_list"),
    "/api/v1/audits/",
    "/api/v1/audit-findings/",
    "/api/v1/nonconformities/",
    "/api/v1/corrective-actions/",
    "/api/v1/management-reviews/",
]


def fill(n, manager, auditor, risk_owner, committee):
    for _ in range(n):
        audit = make_audit(manager, auditor, scope_clauses=["9.2"])
        start(audit, auditor)
        finding = make_finding(audit, auditor, risk_owner)
        make_action(finding.nonconformity, risk_owner, risk_owner)
        make_review(manager, committee)


@pytest.mark.parametrize("user_name", ["manager", "risk_owner"])
def test_lists_do_not_grow_with_the_records(
    user_name,
    request,
    manager,
    auditor,
    risk_owner,
    committee,
    client_for,
    django_assert_max_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = request.getfixturevalue(user_name)
    client = client_for(user)
    fill(2, manager, auditor, risk_owner, committee)
    small = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code in (200, 403)
        small[url] = len(queries)
    fill(6, manager, auditor, risk_owner, committee)
    for url in PAGES:
        with django_assert_max_num_queries(small[url], info=url):
            client.get(url)


def test_review_preparation_page_does_not_grow(
    manager, auditor, risk_owner, committee, client_for, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review = make_review(manager, committee)
    review_prepare(review=review, actor=manager)
    client = client_for(committee)
    fill(2, manager, auditor, risk_owner, committee)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(review.get_absolute_url()).status_code == 200
    small = len(queries)
    fill(6, manager, auditor, risk_owner, committee)
    with django_assert_max_num_queries(small):
        client.get(review.get_absolute_url())


# Detail pages: the records on one page (audits of a programme, checklist lines,
# findings, evidence sampled, actions and their verifications) grow; the queries don't.


def _measure(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _grow_audit(audit, n, manager, auditor, risk_owner):
    """``n`` more findings with nonconformities, a wider scope and more evidence
    sampled on the checklist lines."""
    from audit.models import Audit
    from audit.services import audit_save, checklist_line_save
    from tests.controls.conftest import make_evidence

    audit = Audit.objects.get(pk=audit.pk)
    scope = ["9", "10", "A.6", "A.7", "A.8", "A.9"][: 2 + n // 2]
    audit.scope_clauses = [s for s in scope if not s.startswith("A.")]
    audit.scope_controls = [s for s in scope if s.startswith("A.")]
    audit_save(audit=audit, actor=manager)
    for index, line in enumerate(audit.lines.all()[:n]):
        evidence = make_evidence(
            manager, url=f"https://wiki.example.org/{audit.pk}/{line.pk}"
        )
        line.result = "conforming" if index % 2 else "observation"
        line.notes = f"Sampled {index}"
        checklist_line_save(line=line, actor=auditor, m2m={"evidence": [evidence]})
    findings = []
    for index in range(n):
        finding = make_finding(
            audit, auditor, risk_owner, requirement_id="9.1", title=f"Finding {index}"
        )
        findings.append(finding)
    return findings


@pytest.mark.parametrize("user_name", ["manager", "auditor"])
def test_audit_and_programme_pages_do_not_grow(
    user_name,
    request,
    media,
    manager,
    auditor,
    risk_owner,
    client_for,
    django_assert_max_num_queries,
):
    from django.urls import reverse

    from .builders import make_programme

    client = client_for(request.getfixturevalue(user_name))
    programme = make_programme(manager)
    audit = start(make_audit(manager, auditor, programme=programme), auditor)
    _grow_audit(audit, 2, manager, auditor, risk_owner)
    urls = [
        audit.get_absolute_url(),
        reverse("audit:audit_results", args=[audit.pk])
        if user_name == "auditor"
        else reverse("audit:audit_edit", args=[audit.pk]),
        programme.get_absolute_url(),
        reverse("audit:auditprogramme_coverage", args=[programme.pk]),
        f"/api/v1/audits/{audit.pk}/",
        f"/api/v1/audit-checklist-lines/?audit={audit.pk}",
        "/api/v1/audit-programmes/",
    ]
    small = {url: _measure(client, url) for url in urls}
    _grow_audit(audit, 8, manager, auditor, risk_owner)
    for index in range(4):
        make_audit(
            manager,
            auditor,
            programme=programme,
            title=f"Audit {index}",
            scope_controls=["A.6.2.4"],
        )
    for url in urls:
        with django_assert_max_num_queries(small[url], info=url):
            assert client.get(url).status_code == 200


def test_finding_nonconformity_and_action_pages_do_not_grow(
    media,
    manager,
    auditor,
    risk_owner,
    committee,
    client_for,
    django_assert_max_num_queries,
):
    from audit.services import effectiveness_verify

    from .builders import complete

    audit = start(make_audit(manager, auditor), auditor)
    finding = make_finding(audit, auditor, risk_owner)
    nonconformity = finding.nonconformity
    action = make_action(nonconformity, risk_owner, risk_owner)

    def grow(n):
        nonlocal action
        for index in range(n):
            complete(action, risk_owner)
            # Not effective: the verification reopens it with a new action.
            effectiveness_verify(
                action=action,
                actor=manager,
                effective=False,
                notes=f"Still missing {index}",
                verified_on=days(0),
                new_action={
                    "description": f"Try again {index}",
                    "owner": risk_owner,
                    "due_date": days(30),
                    "verify_after_days": 0,
                },
            )
            action = nonconformity.actions.order_by("-pk").first()

    urls = [
        finding.get_absolute_url(),
        nonconformity.get_absolute_url(),
        action.get_absolute_url(),
        f"/api/v1/nonconformities/{nonconformity.pk}/",
        "/api/v1/effectiveness-verifications/",
    ]
    clients = [client_for(manager), client_for(risk_owner)]
    grow(1)
    small = {
        (index, url): _measure(client, url)
        for index, client in enumerate(clients)
        for url in urls
    }
    first_action = action
    grow(6)
    for index, client in enumerate(clients):
        for url in urls:
            with django_assert_max_num_queries(small[index, url], info=url):
                assert client.get(url).status_code == 200
    assert first_action.pk != action.pk
