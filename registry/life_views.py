"""Pages of the records of an AI system's life, and of the supplier and dataset registers."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from . import life_forms as forms
from .life_filtersets import DatasetFilterSet, SupplierFilterSet
from .life_services import (
    GateBlocked,
    child_delete,
    child_save,
    dataset_save,
    gate_blocked_record,
    lifecycle_record_approve,
    release_record,
    supplier_save,
)
from .life_tables import DatasetTable, SupplierTable
from .models import (
    AcceptanceCriterion,
    AISystem,
    Dataset,
    LifecycleRecord,
    ProvenanceEntry,
    QualityRequirement,
    Release,
    Responsibility,
    Supplier,
    SupplierReview,
    SystemDataset,
    SystemResource,
)


class SupplierListView(generic.ObjectListView):
    queryset = Supplier.objects.select_related("owner")
    filterset_class = SupplierFilterSet
    table_class = SupplierTable


class SupplierDetailView(generic.ObjectDetailView):
    queryset = Supplier.objects.select_related("owner")
    fieldsets = [
        ("Supplier", ["name", "description", "contact", "owner"]),
        (
            "Contract and review",
            ["contract_reference", "contract_ends", "next_review_date"],
        ),
    ]

    def get_extra_context(self, supplier):
        user = self.request.user
        return {
            "reviews": supplier.reviews.all(),
            "datasets": visible_to(supplier.datasets.all(), user),
            "resources": visible_to(
                supplier.resources.select_related("ai_system"), user
            ),
            "may_change": can(user, "change", supplier),
        }


class SupplierEditView(generic.ObjectEditView):
    queryset = Supplier.objects.all()
    form_class = forms.SupplierForm

    def save(self, form):
        return supplier_save(
            supplier=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class SupplierDeleteView(generic.ObjectDeleteView):
    queryset = Supplier.objects.all()


class DatasetListView(generic.ObjectListView):
    queryset = Dataset.objects.select_related("owner", "supplier").annotate(
        system_count=Count("system_links__ai_system", distinct=True)
    )
    filterset_class = DatasetFilterSet
    table_class = DatasetTable


class DatasetDetailView(generic.ObjectDetailView):
    queryset = Dataset.objects.select_related("owner", "supplier").prefetch_related(
        "categories"
    )
    fieldsets = [
        ("Dataset", ["reference", "name", "description", "owner", "categories"]),
        (
            "Acquisition (A.7.3)",
            ["source", "supplier", "acquisition", "quantity", "rights"],
        ),
        ("Preparation (A.7.6)", ["preparation", "selection_criteria"]),
        ("Retention", ["retention", "deletion"]),
    ]

    def get_extra_context(self, dataset):
        user = self.request.user
        return {
            "provenance": dataset.provenance.all(),
            "quality": dataset.quality.all(),
            "used_by": visible_to(
                SystemDataset.objects.filter(dataset=dataset).select_related(
                    "ai_system"
                ),
                user,
            ),
            "may_change": can(user, "change", dataset),
        }


class DatasetEditView(generic.ObjectEditView):
    queryset = Dataset.objects.all()
    form_class = forms.DatasetForm

    def get_initial(self):
        return {"owner": self.request.user.pk}

    def save(self, form):
        return dataset_save(
            dataset=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class DatasetDeleteView(generic.ObjectDeleteView):
    queryset = Dataset.objects.all()


# Records that belong to a parent (a system, a dataset or a supplier)


class ChildEditView(generic.ObjectEditView):
    """Add (under the parent's URL) or edit a record that belongs to a parent."""

    template_name = "registry/child_edit.html"
    parent_model = AISystem

    @property
    def parent_field(self) -> str:
        return self.model.inherit_permissions["change"][0]

    def new_object(self, parent_pk):
        parent = get_object_or_404(
            visible_to(self.parent_model.objects.all(), self.request.user), pk=parent_pk
        )
        if not can(self.request.user, "change", parent):
            raise PermissionDenied(
                f"You may not change this {parent._meta.verbose_name}."
            )
        return self.model(**{self.parent_field: parent})

    def base_context(self, **extra):
        context = super().base_context(**extra)
        obj = extra.get("object")
        if obj is not None:
            context["parent"] = getattr(obj, self.parent_field)
        return context

    def save(self, form):
        return child_save(
            record=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class ChildDeleteView(generic.ObjectDeleteView):
    def post(self, request, pk):
        record = self.get_object(pk=pk)
        url = record.get_absolute_url()
        try:
            child_delete(record=record, actor=request.user)
        except Exception as exc:  # a protected link: say so instead of a 500
            from django.db.models import ProtectedError

            if not isinstance(exc, ProtectedError):
                raise
            messages.error(request, f"{record} is still used by other records.")
            return redirect(url)
        messages.success(request, f"Deleted {record._meta.verbose_name} {record}.")
        return redirect(url)


def child_views(model, form_class, parent_model=AISystem):
    edit = type(
        f"{model.__name__}EditView",
        (ChildEditView,),
        {
            "queryset": model.objects.all(),
            "form_class": form_class,
            "parent_model": parent_model,
        },
    )
    delete = type(
        f"{model.__name__}DeleteView",
        (ChildDeleteView,),
        {"queryset": model.objects.all()},
    )
    return edit, delete


CHILDREN = {
    # url segment: (model, form, parent model)
    "reviews": (SupplierReview, forms.SupplierReviewForm, Supplier),
    "provenance": (ProvenanceEntry, forms.ProvenanceEntryForm, Dataset),
    "quality": (QualityRequirement, forms.QualityRequirementForm, Dataset),
    "system-datasets": (SystemDataset, forms.SystemDatasetForm, AISystem),
    "resources": (SystemResource, forms.SystemResourceForm, AISystem),
    "responsibilities": (Responsibility, forms.ResponsibilityForm, AISystem),
    "lifecycle": (LifecycleRecord, forms.LifecycleRecordForm, AISystem),
    "criteria": (AcceptanceCriterion, forms.AcceptanceCriterionForm, AISystem),
}


class LifecycleRecordApproveView(SensitiveActionMixin, View):
    def post(self, request, pk):
        record = get_object_or_404(
            visible_to(LifecycleRecord.objects.all(), request.user), pk=pk
        )
        try:
            lifecycle_record_approve(record=record, actor=request.user)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, f"Approved {record}.")
        return redirect(record.get_absolute_url())


class ReleaseRecordView(View):
    """Record a release: the gate runs; a failure says what is missing (409)."""

    template_name = "registry/release_record.html"

    def get_system(self, pk) -> AISystem:
        system = get_object_or_404(
            visible_to(AISystem.objects.all(), self.request.user), pk=pk
        )
        if not can(self.request.user, "change", system):
            raise PermissionDenied("You may not record releases of this AI system.")
        return system

    def context(self, system, form, problems=None):
        from .life_services import gate_problems

        return {
            "system": system,
            "form": form,
            "problems": gate_problems(system) if problems is None else problems,
            "may_override": can(self.request.user, "override_gate", Release),
        }

    def get(self, request, pk):
        system = self.get_system(pk)
        return render(
            request,
            self.template_name,
            self.context(system, forms.ReleaseForm(user=request.user)),
        )

    def post(self, request, pk):
        system = self.get_system(pk)
        release = Release(ai_system=system)
        form = forms.ReleaseForm(request.POST, instance=release, user=request.user)
        status = 400
        problems = None
        if form.is_valid():
            try:
                release_record(
                    release=form.instance,
                    actor=request.user,
                    override_justification=form.cleaned_data["override_justification"],
                )
            except GateBlocked as exc:
                problems = exc.problems
                gate_blocked_record(
                    system,
                    problems,
                    request.user,
                    f"Release {form.instance.release_version}",
                )
                form.add_error(
                    None, "The release gate is not met; nothing was released."
                )
                status = 409
            except ValidationError as exc:
                generic._add_validation_errors(form, exc)
            else:
                messages.success(
                    request, f"Released {system} {form.instance.release_version}."
                )
                return redirect("registry:aisystem_tab", system.pk, "lifecycle")
        return render(
            request,
            self.template_name,
            self.context(system, form, problems),
            status=status,
        )
