from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.permissions import can, visible_to
from aims.views import generic

from .exports import COLUMNS, ai_system_exporter
from .filtersets import AISystemFilterSet
from .forms import AISystemForm
from .imports import ImportFileError, ai_system_import, read_csv
from .layout import FIELDSETS
from .models import AISystem
from .services import ai_system_review, ai_system_save
from .tables import AISystemTable


class AISystemListView(generic.ObjectListView):
    queryset = AISystem.objects.select_related("owner").prefetch_related("tags")

    def get_queryset(self):
        # The scope column marks the systems the approved AIMS scope leaves out (4.3).
        return super().get_queryset().with_scope()

    filterset_class = AISystemFilterSet
    table_class = AISystemTable
    exporter = ai_system_exporter
    export_key = "ai-systems"


class AISystemDetailView(generic.ObjectDetailView):
    queryset = AISystem.objects.for_list()
    fieldsets = FIELDSETS
    template_name = "registry/aisystem_detail.html"

    def get_extra_context(self, system):
        return {"may_review": can(self.request.user, "change", system)}


class AISystemReviewView(View):
    """Record a review: the next review moves by the system's review interval."""

    def post(self, request, pk):
        system = get_object_or_404(
            visible_to(AISystem.objects.all(), request.user), pk=pk
        )
        if not can(request.user, "change", system):
            raise PermissionDenied(
                "Only the system's owner or an AIMS manager may record a review."
            )
        ai_system_review(
            system=system, actor=request.user, note=request.POST.get("note", "")[:1000]
        )
        messages.success(
            request,
            f"Review recorded; next review on {system.next_review_date:%Y-%m-%d}.",
        )
        return redirect(system.get_absolute_url())


class AISystemEditView(generic.ObjectEditView):
    queryset = AISystem.objects.all()
    form_class = AISystemForm

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def save(self, form):
        return ai_system_save(
            system=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class AISystemDeleteView(generic.ObjectDeleteView):
    queryset = AISystem.objects.all()


class AISystemImportView(View):
    """Upload a CSV; either every row is imported or none, with a report per row."""

    template_name = "registry/aisystem_import.html"

    def dispatch(self, request, *args, **kwargs):
        if not can(request.user, "add", AISystem):
            raise PermissionDenied("You may not add AI systems.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"columns": [h for h, _ in COLUMNS]})

    def post(self, request):
        context = {"columns": [h for h, _ in COLUMNS]}
        upload = request.FILES.get("file")
        if upload is None:
            context["file_error"] = "Choose a CSV file to import."
            return render(request, self.template_name, context, status=400)
        try:
            result = ai_system_import(rows=read_csv(upload), actor=request.user)
        except ImportFileError as exc:
            context["file_error"] = str(exc)
            return render(request, self.template_name, context, status=400)
        if not result.ok:
            context["result"] = result
            return render(request, self.template_name, context, status=400)
        messages.success(request, f"Imported {len(result.created)} AI systems.")
        return redirect("registry:aisystem_list")
