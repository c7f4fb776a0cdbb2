from aims.api.routes import Route

from .views import EvidencePackViewSet

routes = [Route("evidence-packs", EvidencePackViewSet)]
