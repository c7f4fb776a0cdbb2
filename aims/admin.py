"""Admin: user and role management for administrators; the change log is read-only.

Second-factor devices are shown read-only: django-otp's models are not change-logged,
so an administrator resets someone's second factor with the "Reset two-factor sign-in"
action on users (``aims.mfa.mfa_reset``, recorded on the user's change log) instead of
deleting or editing devices.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from .history import change_scope
from .mfa import mfa_reset
from .models import Notification, NotificationPreference, ObjectChange, Tag, User


class ReadOnlyAdmin:
    """Admin pages that only show: records kept as evidence or changed only through
    their services (the change log, notifications, published criteria, second-factor
    devices)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ChangeLoggedAdmin(GuardedModelAdmin):
    """One change-log entry per saved form, like the portal's own pages."""

    def changeform_view(self, *args, **kwargs):
        with transaction.atomic(), change_scope():
            return super().changeform_view(*args, **kwargs)

    def delete_view(self, *args, **kwargs):
        with transaction.atomic(), change_scope():
            return super().delete_view(*args, **kwargs)


@admin.register(User)
class UserAdmin(ChangeLoggedAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "roles",
    ]
    list_filter = ["is_active", "groups"]
    actions = ["reset_second_factor"]

    def has_delete_permission(self, request, obj=None):
        # The change log points at users: deactivate them instead.
        return False

    @admin.action(
        description="Reset two-factor sign-in (lost or compromised device)",
        permissions=["change"],
    )
    def reset_second_factor(self, request, queryset):
        reset = [
            user.get_username()
            for user in queryset
            if mfa_reset(user=user, actor=request.user)
        ]
        if reset:
            self.message_user(
                request,
                f"Two-factor sign-in reset for {', '.join(reset)}: their app and "
                "recovery codes no longer work; a role that requires a second factor "
                "asks them to set it up again.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, "None of them had two-factor sign-in.", messages.WARNING
            )

    @admin.display(description="Roles")
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")


@admin.register(Tag)
class TagAdmin(ChangeLoggedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]


@admin.register(ObjectChange)
class ObjectChangeAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = [
        "seq",
        "time",
        "user_name",
        "action",
        "event",
        "content_type",
        "object_repr",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "user_name", "request_id", "message"]
    readonly_fields = [f.name for f in ObjectChange._meta.fields]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ChangeLoggedAdmin):
    """Administrators may set someone's escalation contact for them (change-logged)."""

    list_display = ["user", "digest_frequency", "escalation_contact"]
    list_filter = ["digest_frequency"]
    autocomplete_fields = ["user", "escalation_contact"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: what the reminder run sent to whom (to answer "did I get told?")."""

    list_display = [
        "created",
        "recipient",
        "title",
        "stage",
        "reason",
        "email_status",
        "read_at",
    ]
    list_filter = ["kind", "source", "email_status", "reason"]
    search_fields = ["title", "recipient__username"]
    date_hierarchy = "created"
    readonly_fields = [f.name for f in Notification._meta.fields]


class ReadOnlyDeviceAdmin(ReadOnlyAdmin):
    """django-otp's device pages, without adding, editing or deleting: those would
    change someone's second factor without a change-log entry."""


class ReadOnlyTOTPDeviceAdmin(ReadOnlyDeviceAdmin, TOTPDeviceAdmin):
    pass


class ReadOnlyStaticDeviceAdmin(ReadOnlyDeviceAdmin, StaticDeviceAdmin):
    pass


# django-otp's apps come first in INSTALLED_APPS: their admins are registered already.
for model, model_admin in (
    (TOTPDevice, ReadOnlyTOTPDeviceAdmin),
    (StaticDevice, ReadOnlyStaticDeviceAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
