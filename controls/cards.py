"""The Statement of Applicability card of the home page: how much of the SoA is decided
and implemented, each figure linking to the filtered SoA."""

from django.db.models import Count, Q
from django.urls import reverse

from aims.permissions import can

from .choices import ImplementationStatus, SoAStatus
from .models import SoAEntry, SoAVersion


def soa_card(request) -> dict | None:
    if not can(request.user, "view", SoAEntry):
        return None
    version = (
        SoAVersion.objects.filter(status=SoAStatus.DRAFT).first()
        or SoAVersion.objects.order_by("-number").first()
    )
    if version is None:
        return None
    # Counts of every row of the version (the SoA's rows are not owner-restricted for
    # reading: whoever may view SoA rows sees the whole SoA).
    counts = SoAEntry.objects.filter(soa=version).aggregate(
        total=Count("pk"),
        undecided=Count("pk", filter=Q(applicable__isnull=True)),
        applicable_rows=Count("pk", filter=Q(applicable=True)),
        implemented=Count(
            "pk",
            filter=Q(
                applicable=True,
                implementation_status=ImplementationStatus.IMPLEMENTED,
            ),
        ),
    )
    soa = reverse("controls:soa")
    share = (
        round(100 * counts["implemented"] / counts["applicable_rows"])
        if counts["applicable_rows"]
        else 0
    )
    return {
        "version": version,
        "counts": counts,
        "implemented_share": share,
        "links": {
            "soa": soa,
            "undecided": f"{soa}?applicable=undecided",
            "implemented": f"{soa}?applicable=yes&implementation_status=implemented",
            "without_evidence": f"{soa}?applicable=yes&without_evidence=true",
        },
    }
