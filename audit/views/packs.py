"""Evidence-pack pages: list, request, detail (status, error, retry), download.

Every page reads packs through ``EvidencePack.objects.visible_to(user)``: a pack the
user may not see, or whose target they can no longer see, is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.models import ObjectChange
from aims.permissions import can
from aims.views import generic

from ..choices import PackStatus
from ..filtersets import EvidencePackFilterSet
from ..forms import EvidencePackRequestForm
from ..models import EvidencePack
from ..packs.registry import get_kind, kinds_for
from ..services import (
    DuplicatePackRequest,
    PackNotRetryable,
    evidence_pack_request,
    evidence_pack_retry,
)
from ..tables import EvidencePackTable, status_badge

__all__ = [
    "EvidencePackDetailView",
    "EvidencePackDownloadView",
    "EvidencePackListView",
    "EvidencePackRequestView",
    "EvidencePackRetryView",
    "pack_file_response",
]

NOT_ALLOWED = (
    "Evidence packs are open to auditors, the governance committee, AIMS managers "
    "and administrators."
)


def visible_packs(user):
    return EvidencePack.objects.select_related("requested_by").visible_to(user)


def pack_file_response(pack: EvidencePack) -> FileResponse:
    """The stored PDF as a download (never shown inline, never sniffed)."""
    response = FileResponse(
        pack.file.open("rb"),
        as_attachment=True,
        filename=pack.file_name or f"{pack.reference}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class EvidencePackListView(generic.ObjectListView):
    queryset = EvidencePack.objects.select_related("requested_by")
    filterset_class = EvidencePackFilterSet
    table_class = EvidencePackTable

    def get(self, request):
        if not can(request.user, "view", EvidencePack):
            raise PermissionDenied(NOT_ALLOWED)
        return super().get(request)

    def get_queryset(self):
        return self.queryset.all().visible_to(self.request.user)

    def get_extra_context(self, rows) -> dict:
        return {"refresh": rows.filter(status__in=("queued", "building")).exists()}


class EvidencePackRequestView(View):
    """Choose a pack kind, a target the user may see and the kind's parameters."""

    template_name = "audit/evidencepack_request.html"

    def dispatch(self, request, *args, **kwargs):
        self.kinds = kinds_for(request.user)
        if not self.kinds:
            raise PermissionDenied(NOT_ALLOWED)
        key = request.POST.get("kind") or request.GET.get("kind") or self.kinds[0].key
        self.kind = get_kind(key)
        if self.kind not in self.kinds:
            raise Http404("No such pack kind.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        initial = {}
        target = request.GET.get("target", "")
        if target.isdigit():
            initial["target"] = target
        form = EvidencePackRequestForm(
            kind=self.kind, user=request.user, initial=initial
        )
        return self.page(form)

    def post(self, request):
        form = EvidencePackRequestForm(request.POST, kind=self.kind, user=request.user)
        if form.is_valid():
            try:
                pack = evidence_pack_request(
                    kind=self.kind.key,
                    target_id=form.target_id(),
                    parameters=form.parameters(),
                    actor=request.user,
                )
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            except DuplicatePackRequest as duplicate:
                messages.info(request, str(duplicate))
                return redirect(duplicate.existing.get_absolute_url())
            else:
                messages.success(
                    request,
                    f"{pack.reference} is queued; this page shows when it is ready.",
                )
                return redirect(pack.get_absolute_url())
        return self.page(form, status=400)

    def page(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {"form": form, "kind": self.kind, "kinds": self.kinds},
            status=status,
        )


class EvidencePackDetailView(generic.BaseObjectView):
    queryset = EvidencePack.objects.select_related("requested_by")
    template_name = "audit/evidencepack_detail.html"

    def get_queryset(self):
        return visible_packs(self.request.user)

    def get(self, request, pk):
        pack = self.get_object(pk=pk)
        kind = get_kind(pack.kind)
        events = (
            ObjectChange.objects.for_object(pack)
            .exclude(event="")
            .order_by("seq")
        )
        return render(
            request,
            self.template_name,
            {
                "pack": pack,
                "kind": kind,
                "status_badge": status_badge(pack),
                "may_retry": pack.retryable
                and kind is not None
                and kind.may_request(request.user),
                "events": events,
                "refresh": pack.in_progress,
            },
        )


class EvidencePackDownloadView(View):
    def get(self, request, pk):
        pack = get_object_or_404(visible_packs(request.user), pk=pk)
        if pack.status != PackStatus.READY or not pack.file:
            messages.error(
                request,
                f"{pack.reference} is {pack.get_status_display().lower()}, not ready to download.",
            )
            return redirect(pack.get_absolute_url())
        return pack_file_response(pack)


class EvidencePackRetryView(View):
    def post(self, request, pk):
        pack = get_object_or_404(visible_packs(request.user), pk=pk)
        try:
            evidence_pack_retry(pack=pack, actor=request.user)
        except PackNotRetryable as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{pack.reference} is queued again.")
        return redirect(pack.get_absolute_url())
