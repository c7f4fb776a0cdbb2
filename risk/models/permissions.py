"""Object permissions of risk owners: guardian's direct tables, keyed by integer ids.

Treatment actions have none of their own: they inherit the risk's
(``TreatmentAction.inherit_permissions``)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .risks import Risk


class RiskUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Risk, on_delete=models.CASCADE)


class RiskGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Risk, on_delete=models.CASCADE)
