"""Auditor-bundle pages: list, request, detail (progress, warnings, retry), download.

Bundles are read through ``AuditorBundle.objects.visible_to(user)``: one the user may
not see (or that holds a pack they may not see) is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims import signing
from aims.models import ObjectChange
from aims.permissions import can
from aims.views import generic

from ..choices import PackStatus
from ..filtersets import AuditorBundleFilterSet
from ..forms import AuditorBundleRequestForm
from ..models import AuditorBundle
from ..services import (
    DuplicateBundleRequest,
    PackNotRetryable,
    auditor_bundle_request,
    auditor_bundle_retry,
    may_request_bundles,
)
from ..tables import AuditorBundleTable, status_badge

__all__ = [
    "AuditorBundleDetailView",
    "AuditorBundleDownloadView",
    "AuditorBundleListView",
    "AuditorBundleRequestView",
    "AuditorBundleRetryView",
    "bundle_file_response",
    "may_view_bundles",
]

NOT_ALLOWED = (
    "Auditor bundles hold the change log: they are open to auditors, AIMS managers, "
    "the governance committee and administrators."
)


def may_view_bundles(user) -> bool:
    return can(user, "view", AuditorBundle) and can(user, "view", ObjectChange)


def visible_bundles(user):
    return AuditorBundle.objects.select_related("requested_by").visible_to(user)


def bundle_file_response(bundle: AuditorBundle) -> FileResponse:
    response = FileResponse(
        bundle.file.open("rb"),
        as_attachment=True,
        filename=bundle.file_name or f"{bundle.reference}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class AuditorBundleListView(generic.ObjectListView):
    queryset = AuditorBundle.objects.select_related("requested_by")
    filterset_class = AuditorBundleFilterSet
    table_class = AuditorBundleTable
    template_name = "audit/auditorbundle_list.html"

    def get(self, request):
        if not may_view_bundles(request.user):
            raise PermissionDenied(NOT_ALLOWED)
        return super().get(request)

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user)

    def get_extra_context(self, rows) -> dict:
        return {
            "refresh": rows.filter(status__in=("queued", "building")).exists(),
            "may_request": may_request_bundles(self.request.user),
            "key_id": signing.key_id(),
        }


class AuditorBundleRequestView(View):
    template_name = "audit/auditorbundle_request.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_request_bundles(request.user):
            raise PermissionDenied(
                "Auditor bundles are requested by auditors, AIMS managers and "
                "administrators."
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        chosen = [value for value in request.GET.getlist("packs") if value.isdigit()]
        if chosen:
            initial["packs"] = chosen
        return self.page(AuditorBundleRequestForm(user=request.user, initial=initial))

    def post(self, request):
        form = AuditorBundleRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                bundle = auditor_bundle_request(
                    packs=list(form.cleaned_data["packs"]),
                    purpose=form.cleaned_data["purpose"],
                    change_log_since=form.cleaned_data["change_log_since"],
                    actor=request.user,
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            except DuplicateBundleRequest as duplicate:
                messages.info(request, str(duplicate))
                return redirect(duplicate.existing.get_absolute_url())
            else:
                messages.success(
                    request,
                    f"{bundle.reference} is queued; this page shows its progress.",
                )
                return redirect(bundle.get_absolute_url())
        return self.page(form, status=400)

    def page(self, form, status=200):
        return render(self.request, self.template_name, {"form": form}, status=status)


class AuditorBundleDetailView(generic.BaseObjectView):
    queryset = AuditorBundle.objects.select_related("requested_by", "gap_report")
    template_name = "audit/auditorbundle_detail.html"

    def get_queryset(self):
        return visible_bundles(self.request.user).select_related("gap_report")

    def get(self, request, pk):
        bundle = self.get_object(pk=pk)
        events = (
            ObjectChange.objects.for_object(bundle)
            .exclude(event="")
            .order_by("seq")
        )
        return render(
            request,
            self.template_name,
            {
                "bundle": bundle,
                "packs": bundle.packs.order_by("reference"),
                "status_badge": status_badge(bundle),
                "may_retry": bundle.retryable and may_request_bundles(request.user),
                "events": events,
                "refresh": bundle.in_progress,
                "key_id": signing.key_id(),
                "key_matches": not bundle.key_fingerprint
                or bundle.key_fingerprint == signing.key_id(),
            },
        )


class AuditorBundleDownloadView(View):
    def get(self, request, pk):
        bundle = get_object_or_404(visible_bundles(request.user), pk=pk)
        if bundle.status != PackStatus.READY or not bundle.file:
            messages.error(
                request,
                f"{bundle.reference} is {bundle.get_status_display().lower()}, not ready to download.",
            )
            return redirect(bundle.get_absolute_url())
        return bundle_file_response(bundle)


class AuditorBundleRetryView(View):
    def post(self, request, pk):
        bundle = get_object_or_404(visible_bundles(request.user), pk=pk)
        try:
            auditor_bundle_retry(bundle=bundle, actor=request.user)
        except PackNotRetryable as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{bundle.reference} is queued again.")
        return redirect(bundle.get_absolute_url())
