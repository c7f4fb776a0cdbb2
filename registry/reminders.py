"""Reminder sources of the register: AI system reviews (ISO/IEC 42001 A.6.2.6)."""

from aims.reminders import DueSource, register


def register_sources() -> None:
    from .models import AISystem

    register(
        DueSource.from_queryset(
            "registry.aisystem_review",
            "AI system review",
            queryset=lambda: AISystem.objects.active().select_related("owner"),
            date_field="next_review_date",
            responsible="owner",
            title=lambda system: f"Review {system}",
        )
    )

    from .models import Supplier

    register(
        DueSource.from_queryset(
            "registry.supplier_review",
            "Supplier review",
            queryset=lambda: Supplier.objects.exclude(owner=None).select_related(
                "owner"
            ),
            date_field="next_review_date",
            responsible="owner",
            title=lambda supplier: f"Review supplier {supplier}",
        )
    )
