"""The registry of evidence-pack kinds.

A kind says what a pack is about and how to fill it; the machinery (request, queue,
build, cover, contents, page numbers, manifest, storage, download) is shared. Adding a
kind is a subclass of ``PackKind`` with a ``build()`` (the context builder) and a few
section templates, registered with ``register()`` from an ``AppConfig.ready()``:

    class SoAPackKind(PackKind):
        key = "soa"
        title = "Statement of Applicability pack"
        target_model = None  # organisation-wide
        sections = (Section("soa", "Statement of Applicability", "controls/packs/soa.html"),)

        def build(self, pack, target, parameters) -> PackContent:
            ...
            return PackContent(context={...}, evidence=[EvidenceFile(...), ...])

    register(SoAPackKind())
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from aims.permissions import can, visible_to

if TYPE_CHECKING:
    from ..models import EvidencePack

__all__ = [
    "EvidenceFile",
    "PackContent",
    "PackExtension",
    "PackKind",
    "RecordRef",
    "Section",
    "extend",
    "extensions_of",
    "get_kind",
    "kinds",
    "kinds_for",
    "may_view_any_pack",
    "pack_build",
    "pack_sections",
    "register",
]


@dataclass(frozen=True)
class Section:
    """One chapter of the pack: an anchor (for the contents), a title and the template
    that renders its body with the context the kind's ``build()`` returned."""

    anchor: str
    title: str
    template: str


@dataclass(frozen=True)
class EvidenceFile:
    """A stored file the pack refers to, listed in the manifest with its SHA-256.

    ``storage_name`` is its name in the default storage; the pack's HTML may embed it as
    ``evidence_url(storage_name)`` (the only storage files the URL fetcher will read).
    """

    title: str
    file_name: str
    sha256: str
    storage_name: str
    size: int | None = None


@dataclass(frozen=True)
class RecordRef:
    """A record whose state the pack shows, with the version it had (manifest)."""

    label: str
    version: int | None = None


@dataclass
class PackContent:
    """What a kind's ``build()`` returns."""

    context: dict[str, Any]
    evidence: list[EvidenceFile] = field(default_factory=list)
    records: list[RecordRef] = field(default_factory=list)


class PackKind(ABC):
    """Base of every pack kind. Subclasses set the class attributes and ``build()``."""

    key: str = ""
    title: str = ""
    description: str = ""
    # The model of the object a pack is about (None: organisation-wide, no target).
    target_model: type[models.Model] | None = None
    target_label: str = "Target"
    # Model permissions needed, besides ``audit.add_evidencepack`` to request and
    # ``audit.view_evidencepack`` to see packs: (model, action) pairs, e.g. the change
    # log for a pack that prints change history.
    requires: tuple[tuple[type[models.Model], str], ...] = ()
    sections: tuple[Section, ...] = ()
    # Optional parameters of a request, as a Django form (used by the page and the API).
    parameters_form: type[forms.Form] | None = None
    template: str = "audit/packs/pack.html"

    # Who may request and see

    def may_view(self, user) -> bool:
        return can(user, "view", _pack_model()) and all(
            can(user, action, model) for model, action in self.requires
        )

    def may_request(self, user) -> bool:
        return can(user, "add", _pack_model()) and all(
            can(user, action, model) for model, action in self.requires
        )

    def visible_packs(self, user) -> models.Q:
        """The packs of this kind ``user`` may see, as a filter on EvidencePack."""
        if not self.may_view(user):
            return models.Q(pk__in=[])
        if self.target_model is None:
            return models.Q(kind=self.key)
        return models.Q(kind=self.key, target_id__in=self.targets(user).values("pk"))

    # Choosing the target

    def targets(self, user) -> models.QuerySet:
        """The objects ``user`` may build a pack of (the page's chooser)."""
        if self.target_model is None:
            raise TypeError(f"{self.key} packs have no target")
        return visible_to(self.target_model._default_manager.all(), user, "view")

    def resolve_target(self, user, target_id) -> models.Model | None:
        """The target object, or ``ValidationError`` on ``target``. An object that does
        not exist and one the user may not see get the same answer."""
        if self.target_model is None:
            if target_id not in (None, ""):
                raise ValidationError({"target": f"{self.title}s have no target."})
            return None
        name = self.target_model._meta.verbose_name
        try:
            pk = int(target_id)
        except (TypeError, ValueError):
            raise ValidationError({"target": f"Choose an {name}."}) from None
        target = self.targets(user).filter(pk=pk).first()
        if target is None:
            raise ValidationError(
                {"target": f"No {name} with id {pk} that you may see."}
            )
        return target

    def target_repr(self, target) -> str:
        from django.conf import settings

        return str(target) if target is not None else settings.AIMS_ORGANISATION_NAME

    def load_target(self, pack: EvidencePack) -> models.Model | None:
        """The target of a stored pack, for the build (no permission check: the
        request was checked, and the pack shows the target as it is now)."""
        if self.target_model is None:
            return None
        return self.target_model._default_manager.get(pk=pack.target_id)

    # Parameters

    def clean_parameters(self, data: dict | None) -> dict:
        """Validated parameters as JSON-safe values, or ``ValidationError`` on
        ``parameters`` naming each bad field."""
        data = dict(data or {})
        if self.parameters_form is None:
            if data:
                raise ValidationError(
                    {"parameters": f"{self.title}s take no parameters."}
                )
            return {}
        form = self.parameters_form(data=data)
        unknown = sorted(set(data) - set(form.fields))
        if unknown:
            raise ValidationError(
                {"parameters": f"Unknown parameters: {', '.join(unknown)}."}
            )
        if not form.is_valid():
            raise ValidationError(
                {
                    "parameters": [
                        f"{name}: {message}"
                        for name, messages in form.errors.items()
                        for message in messages
                    ]
                }
            )
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else value
            for name, value in form.cleaned_data.items()
            if value not in (None, "")
        }

    # Building

    @abstractmethod
    def build(self, pack: EvidencePack, target, parameters: dict) -> PackContent:
        """Gather the data of the pack (the context builder)."""

    def file_name(self, pack: EvidencePack) -> str:
        from django.utils.text import slugify

        scope = slugify(pack.target_repr)[:60] or "organisation"
        return f"{pack.reference}-{self.key}-{scope}.pdf"


