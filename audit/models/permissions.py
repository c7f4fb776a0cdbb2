"""Object permissions on audit records: guardian's direct tables, keyed by integer ids.

Lead auditors and team members hold them on the audits they are assigned to; owners on
the findings, nonconformities and corrective actions they own. Checklist lines, review
inputs and decisions inherit from their parent."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .findings import CorrectiveAction, Finding, Nonconformity
from .programme import Audit


class AuditUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)


class AuditGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)


class FindingUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Finding, on_delete=models.CASCADE)


class FindingGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Finding, on_delete=models.CASCADE)


class NonconformityUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Nonconformity, on_delete=models.CASCADE)


class NonconformityGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Nonconformity, on_delete=models.CASCADE)


class CorrectiveActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE)


class CorrectiveActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE)
