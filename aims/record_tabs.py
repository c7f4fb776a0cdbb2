"""Tabs and panels that apps add to another app's record pages.

A record page (``aims.views.generic.ObjectDetailView``) shows *Details* and *History*;
other apps add their own parts without the owning app importing them, e.g. the risks
of an AI system (``risk``) or its impact assessments (``impact``)::

    from aims.record_tabs import RecordPanel, RecordTab, register_panel, register_tab

    register_tab("registry.aisystem", RecordTab(
        key="datasets", label="Data", order=30,
        template="registry/tabs/datasets.html",
        context=lambda request, system: {"datasets": ...},
    ))
    register_panel("registry.aisystem", RecordPanel(
        key="risks", order=20, template="risk/_risk_panel.html",
        context=lambda request, system: {...},   # or None to hide the panel
    ))

and buttons in the record's header (``register_actions``: a callable ``(request, obj)``
giving ``RecordAction``s, for one model or, with ``model=None``, for every record page).
``register_alerts`` works the same way for alerts shown under the header on every page
of the record (all its tabs), e.g. a system classified as a prohibited practice.

A tab is its own page (``<record>/tab/<key>/``), so only the open tab's queries run; a
panel is a card on the Details tab. ``visible(user, obj)`` hides a tab the user cannot
use; the context callable reads only what the user may see.
"""

from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "RecordAction",
    "RecordAlert",
    "RecordPanel",
    "actions_for",
    "alerts_for",
    "register_actions",
    "register_alerts",
    "RecordTab",
    "panels_for",
    "register_panel",
    "register_tab",
    "tab_for",
    "tabs_for",
]


def _always(user, obj) -> bool:
    return True


@dataclass(frozen=True)
class RecordTab:
    key: str
    label: str
    order: int
    template: str
    context: Callable
    visible: Callable = _always


@dataclass(frozen=True)
class RecordPanel:
    key: str
    order: int
    template: str
    context: Callable


_tabs: dict[str, dict[str, RecordTab]] = {}
_panels: dict[str, dict[str, RecordPanel]] = {}


def _label(model_or_label) -> str:
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower


def register_tab(model, tab: RecordTab) -> RecordTab:
    """Add (or replace, by key) a tab of the pages of ``model`` ("app_label.model")."""
    if tab.key in ("details", "history", "edit", "delete"):
        raise ValueError(f"{tab.key!r} is a built-in part of every record page")
    _tabs.setdefault(_label(model), {})[tab.key] = tab
    return tab


def register_panel(model, panel: RecordPanel) -> RecordPanel:
    """Add (or replace, by key) a panel of the Details tab of ``model``'s pages."""
    _panels.setdefault(_label(model), {})[panel.key] = panel
    return panel


def tabs_for(model, user, obj) -> list[RecordTab]:
    tabs = _tabs.get(_label(model), {}).values()
    return sorted(
        (tab for tab in tabs if tab.visible(user, obj)),
        key=lambda t: (t.order, t.key),
    )


def tab_for(model, key: str) -> RecordTab | None:
    return _tabs.get(_label(model), {}).get(key)


def panels_for(model) -> list[RecordPanel]:
    return sorted(
        _panels.get(_label(model), {}).values(), key=lambda p: (p.order, p.key)
    )


@dataclass(frozen=True)
class RecordAction:
    label: str
    url: str
    style: str = "outline-primary"


_action_providers: dict[str, list[Callable]] = {}


def register_actions(model, provider: Callable) -> Callable:
    """Header buttons of ``model``'s pages (``None``: every record page)."""
    key = "*" if model is None else _label(model)
    _action_providers.setdefault(key, []).append(provider)
    return provider


def actions_for(request, obj) -> list[RecordAction]:
    providers = [
        *_action_providers.get("*", ()),
        *_action_providers.get(_label(type(obj)), ()),
    ]
    return [action for provider in providers for action in provider(request, obj)]


@dataclass(frozen=True)
class RecordAlert:
    """A message under the record's header; ``style`` is a Bootstrap alert colour."""

    title: str
    message: str
    style: str = "danger"
    url: str = ""
    link_label: str = ""


_alert_providers: dict[str, list[Callable]] = {}


def register_alerts(model, provider: Callable) -> Callable:
    """Alerts on ``model``'s pages (``None``: every record page); the provider returns
    ``RecordAlert``s and reads only what the user may see."""
    key = "*" if model is None else _label(model)
    _alert_providers.setdefault(key, []).append(provider)
    return provider


def alerts_for(request, obj) -> list[RecordAlert]:
    providers = [
        *_alert_providers.get("*", ()),
        *_alert_providers.get(_label(type(obj)), ()),
    ]
    return [alert for provider in providers for alert in provider(request, obj)]