@dataclass(frozen=True)
class PackExtension:
    """A section another app adds to an existing kind (e.g. the incidents of an AI
    system in the AI system pack), with the builder that fills it. ``build`` has the
    signature of ``PackKind.build`` and returns a ``PackContent`` whose context keys must
    not clash with the kind's; ``after`` is the anchor of the section it follows (empty:
    at the end)."""

    section: Section
    build: Any
    after: str = ""


_extensions: dict[str, list[PackExtension]] = {}


def extend(kind_key: str, extension: PackExtension) -> PackExtension:
    """Add a section to the kind ``kind_key`` (registered before or after this call)."""
    existing = _extensions.setdefault(kind_key, [])
    existing[:] = [e for e in existing if e.section.anchor != extension.section.anchor]
    existing.append(extension)
    return extension


def extensions_of(kind_key: str) -> list[PackExtension]:
    return list(_extensions.get(kind_key, ()))


def pack_sections(kind: PackKind) -> tuple[Section, ...]:
    """The kind's sections with those of its extensions in place."""
    sections = list(kind.sections)
    for extension in extensions_of(kind.key):
        anchors = [section.anchor for section in sections]
        if extension.after in anchors:
            sections.insert(anchors.index(extension.after) + 1, extension.section)
        else:
            sections.append(extension.section)
    return tuple(sections)


def pack_build(kind: PackKind, pack, target, parameters: dict) -> PackContent:
    """The kind's content and its extensions' content, merged."""
    content = kind.build(pack, target, dict(parameters))
    for extension in extensions_of(kind.key):
        extra = extension.build(pack, target, dict(parameters))
        clash = set(extra.context) & set(content.context)
        if clash:
            raise ValueError(
                f"Pack extension {extension.section.anchor!r} reuses context keys "
                f"{sorted(clash)} of {kind.key!r}"
            )
        content.context.update(extra.context)
        content.evidence.extend(extra.evidence)
        content.records.extend(extra.records)
    return content


def _pack_model():
    # By name, not by import: the model imports this module (one direction only).
    return apps.get_model("audit", "EvidencePack")


_kinds: dict[str, PackKind] = {}


def register(kind: PackKind) -> PackKind:
    """Add a kind (once per key); call from an ``AppConfig.ready()``."""
    if not kind.key or not kind.title:
        raise ValueError("A pack kind needs a key and a title")
    existing = _kinds.get(kind.key)
    if existing is not None and type(existing) is not type(kind):
        raise ValueError(f"Pack kind {kind.key!r} is already registered")
    _kinds[kind.key] = kind
    return kind


def get_kind(key: str) -> PackKind | None:
    return _kinds.get(key)


def kinds() -> list[PackKind]:
    """Every kind, by title (the order of the request page's tabs)."""
    return sorted(_kinds.values(), key=lambda kind: kind.title)


def kinds_for(user) -> list[PackKind]:
    """The kinds ``user`` may request."""
    return [kind for kind in kinds() if kind.may_request(user)]


def may_view_any_pack(user) -> bool:
    """Whether ``user`` may see packs of some kind (the navigation shows the list)."""
    return any(kind.may_view(user) for kind in kinds())
