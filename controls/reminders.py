"""Reminder sources of the controls app: effectiveness checks, implementation target
dates of the SoA, and evidence that expires (ISO/IEC 42001 9.1, 6.1.3, 7.5)."""

import datetime

from django.db.models import OuterRef, Subquery

from aims.reminders import DueItem, DueSource, register


def _current_rows():
    from .models import SoAEntry
    from .services import soa_current

    return SoAEntry.objects.filter(
        soa=soa_current(), applicable=True, owner__isnull=False
    ).select_related("control", "owner")


def _checks_due(until: datetime.date):
    """Next check = last check + the row's test frequency; a control never checked is
    due one period after it first entered the SoA."""
    from .models import ControlCheck, SoAEntry
    from .services import next_check_due

    rows = _current_rows().annotate(
        last_checked=Subquery(
            ControlCheck.objects.filter(control=OuterRef("control"))
            .order_by("-checked_on")
            .values("checked_on")[:1]
        ),
        first_listed=Subquery(
            SoAEntry.objects.filter(control=OuterRef("control"))
            .order_by("created")
            .values("created")[:1]
        ),
    )
    for row in rows:
        due = next_check_due(
            row.last_checked or row.first_listed.date(), row.test_frequency
        )
        if due <= until:
            yield DueItem(
                row.control,
                due,
                (row.owner,),
                title=f"Effectiveness check of {row.control}",
                url=row.control.get_absolute_url() + "#checks",
            )


def register_sources() -> None:
    from .choices import ImplementationStatus
    from .models import Evidence

    register(
        DueSource("controls.control_check", "Control effectiveness check", _checks_due)
    )
    register(
        DueSource.from_queryset(
            "controls.soa_target",
            "Control implementation target",
            queryset=lambda: _current_rows().exclude(
                implementation_status=ImplementationStatus.IMPLEMENTED
            ),
            date_field="target_date",
            responsible="owner",
            title=lambda row: f"Implement {row.control}",
        )
    )
    register(
        DueSource.from_queryset(
            "controls.evidence_expiry",
            "Evidence expiry",
            queryset=lambda: Evidence.objects.select_related("owner"),
            date_field="valid_until",
            responsible="owner",
            title=lambda evidence: f"Renew evidence {evidence}",
        )
    )
