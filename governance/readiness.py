"""What the management system's records tell the readiness view: judges for clauses 4
to 7 and 9.1, the documented-information items they hold, and the blocker of a scope
that is drafted but not approved. All of them read one set of figures
(``governance.facts``), so the readiness page costs a fixed handful of queries; they
name counts and references, never titles."""

import datetime

from django.urls import reverse

from aims.documented_information import ItemStatus, Source
from aims.documented_information import register as register_item
from aims.readiness import (
    BlockerItem,
    BlockerSource,
    Judge,
    Judgement,
    Readiness,
    register_blocker,
    register_judge,
)

from .document_items import document_item_ids
from .facts import readiness_facts

READY, PARTIAL, NOT_READY = Readiness.READY, Readiness.PARTIAL, Readiness.NOT_READY


def _url(name):
    return reverse(f"governance:{name}")


def _approved_ai_policy():
    from .choices import DocumentType, VersionStatus
    from .models import DocumentVersion

    return (
        DocumentVersion.objects.filter(
            document__doc_type=DocumentType.AI_POLICY, status=VersionStatus.APPROVED
        )
        .select_related("document")
        .order_by("-approved_at")
        .first()
    )


def _three(good: bool, some: bool) -> Readiness:
    return READY if good else (PARTIAL if some else NOT_READY)


def _judge(as_of) -> dict[str, Judgement]:
    facts = readiness_facts(as_of)
    c = facts.counts
    found: dict[str, Judgement] = {}

    problems = []
    if not c["issues_open"]:
        problems.append("no external or internal issues recorded")
    if not c["ai_roles"]:
        problems.append("the organisation's AI roles are not recorded")
    if not c["climate_decided"]:
        problems.append("whether climate change is relevant is not decided")
    found["4.1"] = Judgement(
        _three(not problems, bool(c["issues_open"] or c["ai_roles"])),
        f"{c['issues_open']} open issues, {c['ai_roles']} AI roles recorded"
        + (f"; {'; '.join(problems)}." if problems else "."),
        "Complete the context: " + "; ".join(problems) + "." if problems else "",
        url=_url("context"),
    )
    found["4.2"] = Judgement(
        _three(bool(c["parties"] and c["adopted"]), bool(c["parties"])),
        f"{c['parties']} interested parties, {c['adopted']} requirements adopted by the AIMS.",
        ""
        if c["parties"] and c["adopted"]
        else "Record the parties and which of their needs the AIMS addresses.",
        url=_url("interestedparty_list"),
    )
    # Leadership may be shown by minutes kept elsewhere: until a role or commitment is
    # recorded here, 5.1 is left to a self-assessment.
    if c["top_roles"] or c["commitments"]:
        found["5.1"] = Judgement(
            _three(bool(c["top_roles"] and c["commitments"]), True),
            f"{c['top_roles']} top-management roles, {c['commitments']} recorded commitments.",
            ""
            if c["top_roles"] and c["commitments"]
            else "Record top management's roles and its commitments with dates.",
            url=_url("aimsrole_list"),
        )
    if c["roles"]:
        found["5.3"] = Judgement(
            READY if not c["roles_unheld"] else PARTIAL,
            f"{c['roles']} AIMS roles, {c['roles_unheld']} without a holder.",
            "" if not c["roles_unheld"] else "Assign every AIMS role.",
            url=_url("aimsrole_list"),
        )
    if c["changes"]:
        found["6.3"] = Judgement(
            READY,
            f"{c['changes']} planned changes recorded.",
            url=_url("plannedchange_list"),
        )
    if c["competence_requirements"]:
        found["7.2"] = Judgement(
            READY if not facts.gaps else PARTIAL,
            f"{c['competence_requirements']} competence requirements, {facts.gaps} gaps.",
            "" if not facts.gaps else "Close the competence gaps.",
            url=_url("competence"),
        )
    if facts.policy is None:
        found["7.3"] = Judgement(
            NOT_READY,
            "No approved AI policy to make people aware of.",
            "Approve and publish the AI policy.",
            url=_url("document_list"),
        )
    else:
        total, done = facts.policy_audience, facts.policy_acknowledged
        percent = round(100 * done / total) if total else 0
        found["7.3"] = Judgement(
            _three(bool(total) and percent >= 90, bool(total)),
            f"{facts.policy.document.reference} v{facts.policy.number}: {percent} % of "
            f"{total} people acknowledged it.",
            ""
            if total and percent >= 90
            else "Publish the AI policy and follow up the acknowledgements.",
            url=facts.policy.get_absolute_url(),
        )
    if c["communications"]:
        good = c["communication_records"] and not c["communications_overdue"]
        found["7.4"] = Judgement(
            READY if good else PARTIAL,
            f"{c['communications']} planned communications, {c['communication_records']} "
            f"records, {c['communications_overdue']} overdue.",
            "" if good else "Hold the planned communications and record them.",
            url=_url("communicationitem_list"),
        )
    total = c["documents"] + c["external"]
    approved = c["documents_approved"] + c["external_approved"]
    if total:
        found["7.5.2"] = Judgement(
            READY if approved == total else PARTIAL,
            f"{approved} of {total} documents have an approved version.",
            "" if approved == total else "Review and approve every document.",
            url=_url("document_list"),
        )
        found["7.5.3"] = Judgement(
            READY if not c["documents_overdue"] else PARTIAL,
            f"{c['documents_overdue']} documents past their review date.",
            "" if not c["documents_overdue"] else "Review the documents that are due.",
            url=_url("document_list"),
        )
    return found


