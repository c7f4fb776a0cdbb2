from django.contrib import admin

from aims.admin import ChangeLoggedAdmin

from .models import AIRole, AISystem, DataCategory
from .services import ai_system_save


@admin.register(AISystem)
class AISystemAdmin(ChangeLoggedAdmin):
    list_display = [
        "reference",
        "name",
        "owner",
        "lifecycle_stage",
        "eu_risk_tier",
        "next_review_date",
    ]
    list_filter = ["lifecycle_stage", "eu_risk_tier", "criticality"]
    search_fields = ["reference", "name"]
    readonly_fields = ["reference"]
    autocomplete_fields = ["owner"]

    def save_model(self, request, obj, form, change):
        # The same service as the pages: reference, validation, owner permissions.
        ai_system_save(system=obj, actor=request.user)


@admin.register(AIRole)
class AIRoleAdmin(ChangeLoggedAdmin):
    list_display = ["name", "slug"]


@admin.register(DataCategory)
class DataCategoryAdmin(ChangeLoggedAdmin):
    list_display = ["name", "is_personal", "is_special_category"]
