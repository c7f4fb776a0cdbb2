"""An "Evidence pack" button on the pages of records that are the target of a pack kind."""

from django.urls import reverse
from django.utils.http import urlencode

from aims.record_tabs import RecordAction

from .registry import kinds_for


def evidence_pack_actions(request, obj) -> list[RecordAction]:
    """One button per pack kind about ``obj``'s model that the user may request."""
    url = reverse("audit:evidencepack_add")
    return [
        RecordAction(
            f"Evidence pack: {kind.title}",
            f"{url}?{urlencode({'kind': kind.key, 'target': obj.pk})}",
        )
        for kind in kinds_for(request.user)
        if kind.target_model is type(obj)
    ]