def _scope_item(as_of) -> ItemStatus:
    facts = readiness_facts(as_of)
    version = facts.scope
    if version is None:
        return ItemStatus(
            present=facts.scope_draft,
            approved=False if facts.scope_draft else None,
            summary="A draft scope awaits approval."
            if facts.scope_draft
            else "No scope yet.",
            url=_url("scope"),
        )
    return ItemStatus(
        present=True,
        approved=True,
        current=version.next_review_date is None or version.next_review_date >= as_of,
        summary=f"Scope v{version.number} approved {version.approved_at:%Y-%m-%d}, "
        f"{facts.scope_systems} AI systems in scope.",
        url=version.get_absolute_url(),
    )


def _policy_item(as_of) -> ItemStatus:
    facts = readiness_facts(as_of)
    policy = facts.policy
    if policy is None:
        exists = bool(facts.counts["ai_policies"])
        return ItemStatus(
            present=exists,
            approved=False if exists else None,
            summary="The AI policy is not approved yet." if exists else "No AI policy.",
            url=_url("document_list"),
        )
    review = policy.document.next_review_date
    return ItemStatus(
        present=True,
        approved=True,
        current=review is None or review >= as_of,
        summary=f"{policy.document.reference} v{policy.number} approved, effective "
        f"{policy.effective_date}.",
        url=policy.get_absolute_url(),
    )


def _objectives_item(prefix: str):
    def judge(as_of) -> ItemStatus:
        c = readiness_facts(as_of).counts
        total, measured = c[f"{prefix}objectives"], c[f"{prefix}objectives_measured"]
        return ItemStatus(
            present=bool(total),
            done=measured if total else None,
            total=total or None,
            summary=f"{measured} of {total} objectives have indicators.",
            url=_url("objective_list"),
        )

    return judge


def _monitoring_item(as_of) -> ItemStatus:
    indicators = readiness_facts(as_of).indicators
    recent = sum(
        1
        for days, measured in indicators
        if measured is not None
        and measured >= as_of - datetime.timedelta(days=days + 7)
    )
    return ItemStatus(
        present=any(measured for _, measured in indicators),
        done=recent if indicators else None,
        total=len(indicators) or None,
        summary=f"{recent} of {len(indicators)} indicators have recent measurements.",
        url=_url("measurement_list"),
    )


def _competence_item(as_of) -> ItemStatus:
    facts = readiness_facts(as_of)
    records = facts.counts["training_records"]
    return ItemStatus(
        present=bool(records),
        current=not facts.gaps if records else None,
        summary=f"{records} training records, {facts.gaps} gaps.",
        url=_url("competence"),
    )


def _register_item(prefix: str):
    def judge(as_of) -> ItemStatus:
        c = readiness_facts(as_of).counts
        total, approved = c[prefix], c[f"{prefix}_approved"]
        return ItemStatus(
            present=bool(total),
            done=approved if total else None,
            total=total or None,
            summary=f"{approved} of {total} documents with an approved version.",
            url=_url("document_list"),
        )

    return judge


def _declared_item(item_id: str):
    """An item held by the documents that declare it: as good as the best of them."""

    def judge(as_of) -> ItemStatus:
        documents = readiness_facts(as_of).declared.get(item_id, [])
        if not documents:
            return ItemStatus(
                present=False,
                summary="No document in the register declares it.",
                url=_url("document_list"),
            )
        approved = [d for d in documents if d.approved]
        in_date = [
            d
            for d in approved
            if d.next_review_date is None or d.next_review_date >= as_of
        ]
        best = (in_date or approved or documents)[0]
        references = ", ".join(d.reference for d in documents)
        if not approved:
            summary = f"{references}: no approved version yet."
        elif not in_date:
            summary = f"{references}: approved, past its review date."
        else:
            summary = f"{best.reference} approved and in date."
        return ItemStatus(
            present=True,
            approved=bool(approved),
            current=bool(in_date) if approved else None,
            summary=summary,
            url=reverse("governance:document_detail", args=[best.pk]),
        )

    return judge


def _unapproved_scope(as_of) -> list[BlockerItem]:
    facts = readiness_facts(as_of)
    if facts.scope is not None or not facts.scope_draft:
        return []
    return [
        BlockerItem(
            reference="Scope", title="The AIMS scope is not approved", url=_url("scope")
        )
    ]


def register() -> None:
    register_judge(Judge("governance.management_system", "Management system", _judge))
    for item_id, label, judge in (
        ("DI-01", "AIMS scope versions", _scope_item),
        ("DI-02", "AI policy in the document register", _policy_item),
        # The reference file: the same record as DI-02.
        ("DI-A01", "AI policy in the document register", _policy_item),
        ("DI-10", "AI objectives register", _objectives_item("")),
        ("DI-A10", "Responsible-development objectives", _objectives_item("dev_")),
        ("DI-A27", "Responsible-use objectives", _objectives_item("use_")),
        ("DI-11", "Competence and training records", _competence_item),
        ("DI-12", "Document register", _register_item("documents")),
        ("DI-13", "Documents of external origin", _register_item("external")),
        ("DI-18", "Indicator measurements", _monitoring_item),
    ):
        register_item(Source(item_id, label, judge))
    for item_id in document_item_ids():
        register_item(
            Source(
                item_id, "Controlled document declared for it", _declared_item(item_id)
            )
        )
    register_blocker(
        BlockerSource(
            "governance.unapproved_scope",
            "AIMS scope not approved",
            action="Have the committee approve the draft scope.",
            find=_unapproved_scope,
        )
    )
