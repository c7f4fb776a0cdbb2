"""Pages of management reviews (ISO/IEC 42001 9.3): schedule, prepare the inputs from
live data, minutes per input, decisions, sign-off by the chair."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views import View

from aims.permissions import can, visible_to
from aims.reauth import SensitiveActionMixin
from aims.views import generic

from ..filtersets import ManagementReviewFilterSet
from ..forms import (
    ManagementReviewDecisionForm,
    ManagementReviewForm,
    ManagementReviewInputForm,
)
from ..models import ManagementReview, ManagementReviewDecision, ManagementReviewInput
from ..services import (
    review_decision_save,
    review_input_reports,
    review_input_save,
    review_prepare,
    review_save,
    review_sign,
)
from ..tables import ManagementReviewTable
from .audits import FrozenDeleteMixin, FrozenDetailMixin, show_errors


class ManagementReviewListView(generic.ObjectListView):
    queryset = ManagementReview.objects.select_related("chair")
    filterset_class = ManagementReviewFilterSet
    table_class = ManagementReviewTable


class ManagementReviewDetailView(FrozenDetailMixin, generic.ObjectDetailView):
    queryset = ManagementReview.objects.select_related(
        "chair", "signed_by"
    ).prefetch_related("attendees")
    template_name = "audit/managementreview_detail.html"
    fieldsets = [
        (
            "Review",
            [
                "reference",
                "title",
                "review_date",
                "chair",
                "status",
                "signed_by",
                "signed_at",
                "next_review_date",
            ],
        ),
        (
            "Attendance and minutes",
            ["attendees", "other_attendees", "top_management_present", "minutes"],
        ),
    ]

    def is_frozen(self, obj):
        return obj.is_signed

    def get_extra_context(self, review):
        user = self.request.user
        may_change = can(user, "change", review) and not review.is_signed
        return {
            "inputs": review_input_reports(review),
            "decisions": review.decisions.select_related("owner"),
            "may_prepare": may_change,
            "may_minute": may_change,
            "may_decide": may_change,
            "may_follow_up": can(user, "change", review),
            "may_sign": not review.is_signed
            and user.pk == review.chair_id
            and can(user, "sign", ManagementReview),
            "nonconformities": review.nonconformities.all(),
        }


class ManagementReviewEditView(generic.ObjectEditView):
    queryset = ManagementReview.objects.all()
    form_class = ManagementReviewForm

    def save(self, form):
        return review_save(
            review=form.instance,
            actor=self.request.user,
            m2m=form.m2m_data(),
            expected_version=form.cleaned_data.get("_version"),
        )


class ManagementReviewDeleteView(FrozenDeleteMixin, generic.ObjectDeleteView):
    queryset = ManagementReview.objects.all()

    def is_frozen(self, obj):
        return obj.is_signed


class _ReviewView(View):
    def get_review(self, pk) -> ManagementReview:
        return get_object_or_404(
            visible_to(ManagementReview.objects.all(), self.request.user), pk=pk
        )


class ManagementReviewPrepareView(_ReviewView):
    def post(self, request, pk):
        review = self.get_review(pk)
        review_prepare(review=review, actor=request.user)
        messages.success(
            request, "Inputs assembled from the records as of the review date."
        )
        return redirect(review.get_absolute_url() + "#inputs")


class ManagementReviewSignView(SensitiveActionMixin, _ReviewView):
    def get(self, request, pk):
        return redirect(self.get_review(pk).get_absolute_url() + "#sign")

    def post(self, request, pk):
        review = self.get_review(pk)
        try:
            review_sign(review=review, actor=request.user)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(
                request, f"Signed off {review.reference}; its inputs are frozen."
            )
        return redirect(review.get_absolute_url())


def _review_base_context(view, **extra):
    context = generic.BaseObjectView.base_context(view, **extra)
    context["url_prefix"] = "audit:managementreview"
    return context


class ManagementReviewInputEditView(generic.ObjectEditView):
    queryset = ManagementReviewInput.objects.select_related("review")
    form_class = ManagementReviewInputForm
    template_name = "audit/review_child_edit.html"

    def get_object(self, **kwargs):
        obj = super().get_object(**kwargs)
        if obj.review.is_signed:
            raise PermissionDenied("The review is signed off.")
        return obj

    def base_context(self, **extra):
        return _review_base_context(self, **extra)

    def save(self, form):
        return review_input_save(
            item=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )


class ManagementReviewDecisionEditView(generic.ObjectEditView):
    queryset = ManagementReviewDecision.objects.select_related("review")
    form_class = ManagementReviewDecisionForm
    template_name = "audit/review_child_edit.html"

    def new_object(self, review_pk):
        review = get_object_or_404(
            visible_to(ManagementReview.objects.all(), self.request.user), pk=review_pk
        )
        if not can(self.request.user, "change", review):
            raise PermissionDenied("You may not record decisions of this review.")
        if review.is_signed:
            raise PermissionDenied(
                "The review is signed off: decisions are taken in a review."
            )
        return ManagementReviewDecision(review=review)

    def base_context(self, **extra):
        return _review_base_context(self, **extra)

    def save(self, form):
        return review_decision_save(
            decision=form.instance,
            actor=self.request.user,
            expected_version=form.cleaned_data.get("_version"),
        )
