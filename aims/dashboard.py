"""The home page, assembled from cards that apps register.

``aims`` names no domain app: an app adds a card in ``AppConfig.ready()``::

    from aims.dashboard import DashboardCard, register

    register(DashboardCard(
        key="risk.heat_maps", order=30, template="risk/cards/heat_maps.html",
        context=heat_map_card,          # request -> dict, or None to hide the card
        width="col-12",
    ))

A card's ``context`` reads only what the user may see, in a constant number of queries
whatever the amount of data (the home page is guarded by a query-count test). Returning
``None`` hides the card (nothing to show, or nothing this user may see).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

__all__ = [
    "DashboardCard",
    "cards_for",
    "register",
    "registered_cards",
    "unregister",
]


@dataclass(frozen=True)
class DashboardCard:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest], dict | None]
    # Bootstrap column classes of the card's cell in the home page's grid.
    width: str = "col-md-6 col-xl-4"


_cards: dict[str, DashboardCard] = {}


def register(card: DashboardCard) -> DashboardCard:
    """Add (or replace, by key) a card of the home page."""
    _cards[card.key] = card
    return card


def unregister(key: str) -> None:
    _cards.pop(key, None)


def registered_cards() -> list[DashboardCard]:
    return sorted(_cards.values(), key=lambda c: (c.order, c.key))


def cards_for(request) -> list[tuple[DashboardCard, dict]]:
    """The cards to show ``request.user``, each with its context."""
    shown = []
    for card in registered_cards():
        context = card.context(request)
        if context is not None:
            shown.append((card, context))
    return shown
