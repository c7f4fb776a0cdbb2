"""Background export pages: request (from a list page), follow (progress), download,
retry, and the list of one's own exports.

Exports are read through ``ExportJob.objects.visible_to(user)``: only the requester's
own; anyone else's is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims import exports
from aims.models import ObjectChange

from ..choices import PackStatus
from ..models import ExportJob
from ..services.exports import DuplicateExportRequest, export_request, export_retry
from ..services.filejobs import JobNotRetryable
from ..tables import status_badge

__all__ = [
    "ExportJobDetailView",
    "ExportJobDownloadView",
    "ExportJobListView",
    "ExportJobRequestView",
    "ExportJobRetryView",
    "export_file_response",
]


def visible_exports(user):
    return ExportJob.objects.visible_to(user)


def export_file_response(job: ExportJob) -> FileResponse:
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name or f"{job.reference}.{job.format}",
        content_type=exports.CONTENT_TYPES.get(job.format, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def page_of(job: ExportJob) -> str:
    export_list = exports.export_list(job.list_key)
    if export_list is None:
        return ""
    return export_list.page_url(QueryDict(job.query))


class ExportJobListView(View):
    template_name = "audit/exportjob_list.html"

    def get(self, request):
        rows = visible_exports(request.user).order_by("-requested_at", "-pk")
        page = Paginator(rows, 25).get_page(request.GET.get("page"))
        jobs = list(page.object_list)
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "jobs": [(job, status_badge(job)) for job in jobs],
                "refresh": any(job.in_progress for job in jobs),
                "lists": [
                    (item.title, item.page_url(QueryDict()))
                    for item in exports.export_lists()
                ],
            },
        )


class ExportJobRequestView(View):
    """POST from a list page: ``list``, ``query`` (the page's filters), ``format``."""

    def post(self, request):
        list_key = request.POST.get("list", "")
        query = request.POST.get("query", "")
        try:
            job = export_request(
                list_key=list_key,
                query=query,
                fmt=request.POST.get("format") or "xlsx",
                actor=request.user,
            )
        except DuplicateExportRequest as duplicate:
            messages.info(request, str(duplicate))
            return redirect(duplicate.existing.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            export_list = exports.export_list(list_key)
            if export_list is None:
                return redirect("audit:exportjob_list")
            return redirect(export_list.page_url(QueryDict(query)))
        messages.success(
            request,
            f"{job.reference} is queued; this page shows its progress and then the "
            "download.",
        )
        return redirect(job.get_absolute_url())


class ExportJobDetailView(View):
    template_name = "audit/exportjob_detail.html"

    def get(self, request, pk):
        job = get_object_or_404(visible_exports(request.user), pk=pk)
        events = (
            ObjectChange.objects.for_object(job)
            .exclude(event="")
            .order_by("seq")
        )
        return render(
            request,
            self.template_name,
            {
                "job": job,
                "status_badge": status_badge(job),
                "may_retry": job.retryable,
                "events": events,
                "refresh": job.in_progress,
                "page_url": page_of(job),
            },
        )


class ExportJobDownloadView(View):
    def get(self, request, pk):
        job = get_object_or_404(visible_exports(request.user), pk=pk)
        if job.status != PackStatus.READY or not job.file:
            messages.error(
                request,
                f"{job.reference} is {job.get_status_display().lower()}, not ready "
                "to download.",
            )
            return redirect(job.get_absolute_url())
        return export_file_response(job)


class ExportJobRetryView(View):
    def post(self, request, pk):
        job = get_object_or_404(visible_exports(request.user), pk=pk)
        try:
            export_retry(job=job, actor=request.user)
        except JobNotRetryable as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{job.reference} is queued again.")
        return redirect(job.get_absolute_url())
