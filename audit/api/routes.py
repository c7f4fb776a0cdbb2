from aims.api.routes import Route

from .bundles import AuditorBundleViewSet
from .views import EvidencePackViewSet

routes = [
    Route("evidence-packs", EvidencePackViewSet),
    Route("auditor-bundles", AuditorBundleViewSet),
]
