from django.contrib import admin

from aims.admin import ChangeLoggedAdmin

from .models import AIRole, AISystem, DataCategory


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


@admin.register(AIRole)
class AIRoleAdmin(ChangeLoggedAdmin):
    list_display = ["name", "slug"]


@admin.register(DataCategory)
class DataCategoryAdmin(ChangeLoggedAdmin):
    list_display = ["name", "is_personal", "is_special_category"]
