from django.contrib import admin

from aims.admin import ChangeLoggedAdmin, ReadOnlyAdmin

from .models import AIObjective, Risk, RiskCriteria, RiskSource, TreatmentAction


@admin.register(Risk)
class RiskAdmin(ChangeLoggedAdmin):
    """Read-only here: risks change through their pages and API, which apply the rules."""

    list_display = [
        "reference",
        "title",
        "ai_system",
        "owner",
        "status",
        "inherent_level",
        "residual_level",
    ]
    list_filter = ["status", "inherent_level", "residual_level"]
    search_fields = ["reference", "title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RiskCriteria)
class RiskCriteriaAdmin(ReadOnlyAdmin, ChangeLoggedAdmin):
    list_display = ["number", "name", "appetite", "is_current", "created"]


admin.site.register(TreatmentAction, ChangeLoggedAdmin)
admin.site.register(RiskSource, ChangeLoggedAdmin)
admin.site.register(AIObjective, ChangeLoggedAdmin)
