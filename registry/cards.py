"""The register's cards on the home page (``aims.dashboard``)."""

from aims import dashboard

from .selectors import register_summary


def _summary(request) -> dict:
    # Three cards read the same figures: compute them once per request.
    if not hasattr(request, "_register_summary"):
        request._register_summary = register_summary(request.user)
    return {"register": request._register_summary}


def register_cards() -> None:
    for key, order, template, width in (
        ("registry.summary", 10, "registry/cards/summary.html", "col-12"),
        ("registry.by_stage", 40, "registry/cards/by_stage.html", "col-md-6 col-xl-4"),
        ("registry.by_tier", 41, "registry/cards/by_tier.html", "col-md-6 col-xl-4"),
    ):
        dashboard.register(
            dashboard.DashboardCard(
                key=key, order=order, template=template, context=_summary, width=width
            )
        )
