"""The main navigation, assembled from what each app registers.

``aims`` names no domain app: an app adds its section in ``AppConfig.ready()``::

    from aims.navigation import NavLink, NavSection, register

    register(NavSection(
        key="risk", label="Risks", order=20, path_prefix="/risks/",
        links=(NavLink("Risk register", "risk:risk_list"),
               NavLink("Risk criteria", "risk:riskcriteria_list", visible=can_view(RiskCriteria))),
    ))

A section shows only the links the user can use (``visible(user)``); a section without
one is not shown at all, so nobody is offered a page that answers 403. One visible link
makes a plain entry, several a dropdown.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from .permissions import can

__all__ = [
    "NavLink",
    "NavSection",
    "can_view",
    "register",
    "registered_sections",
    "sections_for",
    "unregister",
]


def _anyone(user) -> bool:
    return True


def can_view(model, action: str = "view") -> Callable:
    """``visible`` for a link to the list of ``model``: the user's roles grant ``action``."""
    return lambda user: can(user, action, model)


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    visible: Callable = _anyone
    # A heading printed above this link inside the dropdown (groups long menus).
    group: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    order: int
    path_prefix: str
    links: tuple[NavLink, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class VisibleSection:
    section: NavSection
    links: tuple[NavLink, ...]

    @property
    def label(self) -> str:
        return self.section.label

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def url(self) -> str:
        return self.links[0].url

    @property
    def dropdown(self) -> bool:
        return len(self.links) > 1

    def active(self, path: str) -> bool:
        return path.startswith(self.section.path_prefix)


_sections: dict[str, NavSection] = {}


def register(section: NavSection) -> NavSection:
    """Add (or replace, by key) a section of the main navigation."""
    _sections[section.key] = section
    return section


def unregister(key: str) -> None:
    _sections.pop(key, None)


def registered_sections() -> list[NavSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


def sections_for(user) -> list[VisibleSection]:
    """The sections and links ``user`` can use, in order."""
    if user is None or not user.is_authenticated:
        return []
    visible = []
    for section in registered_sections():
        links = tuple(link for link in section.links if link.visible(user))
        if links:
            visible.append(VisibleSection(section, links))
    return visible
