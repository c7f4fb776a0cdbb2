"""Object permissions of incident handlers and concern reporters: guardian's direct
tables, keyed by integer ids. Timeline entries follow their incident."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .concerns import Concern
from .incidents import Incident


class IncidentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)


class IncidentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)


class ConcernUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)


class ConcernGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Concern, on_delete=models.CASCADE)
