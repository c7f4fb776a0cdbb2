"""Names of related records in the change log, as the reader may see them.

A change-log entry keeps the text of every related record as it was (``{"id", "repr"}``
for a foreign key, a list of texts for a many-to-many field). Someone who may read the
entry need not be allowed to see those records: an AI system owner reads an evidence
item's history, which names other owners' systems. Before an entry is shown (page,
API, pack) its values go through ``RelatedNames.redact``: a related record the reader
may not see appears as "a record you may not see", by the one permission rule.

Only records whose visibility is decided per object (guardian tables or inherited
from a parent) are filtered; people's names and the reference libraries are shown as
they are elsewhere in the portal.
"""

from django.core.exceptions import FieldDoesNotExist

from .permissions import has_direct_permission_models, perm_name, visible_to

HIDDEN = "a record you may not see"

__all__ = ["HIDDEN", "RelatedNames"]


def _per_object(model) -> bool:
    return has_direct_permission_models(model) or "view" in getattr(
        model, "inherit_permissions", {}
    )


class RelatedNames:
    """One reader's view of related records; reads each model's visible rows once."""

    def __init__(self, user):
        self.user = user
        self._visible: dict[type, tuple[set, set] | None] = {}
        self._references: dict[type, set | None] = {}

    def _visible_of(self, model):
        if model not in self._visible:
            if self.user is not None and self.user.has_perm(perm_name(model, "view")):
                self._visible[model] = None  # everything
            else:
                rows = list(visible_to(model._default_manager.all(), self.user, "view"))
                self._visible[model] = (
                    {row.pk for row in rows},
                    {str(row) for row in rows},
                )
        return self._visible[model]

    def shows(self, obj) -> bool:
        """Whether the reader may see ``obj`` (always, for records whose visibility is
        not decided per object)."""
        model = type(obj)
        if not _per_object(model):
            return True
        visible = self._visible_of(model)
        return visible is None or obj.pk in visible[0]

    def name(self, obj) -> str:
        return str(obj) if self.shows(obj) else HIDDEN

    def names(self, objects, text=str) -> list[str]:
        """``text(obj)`` of each record the reader may see. The others are left out, not
        counted: that a hidden record exists is already a disclosure."""
        return [text(obj) for obj in objects if self.shows(obj)]

    def references(self, model, references) -> list[str]:
        """Of ``references`` (the ``reference`` texts of ``model`` records kept in a
        snapshot), those the reader may see; the others are left out, as in ``names``."""
        references = list(references)
        if not _per_object(model):
            return references
        if model not in self._references:
            if self.user is not None and self.user.has_perm(perm_name(model, "view")):
                self._references[model] = None
            else:
                self._references[model] = set(
                    visible_to(
                        model._default_manager.all(), self.user, "view"
                    ).values_list("reference", flat=True)
                )
        visible = self._references[model]
        if visible is None:
            return references
        return [ref for ref in references if ref in visible]

    def _related_model(self, model, name):
        if model is None:
            return None
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        related = getattr(field, "related_model", None)
        if related is None or not _per_object(related):
            return None
        return related

    def value(self, model, name: str, value):
        """``value`` of field ``name`` of ``model``, with hidden records' names replaced."""
        related = self._related_model(model, name)
        if related is None or value in (None, "", []):
            return value
        visible = self._visible_of(related)
        if visible is None:
            return value
        ids, texts = visible
        if isinstance(value, dict) and "id" in value:
            return value if value["id"] in ids else {"id": None, "repr": HIDDEN}
        if isinstance(value, list):
            shown = [item for item in value if str(item) in texts]
            hidden = len(value) - len(shown)
            if hidden:
                shown.append(
                    HIDDEN if hidden == 1 else f"{hidden} records you may not see"
                )
            return shown
        return value

    def redact(self, model, data: dict | None) -> dict | None:
        if not data:
            return data
        return {name: self.value(model, name, value) for name, value in data.items()}

    def record_text(self, entry) -> str:
        """The entry's record as it was named (``object_repr``), with the names of
        related records the reader may not see taken out: a system's dataset link is
        named after its dataset ("DS-0003 Churn data (training)"), which the system's
        owner need not be allowed to see. The names come from the entry's own snapshot
        of its foreign keys."""
        text = entry.object_repr
        model = entry.content_type.model_class()
        snapshot = {**(entry.prechange_data or {}), **(entry.postchange_data or {})}
        for name, value in snapshot.items():
            if not (isinstance(value, dict) and value.get("id") is not None):
                continue
            shown = value.get("repr") or ""
            if not shown or shown not in text or shown == HIDDEN:
                continue
            related = self._related_model(model, name)
            if related is None:
                continue
            visible = self._visible_of(related)
            if visible is not None and value["id"] not in visible[0]:
                text = text.replace(shown, HIDDEN)
        return text

