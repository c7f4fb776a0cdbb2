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

__all__ = ["HIDDEN", "RelatedNames", "VisibleNames"]


def _per_object(model) -> bool:
    return has_direct_permission_models(model) or "view" in getattr(
        model, "inherit_permissions", {}
    )


class RelatedNames:
    """One reader's view of related records; reads each model's visible rows once."""

    def __init__(self, user):
        self.user = user
        self._visible: dict[type, tuple[set, set] | None] = {}

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


class VisibleNames:
    """One reader's view of the records an export row names (its AI system, its risks,
    its evidence): a record they may not see is not named.

    For each model the reader does not see as a whole, the ids they may see are read
    once per export (one query of integer ids, as the lists use), whatever the number
    of rows. A reader who is nobody (``None``) sees no record decided per object.
    """

    def __init__(self, user):
        self.user = user
        self._ids: dict = {}

    def sees(self, obj) -> bool:
        model = type(obj)
        if model not in self._ids:
            if self.user is not None and self.user.has_perm(perm_name(model, "view")):
                self._ids[model] = None  # every row
            elif not _per_object(model):
                self._ids[model] = set()  # no row: the reader's roles do not read it
            else:
                self._ids[model] = set(
                    visible_to(model._default_manager.all(), self.user, "view")
                    .order_by()
                    .values_list("pk", flat=True)
                )
        ids = self._ids[model]
        return ids is None or obj.pk in ids

    def name(self, obj, text=str) -> str:
        """``text(obj)``, or "a record you may not see"."""
        if obj is None:
            return ""
        return text(obj) if self.sees(obj) else HIDDEN

    def names(self, objs, text=str) -> list[str]:
        """The names of the records the reader may see; the others are left out, not
        counted (a count of hidden records is a disclosure too)."""
        return [text(obj) for obj in objs if self.sees(obj)]

    def references(self, model, references, field: str = "reference") -> list[str]:
        """Of stored ``references`` (e.g. an approved SoA's frozen risk list), those of
        records the reader may see (their references read once per export)."""
        key = (model, field)
        if key not in self._ids:
            if self.user is not None and self.user.has_perm(perm_name(model, "view")):
                self._ids[key] = None
            elif not _per_object(model):
                self._ids[key] = set()
            else:
                self._ids[key] = set(
                    visible_to(model._default_manager.all(), self.user, "view")
                    .order_by()
                    .values_list(field, flat=True)
                )
        shown = self._ids[key]
        return [ref for ref in references if shown is None or ref in shown]
