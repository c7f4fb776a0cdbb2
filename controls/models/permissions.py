"""Object permissions of control and evidence owners: guardian's direct tables, keyed by
integer ids."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .evidence import Evidence
from .soa import SoAEntry


class SoAEntryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SoAEntry, on_delete=models.CASCADE)


class SoAEntryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SoAEntry, on_delete=models.CASCADE)


class EvidenceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Evidence, on_delete=models.CASCADE)


class EvidenceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Evidence, on_delete=models.CASCADE)
