"""Shared pieces of django-tables2 tables."""


class OwnerOrderingMixin:
    """Sort an ``owner`` column by the owner's name, not by user id."""

    def order_owner(self, queryset, is_descending):
        prefix = "-" if is_descending else ""
        return queryset.order_by(
            f"{prefix}owner__last_name", f"{prefix}owner__username"
        ), True
