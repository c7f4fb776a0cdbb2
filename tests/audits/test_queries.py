"""Audit lists, the API lists and the review-preparation page use a constant number
of queries whatever the number of records."""

import pytest
from django.urls import reverse

from audit.services import review_prepare

from .builders import make_action, make_audit, make_finding, make_review, start

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
