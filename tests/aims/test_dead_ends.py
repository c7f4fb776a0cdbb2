"""No dead ends: every link a page shows its reader opens for that reader (no 403, no
500), persona by persona."""

import re
from urllib.parse import urlsplit

import pytest

from tests.factories import make_risk

START_PAGES = (
    "/",
    "/register/",
    "/risks/",
    "/controls/",
    "/controls/evidence/",
    "/impact/",
    "/audits/",
    "/audits/findings/",
    "/incidents/",
    "/management-system/",
    "/management-system/documents/",
    "/notifications/due/",
)
LINK = re.compile(r'<a\s[^>]*href="(/[^"#]*)"')
# Downloads and exports answer with files (and count against the export limit).
SKIPPED = ("export=", "/download", "/static/", "/admin/", "/api/")


def _links(html: str) -> set[str]:
    links = set()
    for href in LINK.findall(html):
        href = href.replace("&amp;", "&")
        if not any(part in href for part in SKIPPED):
            links.add(href)
    return links


@pytest.mark.parametrize(
    "persona", ["committee", "manager", "auditor", "viewer", "alice", "risk_owner"]
)
def test_no_link_leads_a_persona_to_a_refusal(
    persona, request, alice_system, risk_owner, manager, client_for
):
    risk = make_risk(risk_owner, alice_system, actor=manager)
    user = request.getfixturevalue(persona)
    client = client_for(user)
    starts = [*START_PAGES, alice_system.get_absolute_url(), risk.get_absolute_url()]
    seen: dict[str, int] = {}
    dead = []
    for start in starts:
        response = client.get(start)
        if response.status_code != 200:
            continue  # a page the persona may not open is not linked for them (below)
        for link in sorted(_links(response.content.decode())):
            path = urlsplit(link).path
            if path in seen:
                continue
            seen[path] = client.get(link).status_code
            if seen[path] in (403, 500):
                dead.append(f"{start} -> {link}: {seen[path]}")
    assert dead == []
    assert len(seen) > 10
