"""Certification readiness pages: the gap report, each requirement, the documented
information map, and the gap reports kept for comparison."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims import documented_information, exports
from aims.forms import AimsModelForm, DateInput
from aims.models import GapReport, SelfAssessment
from aims.permissions import can
from aims.readiness import (
    Readiness,
    compute,
    gap_rows,
    requirements,
    visible_blockers,
)
from aims.readiness_charts import bar_chart
from aims.services import gap_report_save, self_assessment_save

from .generic import _add_validation_errors

__all__ = [
    "DocumentedInformationView",
    "GapReportDetailView",
    "GapReportListView",
    "PublicKeyView",
    "ReadinessView",
    "RequirementView",
]


class ReadinessAccessMixin:
    """Readiness is read by whoever may read gap reports (committee, managers, auditors,
    viewers); the rest get a 403 that says so."""

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "view", GapReport):
            raise PermissionDenied(
                "Certification readiness is open to the committee, AIMS managers, "
                "auditors and viewers."
            )
        return super().dispatch(request, *args, **kwargs)


GAP_EXPORTER = exports.Exporter(
    [
        exports.Column("Requirement", lambda r: r["requirement"].id),
        exports.Column("Title", lambda r: r["requirement"].title),
        exports.Column(
            "Part",
            lambda r: "Annex A" if r["requirement"].kind == "annex_a" else "Clause",
        ),
        exports.Column("Status", lambda r: r["status"].label),
        exports.Column("What is missing", lambda r: r["summary"]),
        exports.Column("Owner", lambda r: r["owner"]),
        exports.Column("Action that closes it", lambda r: r["action"]),
    ]
)


class ReadinessView(ReadinessAccessMixin, View):
    """Readiness in one page: blockers first, percentages per clause and Annex A domain,
    every gap with its owner and the action that closes it."""

    def get(self, request):
        report = compute()
        rows = gap_rows(report)
        export_format = request.GET.get("export")
        if export_format:
            if export_format not in exports.FORMATS:
                raise Http404("Unknown export format")
            return GAP_EXPORTER.response(
                rows, export_format, "gap report", user=request.user
            )
        return render(
            request,
            "aims/readiness/overview.html",
            {
                "report": report,
                "blockers": visible_blockers(report, request.user),
                "gaps": rows,
                "clause_chart": bar_chart(report.clause_groups),
                "annex_chart": bar_chart(report.annex_groups),
                "counts": report.counts(),
                "clause_percent": report.percent("clause"),
                "annex_percent": report.percent("annex_a"),
                "can_keep": can(request.user, "add", GapReport),
                "export_formats": exports.FORMATS,
            },
        )

    def post(self, request):
        if not can(request.user, "add", GapReport):
            raise PermissionDenied("Your roles may not keep gap reports.")
        note = request.POST.get("note", "").strip()[:200]
        saved = gap_report_save(actor=request.user, note=note)
        messages.success(request, f"Kept {saved}: compare later reports with it.")
        return redirect(saved.get_absolute_url())


class SelfAssessmentForm(AimsModelForm):
    class Meta:
        model = SelfAssessment
        fields = ["status", "justification", "assessed_on", "valid_until"]
        widgets = {"assessed_on": DateInput(), "valid_until": DateInput()}


class RequirementView(ReadinessAccessMixin, View):
    """One requirement: what judges it, its self-assessments, and a form to add one."""

    template_name = "aims/readiness/requirement.html"

    def _context(self, request, requirement_id, form=None):
        found = {r.id: r for r in requirements()}.get(requirement_id)
        if found is None:
            raise Http404("No such requirement")
        report = next(
            r for r in compute().requirements if r.requirement.id == requirement_id
        )
        return {
            "item": report,
            "history": SelfAssessment.objects.filter(
                requirement_id=requirement_id
            ).select_related("assessed_by"),
            "can_assess": can(request.user, "add", SelfAssessment),
            "form": form
            or SelfAssessmentForm(
                instance=SelfAssessment(requirement_id=requirement_id)
            ),
        }

    def get(self, request, requirement_id):
        return render(
            request, self.template_name, self._context(request, requirement_id)
        )

    def post(self, request, requirement_id):
        if not can(request.user, "add", SelfAssessment):
            raise PermissionDenied("Your roles may not record self-assessments.")
        context = self._context(request, requirement_id)
        form = SelfAssessmentForm(
            data=request.POST,
            instance=SelfAssessment(requirement_id=requirement_id),
            user=request.user,
        )
        if form.is_valid():
            try:
                self_assessment_save(assessment=form.instance, actor=request.user)
            except ValidationError as exc:
                _add_validation_errors(form, exc)
            else:
                messages.success(
                    request, f"Recorded the self-assessment of {requirement_id}."
                )
                return redirect("readiness_requirement", requirement_id=requirement_id)
        context["form"] = form
        return render(request, self.template_name, context, status=400)


class DocumentedInformationView(ReadinessAccessMixin, View):
    """The 54 items of documented information ISO/IEC 42001 asks for, each with the
    records that hold it and how they stand."""

    def get(self, request):
        items = documented_information.item_statuses()
        states = {}
        for item in items:
            states[item.state.value] = states.get(item.state.value, 0) + 1
        return render(
            request,
            "aims/readiness/documented_information.html",
            {"items": items, "states": states},
        )


class GapReportListView(ReadinessAccessMixin, View):
    def get(self, request):
        return render(
            request,
            "aims/readiness/gapreport_list.html",
            {
                "reports": GapReport.objects.select_related("created_by")[:200],
                "can_keep": can(request.user, "add", GapReport),
            },
        )


class CompareForm(forms.Form):
    compare = forms.ModelChoiceField(
        queryset=GapReport.objects.all(),
        required=False,
        empty_label="Today (live)",
        label="Compare with",
    )


class GapReportDetailView(ReadinessAccessMixin, View):
    """A kept report, and what changed since: against today or another kept report."""

    def get(self, request, pk):
        report = get_object_or_404(GapReport, pk=pk)
        form = CompareForm(request.GET or None)
        other = None
        if form.is_valid():
            other = form.cleaned_data["compare"]
        if other is None:
            earlier, later = report.data, compute().as_json()
            earlier_label, later_label = str(report), "today"
        else:
            pair = sorted([report, other], key=lambda r: (r.as_of, r.pk))
            earlier, later = pair[0].data, pair[1].data
            earlier_label, later_label = str(pair[0]), str(pair[1])
        return render(
            request,
            "aims/readiness/gapreport_detail.html",
            {
                "report": report,
                "form": form,
                "earlier_label": earlier_label,
                "later_label": later_label,
                "changes": compare_reports(earlier, later),
                "earlier": earlier,
                "later": later,
            },
        )


def compare_reports(earlier: dict, later: dict) -> dict:
    """What moved between two reports: requirements whose status changed, percentages,
    blockers."""
    before = {r["id"]: r for r in earlier["requirements"]}
    after = {r["id"]: r for r in later["requirements"]}
    labels = {status.value: status.label for status in Readiness}
    moved = []
    for requirement_id, item in after.items():
        old = before.get(requirement_id)
        if old is None or old["status"] != item["status"]:
            moved.append(
                {
                    "id": requirement_id,
                    "title": item["title"],
                    "before": labels.get(old["status"], "—") if old else "—",
                    "after": labels[item["status"]],
                    "better": old is not None
                    and Readiness(item["status"]).score
                    > Readiness(old["status"]).score,
                }
            )

    def blocker_count(data):
        return sum(len(b["items"]) for b in data["blockers"])

    return {
        "moved": moved,
        "clauses": (earlier["percent"]["clauses"], later["percent"]["clauses"]),
        "annex_a": (earlier["percent"]["annex_a"], later["percent"]["annex_a"]),
        "blockers": (blocker_count(earlier), blocker_count(later)),
    }


class PublicKeyView(View):
    """The portal's public signing key as a PEM file: what auditors give the bundle
    verifier. Public by nature; behind the login like every page."""

    def get(self, request):
        from django.http import HttpResponse

        from aims import signing

        response = HttpResponse(
            signing.public_key_pem(), content_type="application/x-pem-file"
        )
        response["Content-Disposition"] = 'attachment; filename="portal-key.pem"'
        response["X-Key-Fingerprint"] = signing.key_id()
        return response
