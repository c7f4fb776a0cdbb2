"""Admin: user and role management for administrators; the change log is read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from guardian.admin import GuardedModelAdmin

from .history import change_scope
from .models import Notification, NotificationPreference, ObjectChange, Tag, User


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

    def has_delete_permission(self, request, obj=None):
        # The change log points at users: deactivate them instead.
        return False

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
class ObjectChangeAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ChangeLoggedAdmin):
    """Administrators may set someone's escalation contact for them (change-logged)."""

    list_display = ["user", "digest_frequency", "escalation_contact"]
    list_filter = ["digest_frequency"]
    autocomplete_fields = ["user", "escalation_contact"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
