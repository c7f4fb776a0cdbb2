"""System checks of the conventions the permission rule relies on."""

from django.apps import apps
from django.core import checks

from .roles import GOVERNANCE_APPS


@checks.register(checks.Tags.models)
def owned_records_have_direct_permission_tables(app_configs=None, **kwargs):
    """A record with an accountable owner (``own_<model>``) holds object permissions:
    it needs guardian's direct foreign-key tables, or every list of a low-privilege user
    falls back to guardian's generic text column (a scan of the whole table)."""
    from .permissions import has_direct_permission_models

    errors = []
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label not in GOVERNANCE_APPS:
            continue
        owned = f"own_{opts.model_name}"
        if not any(codename == owned for codename, _ in opts.permissions):
            continue
        if not has_direct_permission_models(model):
            errors.append(
                checks.Error(
                    f"{opts.label} has owners ({owned}) but no direct object "
                    "permission tables.",
                    hint=(
                        f"Declare {model.__name__}UserObjectPermission and "
                        f"{model.__name__}GroupObjectPermission (DEVELOPERS.md, step 3)."
                    ),
                    obj=model,
                    id="aims.E001",
                )
            )
    return errors


@checks.register(checks.Tags.security)
def second_factor_roles_exist(app_configs=None, **kwargs):
    """A misspelt role in ``AIMS_MFA_REQUIRED_ROLES`` would silently require nothing."""
    from django.conf import settings

    from .roles import ROLE_PERMISSIONS

    unknown = [r for r in settings.AIMS_MFA_REQUIRED_ROLES if r not in ROLE_PERMISSIONS]
    if not unknown:
        return []
    return [
        checks.Error(
            f"AIMS_MFA_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role names as written: {', '.join(ROLE_PERMISSIONS)}.",
            id="aims.E002",
        )
    ]
