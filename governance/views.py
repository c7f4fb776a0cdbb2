"""Pages of the management system: configured generic views plus the workflow steps
(approve, publish, acknowledge, compare, import)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from . import filtersets, forms, tables
from .approvals import TopManagement, requires_top_management
from .charts import trend_chart
from .choices import ScopeStatus, VersionStatus
from .markdown import render_markdown
from .models import (
    AimsRole,
    Commitment,
    CommunicationItem,
    CommunicationRecord,
    CompetenceRequirement,
    ContextIssue,
    Document,
    DocumentVersion,
    Indicator,
    InterestedParty,
    Measurement,
    Objective,
    OrganisationContext,
    PartyRequirement,
    PlannedChange,
    RoleAssignment,
    ScopeVersion,
    SystemRoleAssignment,
    TrainingRecord,
)
from .schedule import schedule_for
from .selectors import indicator_rows, overview
from .services import (
    FrozenRecord,
    acknowledge,
    acknowledgement_status,
    document_publish,
    document_save,
    document_version_approve,
    document_version_save,
    document_version_submit,
    document_version_withdraw,
    line_diff,
    may_approve,
    may_record_measurement,
    measurement_save,
    measurements_import,
    organisation_context,
    organisation_context_save,
    record_save,
    scope_approve,
    scope_compare,
    scope_current,
    scope_save,
    to_acknowledge,
)


class RecordEditView(generic.ObjectEditView):
    """Saves through ``record_save`` (references, change log); child records take their
    parent from the query string (``?party=3``) when added from the parent's page."""

    parent_field: str | None = None

    def get_initial(self):
        initial = {}
        if self.parent_field and self.request.GET.get(self.parent_field, "").isdigit():
            initial[self.parent_field] = int(self.request.GET[self.parent_field])
        if "owner" in self.form_class.base_fields:
            initial["owner"] = self.request.user.pk
        return initial

    def save(self, form):
        return record_save(
            instance=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


# Overview and context (4.1)


class OverviewView(View):
    def get(self, request):
        if not can(request.user, "view", ContextIssue):
            raise PermissionDenied("You may not see the management system's records.")
        return render(request, "governance/overview.html", overview(request.user))


class ContextView(View):
    def get(self, request):
        if not can(request.user, "view", OrganisationContext):
            raise PermissionDenied("You may not see the organisation's context.")
        issues = visible_to(
            ContextIssue.objects.select_related("owner"), request.user
        ).order_by("status", "kind", "reference")
        return render(
            request,
            "governance/context.html",
            {
                "context_record": organisation_context(),
                "issues": issues,
                "can_change": can(request.user, "change", OrganisationContext),
                "can_add_issue": can(request.user, "add", ContextIssue),
            },
        )


class OrganisationContextEditView(generic.ObjectEditView):
    queryset = OrganisationContext.objects.all()
    form_class = forms.OrganisationContextForm

    def get_object(self, **kwargs):
        return super().get_object(pk=organisation_context().pk)

    def save(self, form):
        return organisation_context_save(
            context=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class ContextIssueListView(generic.ObjectListView):
    queryset = ContextIssue.objects.select_related("owner")
    filterset_class = filtersets.ContextIssueFilterSet
    table_class = tables.ContextIssueTable


class ContextIssueDetailView(generic.ObjectDetailView):
    queryset = ContextIssue.objects.select_related("owner")
    fieldsets = [
        ("Issue", ["kind", "category", "description", "effect", "source"]),
        ("Follow-up", ["is_climate_change", "owner", "review_date", "status"]),
    ]


class ContextIssueEditView(RecordEditView):
    queryset = ContextIssue.objects.all()
    form_class = forms.ContextIssueForm


class ContextIssueDeleteView(generic.ObjectDeleteView):
    queryset = ContextIssue.objects.all()


# Interested parties (4.2)


class InterestedPartyListView(generic.ObjectListView):
    queryset = InterestedParty.objects.select_related("owner")
    filterset_class = filtersets.InterestedPartyFilterSet
    table_class = tables.InterestedPartyTable


class InterestedPartyDetailView(generic.ObjectDetailView):
    queryset = InterestedParty.objects.select_related("owner")
    template_name = "governance/interestedparty_detail.html"
    fieldsets = [
        ("Party", ["kind", "needs_and_expectations", "owner", "review_date", "status"])
    ]

    def get_extra_context(self, party):
        return {
            "requirements": party.requirements.prefetch_related(
                "controls", "documents", "objectives"
            ),
            "can_add_requirement": can(self.request.user, "add", PartyRequirement),
        }


class InterestedPartyEditView(RecordEditView):
    queryset = InterestedParty.objects.all()
    form_class = forms.InterestedPartyForm


class InterestedPartyDeleteView(generic.ObjectDeleteView):
    queryset = InterestedParty.objects.all()


class PartyRequirementListView(generic.ObjectListView):
    queryset = PartyRequirement.objects.select_related("party")
    filterset_class = filtersets.PartyRequirementFilterSet
    table_class = tables.PartyRequirementTable


class PartyRequirementDetailView(generic.ObjectDetailView):
    queryset = PartyRequirement.objects.select_related("party")
    fieldsets = [
        ("Requirement", ["party", "requirement", "adopted", "how_addressed"]),
        ("Addressed by", ["controls", "documents", "objectives"]),
    ]


class PartyRequirementEditView(RecordEditView):
    queryset = PartyRequirement.objects.all()
    form_class = forms.PartyRequirementForm
    parent_field = "party"


class PartyRequirementDeleteView(generic.ObjectDeleteView):
    queryset = PartyRequirement.objects.all()


# Scope (4.3)


class ScopeView(View):
    """The scope in force (or the draft being prepared)."""

    def get(self, request):
        if not can(request.user, "view", ScopeVersion):
            raise PermissionDenied("You may not see the scope.")
        current = scope_current()
        if current is not None:
            return redirect(current.get_absolute_url())
        return render(
            request,
            "governance/scope_empty.html",
            {"can_add": can(request.user, "add", ScopeVersion)},
        )


class ScopeVersionListView(generic.ObjectListView):
    queryset = ScopeVersion.objects.select_related("approved_by")
    filterset_class = filtersets.ScopeVersionFilterSet
    table_class = tables.ScopeVersionTable


class ScopeVersionDetailView(generic.ObjectDetailView):
    queryset = ScopeVersion.objects.select_related("approved_by", "based_on")
    template_name = "governance/scopeversion_detail.html"
    fieldsets = [
        ("Statement", ["statement", "boundaries", "units_and_sites"]),
        (
            "Interfaces and exclusions",
            ["interfaces", "exclusions", "exclusion_justification"],
        ),
        (
            "This version",
            [
                "status",
                "based_on",
                "summary_of_changes",
                "next_review_date",
                "approved_by",
                "approved_at",
                "approval_comment",
            ],
        ),
    ]

    def get_extra_context(self, version):
        from registry.models import AISystem

        user = self.request.user
        systems = visible_to(
            AISystem.objects.filter(scope_versions=version).select_related("owner"),
            user,
        )
        return {
            **_approval_context(
                user, version, version.approved_by, version.approved_at
            ),
            "systems": systems,
            "hidden_systems": version.ai_systems.count() - systems.count(),
            "may_approve": version.is_draft
            and user.has_perm("governance.approve_scopeversion"),
            "approve_form": forms.ApproveForm(),
            "versions": ScopeVersion.objects.order_by("-number").only(
                "pk", "number", "status"
            ),
            "can_new_draft": can(user, "add", ScopeVersion)
            and not ScopeVersion.objects.filter(status=ScopeStatus.DRAFT).exists(),
        }


class ScopeVersionEditView(generic.ObjectEditView):
    queryset = ScopeVersion.objects.all()
    form_class = forms.ScopeVersionForm

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.pk is not None and not obj.is_draft:
            raise FrozenRecord(
                f"Scope version {obj.number} is approved and frozen; start a new draft."
            )
        return obj

    def get_initial(self):
        """A new draft starts from the newest approved version."""
        base = ScopeVersion.objects.approved().order_by("-number").first()
        if base is None:
            return {}
        from .services import SCOPE_FIELDS

        initial = {name: getattr(base, name) for name in SCOPE_FIELDS}
        initial["ai_systems"] = list(base.ai_systems.values_list("pk", flat=True))
        return initial

    def save(self, form):
        return scope_save(
            version=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class ScopeVersionDeleteView(generic.ObjectDeleteView):
    queryset = ScopeVersion.objects.all()

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if not obj.is_draft:
            raise FrozenRecord("An approved scope version is kept for good.")
        return obj


class ScopeApproveView(SensitiveActionMixin, generic.ObjectTransitionView):
    queryset = ScopeVersion.objects.all()
    service = scope_approve
    object_arg = "version"
    form_class = forms.ApproveForm
    success_message = "Scope version {object.number} approved."


class ScopeCompareView(View):
    def get(self, request):
        if not can(request.user, "view", ScopeVersion):
            raise Http404("No scope")
        versions = list(ScopeVersion.objects.order_by("number"))
        by_number = {v.number: v for v in versions}
        numbers = list(by_number)
        try:
            a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else 0))
            b = int(request.GET.get("b", numbers[-1] if numbers else 0))
        except ValueError:
            a = b = 0
        left, right = by_number.get(a), by_number.get(b)
        changes = scope_compare(left, right) if left and right else None
        return render(
            request,
            "governance/scope_compare.html",
            {
                "versions": versions,
                "left": left,
                "right": right,
                "changes": changes,
            },
        )


# Documents (5.2, 7.5)


class DocumentListView(generic.ObjectListView):
    queryset = Document.objects.select_related("owner").with_current_version()
    filterset_class = filtersets.DocumentFilterSet
    table_class = tables.DocumentTable


class DocumentDetailView(generic.ObjectDetailView):
    queryset = Document.objects.select_related("owner")
    template_name = "governance/document_detail.html"
    fieldsets = [
        ("Document", ["doc_type", "purpose", "owner", "classification"]),
        (
            "Control (7.5.3)",
            [
                "retention",
                "review_interval_months",
                "next_review_date",
                "controls",
                "external_source",
                "external_edition",
            ],
        ),
        ("Documented information (7.5.1)", ["documented_information"]),
    ]

    def get_extra_context(self, document):
        versions = list(
            document.versions.select_related("author", "approver", "evidence")
        )
        current = next(
            (v for v in versions if v.status == VersionStatus.APPROVED), None
        )
        top = TopManagement()
        return {
            "versions": [(v, top.of_version(v)) for v in versions],
            "current": current,
            "current_approval": top.of_version(current) if current else None,
            "current_html": render_markdown(current.text) if current else "",
            "acknowledgements": acknowledgement_status(current) if current else None,
            "can_add_version": can(self.request.user, "add", DocumentVersion),
        }


class DocumentEditView(RecordEditView):
    queryset = Document.objects.all()
    form_class = forms.DocumentForm

    def save(self, form):
        return document_save(
            document=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class DocumentDeleteView(generic.ObjectDeleteView):
    queryset = Document.objects.all()

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.versions.exclude(status=VersionStatus.DRAFT).exists():
            raise PermissionDenied(
                "A document with reviewed or approved versions is kept (7.5.3); "
                "withdraw its versions instead."
            )
        return obj


class DocumentVersionListView(generic.ObjectListView):
    queryset = DocumentVersion.objects.select_related("document", "author", "approver")
    filterset_class = filtersets.DocumentVersionFilterSet
    table_class = tables.DocumentVersionTable


class DocumentVersionDetailView(generic.ObjectDetailView):
    queryset = DocumentVersion.objects.select_related(
        "document", "author", "approver", "evidence"
    )
    template_name = "governance/documentversion_detail.html"
    fieldsets = [
        (
            "Version",
            [
                "document",
                "status",
                "change_summary",
                "author",
                "approver",
                "approved_at",
                "approval_comment",
                "effective_date",
                "evidence",
            ],
        )
    ]

    def get_extra_context(self, version):
        user = self.request.user
        others = version.document.versions.exclude(pk=version.pk).order_by("-number")
        return {
            **_approval_context(user, version, version.approver, version.approved_at),
            "html": render_markdown(version.text),
            "may_approve": version.is_editable
            and may_approve(user, version)
            and version.author_id != user.pk,
            "is_author": version.author_id == user.pk,
            "may_submit": version.status == VersionStatus.DRAFT
            and can(user, "change", version),
            "may_publish": version.is_published and can(user, "add", _publication()),
            "may_withdraw": version.status
            in (VersionStatus.APPROVED, VersionStatus.DRAFT, VersionStatus.IN_REVIEW)
            and may_approve(user, version),
            "approve_form": forms.ApproveForm(),
            "acknowledgements": acknowledgement_status(version)
            if version.is_published
            else None,
            "others": others,
            "is_editable": version.is_editable,
        }


def _approval_context(user, record, person, at) -> dict:
    """The approval and, for the approval form, who top management is and whether
    ``user`` is (one query)."""
    top = TopManagement()
    approval = top.approval(record, person, at)
    required = requires_top_management(record)
    return {
        "approval": approval,
        "approval_clause": "5.2, the AI policy"
        if isinstance(record, DocumentVersion)
        else "4.3, the scope",
        "top_holders": top.holders(),
        "approval_needs_top_management": required,
        "approver_is_top_management": bool(top.roles_of(user.pk, timezone.localdate())),
    }


def _publication():
    from .models import Publication

    return Publication


class DocumentVersionEditView(generic.ObjectEditView):
    queryset = DocumentVersion.objects.select_related("document")
    form_class = forms.DocumentVersionForm

    def new_object(self, **kwargs):
        obj = super().new_object(**kwargs)
        document_id = self.request.GET.get("document", "")
        if not document_id.isdigit():
            raise Http404("Add a version from its document's page.")
        obj.document = get_object_or_404(
            visible_to(Document.objects, self.request.user), pk=int(document_id)
        )
        return obj

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.pk is not None and not obj.is_editable:
            raise FrozenRecord(
                f"{obj} is {obj.get_status_display().lower()} and frozen."
            )
        return obj

    def get_initial(self):
        document_id = self.request.GET.get("document", "")
        latest = (
            DocumentVersion.objects.filter(document_id=document_id)
            .order_by("-number")
            .first()
            if document_id.isdigit()
            else None
        )
        return {"text": latest.text} if latest else {}

    def save(self, form):
        return document_version_save(
            version=form.instance,
            actor=self.request.user,
            upload=form.cleaned_data.get("file"),
            expected_version=form.cleaned_data.get("_version"),
        )


class DocumentVersionDeleteView(generic.ObjectDeleteView):
    queryset = DocumentVersion.objects.select_related("document")

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.status != VersionStatus.DRAFT:
            raise FrozenRecord("Only a draft version is deleted.")
        return obj


def _version_for(request, pk):
    return get_object_or_404(
        visible_to(DocumentVersion.objects.select_related("document"), request.user),
        pk=pk,
    )


class _VersionTransitionView(generic.ObjectTransitionView):
    queryset = DocumentVersion.objects.select_related("document")
    object_arg = "version"


class DocumentVersionSubmitView(_VersionTransitionView):
    action = "change"
    service = document_version_submit
    success_message = "{object} submitted for approval."


class DocumentVersionApproveView(SensitiveActionMixin, _VersionTransitionView):
    service = document_version_approve
    form_class = forms.ApproveForm
    success_message = "{object} approved and in force."


class DocumentVersionWithdrawView(SensitiveActionMixin, _VersionTransitionView):
    service = document_version_withdraw
    form_class = forms.ReasonForm
    success_message = "{object} withdrawn."


class DocumentVersionPublishView(View):
    template_name = "governance/documentversion_publish.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "add", _publication()):
            raise PermissionDenied("You may not publish documents.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        version = _version_for(request, pk)
        return render(
            request,
            self.template_name,
            {"version": version, "form": forms.PublishForm()},
        )

    def post(self, request, pk):
        version = _version_for(request, pk)
        form = forms.PublishForm(request.POST)
        if form.is_valid():
            try:
                document_publish(
                    version=version,
                    actor=request.user,
                    groups=form.cleaned_data["groups"],
                    message=form.cleaned_data["message"],
                    acknowledge_by=form.cleaned_data["acknowledge_by"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{version} published.")
                return redirect(version.get_absolute_url())
        return render(
            request, self.template_name, {"version": version, "form": form}, status=400
        )


class DocumentVersionCompareView(View):
    def get(self, request, pk):
        document = get_object_or_404(visible_to(Document.objects, request.user), pk=pk)
        versions = list(document.versions.order_by("number"))
        by_number = {v.number: v for v in versions}
        numbers = list(by_number)
        try:
            a = int(request.GET.get("a", numbers[-2] if len(numbers) > 1 else 0))
            b = int(request.GET.get("b", numbers[-1] if numbers else 0))
        except ValueError:
            a = b = 0
        left, right = by_number.get(a), by_number.get(b)
        return render(
            request,
            "governance/document_compare.html",
            {
                "document": document,
                "versions": versions,
                "left": left,
                "right": right,
                "lines": line_diff(left.text, right.text) if left and right else None,
            },
        )


class ReadView(View):
    """A published version, for the people it was published to (who may hold no other
    right on the document register), with the button that acknowledges it."""

    def _version(self, request, pk):
        version = get_object_or_404(
            DocumentVersion.objects.select_related("document"),
            pk=pk,
            status=VersionStatus.APPROVED,
        )
        from .services import audience

        if not (
            can(request.user, "view", version)
            or audience(version).filter(pk=request.user.pk).exists()
        ):
            raise Http404("No such document")
        return version

    def get(self, request, pk):
        version = self._version(request, pk)
        done = version.acknowledgements.filter(user=request.user).first()
        return render(
            request,
            "governance/read.html",
            {"version": version, "html": render_markdown(version.text), "done": done},
        )

    def post(self, request, pk):
        version = self._version(request, pk)
        acknowledge(version=version, user=request.user)
        messages.success(request, f"You acknowledged {version}.")
        return redirect(reverse("governance:to_acknowledge"))


class ToAcknowledgeView(View):
    def get(self, request):
        return render(
            request,
            "governance/to_acknowledge.html",
            {"pending": to_acknowledge(request.user).order_by("document__reference")},
        )


# Objectives, indicators and measurements (6.2, 9.1)


class ObjectiveListView(generic.ObjectListView):
    queryset = Objective.objects.select_related("owner")
    filterset_class = filtersets.ObjectiveFilterSet
    table_class = tables.ObjectiveTable


class ObjectiveDetailView(generic.ObjectDetailView):
    queryset = Objective.objects.select_related("owner")
    template_name = "governance/objective_detail.html"
    fieldsets = [
        ("Objective", ["description", "target", "due_date", "owner", "status"]),
        (
            "Plan (6.2)",
            [
                "resources",
                "evaluation_method",
                "concerns",
                "ai_systems",
                "annex_c_objectives",
            ],
        ),
    ]

    def get_extra_context(self, objective):
        user = self.request.user
        rows = indicator_rows(objective.indicators.select_related("objective"))
        upcoming = [
            row.schedule.next_due
            for row in rows
            if row.schedule.next_due and not row.schedule.overdue_since
        ]
        return {
            "overdue_count": sum(1 for row in rows if row.schedule.overdue_since),
            "next_due": min(upcoming, default=None),
            "indicators": [
                (row, trend_chart(row.indicator, row.measurements)) for row in rows
            ],
            "can_add_indicator": can(user, "add", Indicator),
            "can_measure": any(
                may_record_measurement(user, row.indicator) for row in rows
            ),
        }


class ObjectiveEditView(RecordEditView):
    queryset = Objective.objects.all()
    form_class = forms.ObjectiveForm


class ObjectiveDeleteView(generic.ObjectDeleteView):
    queryset = Objective.objects.all()


class IndicatorListView(generic.ObjectListView):
    queryset = Indicator.objects.select_related("objective")
    filterset_class = filtersets.IndicatorFilterSet
    table_class = tables.IndicatorTable


class IndicatorDetailView(generic.ObjectDetailView):
    queryset = Indicator.objects.select_related("objective")
    template_name = "governance/indicator_detail.html"
    fieldsets = [
        (
            "Indicator",
            ["objective", "unit", "value_type", "direction", "target", "threshold"],
        ),
        ("Measurement", ["frequency", "closed"]),
    ]

    def get_extra_context(self, indicator):
        row = indicator_rows([indicator])[0]
        return {
            "row": row,
            "schedule": schedule_for(
                indicator, row.measurements, timezone.localdate(), history=12
            ),
            "chart": trend_chart(indicator, row.measurements),
            "measurements": indicator.measurements.order_by("-measured_on")[:50],
            "can_measure": may_record_measurement(self.request.user, indicator)
            and not indicator.closed,
        }


class IndicatorEditView(RecordEditView):
    queryset = Indicator.objects.all()
    form_class = forms.IndicatorForm
    parent_field = "objective"


class IndicatorDeleteView(generic.ObjectDeleteView):
    queryset = Indicator.objects.all()


class MeasurementListView(generic.ObjectListView):
    queryset = Measurement.objects.select_related("indicator__objective")
    filterset_class = filtersets.MeasurementFilterSet
    table_class = tables.MeasurementTable


class MeasurementDetailView(generic.ObjectDetailView):
    queryset = Measurement.objects.select_related("indicator__objective", "evidence")
    fieldsets = [
        (
            "Measurement",
            ["indicator", "value", "measured_on", "period", "note", "evidence"],
        )
    ]


class MeasurementEditView(RecordEditView):
    """Whoever may add measurements, and the owner of the objective, record them."""

    queryset = Measurement.objects.select_related("indicator__objective")
    form_class = forms.MeasurementForm
    parent_field = "indicator"

    def new_object(self, **kwargs):
        indicator_id = self.request.GET.get("indicator", "")
        indicator = (
            Indicator.objects.select_related("objective")
            .filter(pk=indicator_id)
            .first()
            if indicator_id.isdigit()
            else None
        )
        if can(self.request.user, "add", Measurement) or (
            indicator is not None
            and may_record_measurement(self.request.user, indicator)
        ):
            return Measurement()
        raise PermissionDenied("You may not record measurements.")

    def save(self, form):
        return measurement_save(
            measurement=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class MeasurementDeleteView(generic.ObjectDeleteView):
    queryset = Measurement.objects.all()


class MeasurementImportView(View):
    template_name = "governance/measurement_import.html"

    def get(self, request):
        return render(
            request, self.template_name, {"form": forms.MeasurementImportForm()}
        )

    def post(self, request):
        form = forms.MeasurementImportForm(request.POST, request.FILES)
        context = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > 2_000_000:
                form.add_error("file", "The file is larger than 2 MB.")
            else:
                result = measurements_import(data=upload.read(), actor=request.user)
                if result.ok:
                    messages.success(
                        request, f"Imported {len(result.created)} measurements."
                    )
                    return redirect("governance:measurement_list")
                context["result"] = result
        return render(request, self.template_name, context, status=400)


# Planned changes (6.3)


class PlannedChangeListView(generic.ObjectListView):
    queryset = PlannedChange.objects.select_related("responsible")
    filterset_class = filtersets.PlannedChangeFilterSet
    table_class = tables.PlannedChangeTable


class PlannedChangeDetailView(generic.ObjectDetailView):
    queryset = PlannedChange.objects.select_related("responsible")
    fieldsets = [
        ("Change", ["description", "purpose", "resources"]),
        ("Plan", ["responsible", "planned_for", "status"]),
    ]


class PlannedChangeEditView(RecordEditView):
    queryset = PlannedChange.objects.all()
    form_class = forms.PlannedChangeForm

    def get_initial(self):
        return {"responsible": self.request.user.pk}


class PlannedChangeDeleteView(generic.ObjectDeleteView):
    queryset = PlannedChange.objects.all()


# Roles and responsibilities (5.1, 5.3)


class AimsRoleListView(generic.ObjectListView):
    queryset = AimsRole.objects.select_related("reports_to")
    filterset_class = filtersets.AimsRoleFilterSet
    table_class = tables.AimsRoleTable
    template_name = "governance/aimsrole_list.html"

    def get_extra_context(self, rows):
        return {
            "commitments": visible_to(
                Commitment.objects.select_related("made_by"), self.request.user
            )[:10],
            "can_add_commitment": can(self.request.user, "add", Commitment),
        }


class AimsRoleDetailView(generic.ObjectDetailView):
    queryset = AimsRole.objects.select_related("reports_to")
    template_name = "governance/aimsrole_detail.html"
    fieldsets = [
        ("Role", ["responsibilities", "authorities", "reports_to", "top_management"])
    ]

    def get_extra_context(self, role):
        return {
            "assignments": role.assignments.select_related("person", "deputy"),
            "requirements": role.competence_requirements.all(),
            "can_assign": can(self.request.user, "add", RoleAssignment),
        }


class AimsRoleEditView(RecordEditView):
    queryset = AimsRole.objects.all()
    form_class = forms.AimsRoleForm


class AimsRoleDeleteView(generic.ObjectDeleteView):
    queryset = AimsRole.objects.all()


class RoleAssignmentListView(generic.ObjectListView):
    queryset = RoleAssignment.objects.select_related("role", "person", "deputy")
    filterset_class = filtersets.RoleAssignmentFilterSet
    table_class = tables.RoleAssignmentTable


class RoleAssignmentDetailView(generic.ObjectDetailView):
    queryset = RoleAssignment.objects.select_related("role", "person", "deputy")
    fieldsets = [("Assignment", ["role", "person", "deputy", "since", "until"])]


class RoleAssignmentEditView(RecordEditView):
    queryset = RoleAssignment.objects.all()
    form_class = forms.RoleAssignmentForm
    parent_field = "role"


class RoleAssignmentDeleteView(generic.ObjectDeleteView):
    queryset = RoleAssignment.objects.all()


class SystemRoleAssignmentListView(generic.ObjectListView):
    queryset = SystemRoleAssignment.objects.select_related("ai_system", "person")
    filterset_class = filtersets.SystemRoleAssignmentFilterSet
    table_class = tables.SystemRoleAssignmentTable


class SystemRoleAssignmentDetailView(generic.ObjectDetailView):
    queryset = SystemRoleAssignment.objects.select_related("ai_system", "person")
    fieldsets = [("Assignment", ["ai_system", "role", "person", "since", "until"])]


class SystemRoleAssignmentEditView(RecordEditView):
    queryset = SystemRoleAssignment.objects.all()
    form_class = forms.SystemRoleAssignmentForm
    parent_field = "ai_system"


class SystemRoleAssignmentDeleteView(generic.ObjectDeleteView):
    queryset = SystemRoleAssignment.objects.all()


class CommitmentListView(generic.ObjectListView):
    queryset = Commitment.objects.select_related("made_by")
    filterset_class = filtersets.CommitmentFilterSet
    table_class = tables.CommitmentTable


class CommitmentDetailView(generic.ObjectDetailView):
    queryset = Commitment.objects.select_related("made_by", "evidence")
    fieldsets = [("Commitment", ["statement", "made_by", "made_on", "evidence"])]


class CommitmentEditView(RecordEditView):
    queryset = Commitment.objects.all()
    form_class = forms.CommitmentForm

    def get_initial(self):
        return {"made_by": self.request.user.pk}


class CommitmentDeleteView(generic.ObjectDeleteView):
    queryset = Commitment.objects.all()


# Competence and training (7.1, 7.2, Art. 4)


class CompetenceView(View):
    """The gaps: a requirement someone in the role does not meet, or whose record expired."""

    def get(self, request):
        if not can(request.user, "view", CompetenceRequirement):
            raise PermissionDenied("You may not see competence records.")
        from .services import ai_literacy_status, competence_gaps

        return render(
            request,
            "governance/competence.html",
            {
                "gaps": competence_gaps(),
                "literacy": ai_literacy_status(),
                "requirements": CompetenceRequirement.objects.select_related(
                    "aims_role", "portal_role", "ai_system"
                ),
                "can_add_record": can(request.user, "add", TrainingRecord),
                "can_add_requirement": can(request.user, "add", CompetenceRequirement),
            },
        )


class CompetenceRequirementListView(generic.ObjectListView):
    queryset = CompetenceRequirement.objects.select_related("aims_role", "portal_role")
    filterset_class = filtersets.CompetenceRequirementFilterSet
    table_class = tables.CompetenceRequirementTable


class CompetenceRequirementDetailView(generic.ObjectDetailView):
    queryset = CompetenceRequirement.objects.select_related(
        "aims_role", "portal_role", "ai_system"
    )
    template_name = "governance/competencerequirement_detail.html"
    fieldsets = [
        (
            "Requirement",
            [
                "description",
                "applies_to",
                "aims_role",
                "portal_role",
                "system_role",
                "ai_system",
                "ai_literacy",
                "validity_months",
            ],
        )
    ]

    def get_extra_context(self, requirement):
        from .services import competence_gaps

        return {
            "gaps": competence_gaps(requirements=[requirement]),
            "records": requirement.records.select_related("person")[:50],
        }


class CompetenceRequirementEditView(RecordEditView):
    queryset = CompetenceRequirement.objects.all()
    form_class = forms.CompetenceRequirementForm


class CompetenceRequirementDeleteView(generic.ObjectDeleteView):
    queryset = CompetenceRequirement.objects.all()


class TrainingRecordListView(generic.ObjectListView):
    queryset = TrainingRecord.objects.select_related("person", "requirement")
    filterset_class = filtersets.TrainingRecordFilterSet
    table_class = tables.TrainingRecordTable


class TrainingRecordDetailView(generic.ObjectDetailView):
    queryset = TrainingRecord.objects.select_related(
        "person", "requirement", "certificate"
    )
    fieldsets = [
        (
            "Record",
            [
                "person",
                "requirement",
                "kind",
                "provider",
                "completed_on",
                "expires_on",
                "certificate",
            ],
        )
    ]


class TrainingRecordEditView(RecordEditView):
    queryset = TrainingRecord.objects.all()
    form_class = forms.TrainingRecordForm
    parent_field = "requirement"

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("person", "").isdigit():
            initial["person"] = int(self.request.GET["person"])
        return initial

    def save(self, form):
        from .services import training_record_save

        return training_record_save(
            record=form.instance,
            actor=self.request.user,
            upload=form.cleaned_data.get("certificate_file"),
            expected_version=form.cleaned_data.get("_version"),
        )


class TrainingRecordDeleteView(generic.ObjectDeleteView):
    queryset = TrainingRecord.objects.all()


# Communication (7.4)


class CommunicationItemListView(generic.ObjectListView):
    queryset = CommunicationItem.objects.select_related("communicator")
    filterset_class = filtersets.CommunicationItemFilterSet
    table_class = tables.CommunicationItemTable


class CommunicationItemDetailView(generic.ObjectDetailView):
    queryset = CommunicationItem.objects.select_related("communicator")
    template_name = "governance/communicationitem_detail.html"
    fieldsets = [
        (
            "Plan",
            [
                "topic",
                "audience",
                "reach",
                "timing",
                "channel",
                "communicator",
                "next_due",
            ],
        )
    ]

    def get_extra_context(self, item):
        return {
            "records": item.records.select_related("evidence")[:50],
            "can_record": can(self.request.user, "add", CommunicationRecord),
        }


class CommunicationItemEditView(RecordEditView):
    queryset = CommunicationItem.objects.all()
    form_class = forms.CommunicationItemForm

    def get_initial(self):
        return {"communicator": self.request.user.pk}


class CommunicationItemDeleteView(generic.ObjectDeleteView):
    queryset = CommunicationItem.objects.all()


class CommunicationRecordListView(generic.ObjectListView):
    queryset = CommunicationRecord.objects.select_related("item")
    filterset_class = filtersets.CommunicationRecordFilterSet
    table_class = tables.CommunicationRecordTable


class CommunicationRecordDetailView(generic.ObjectDetailView):
    queryset = CommunicationRecord.objects.select_related("item", "evidence")
    fieldsets = [("Record", ["item", "happened_on", "summary", "evidence"])]


class CommunicationRecordEditView(RecordEditView):
    queryset = CommunicationRecord.objects.all()
    form_class = forms.CommunicationRecordForm
    parent_field = "item"

    def save(self, form):
        from .services import communication_record_save

        return communication_record_save(
            record=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class CommunicationRecordDeleteView(generic.ObjectDeleteView):
    queryset = CommunicationRecord.objects.all()
