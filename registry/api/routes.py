from aims.api.routes import Route

from . import life
from .views import AIRoleViewSet, AISystemViewSet, DataCategoryViewSet, TagViewSet

routes = [
    Route("ai-systems", AISystemViewSet),
    Route("ai-roles", AIRoleViewSet),
    Route("data-categories", DataCategoryViewSet),
    Route("tags", TagViewSet),
    Route("suppliers", life.SupplierViewSet),
    Route("supplier-reviews", life.SupplierReviewViewSet),
    Route("datasets", life.DatasetViewSet),
    Route("dataset-provenance", life.ProvenanceEntryViewSet),
    Route("dataset-quality", life.QualityRequirementViewSet),
    Route("system-datasets", life.SystemDatasetViewSet),
    Route("system-resources", life.SystemResourceViewSet),
    Route("responsibilities", life.ResponsibilityViewSet),
    Route("lifecycle-records", life.LifecycleRecordViewSet),
    Route("acceptance-criteria", life.AcceptanceCriterionViewSet),
    Route("releases", life.ReleaseViewSet),
]
