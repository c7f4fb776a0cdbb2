import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles count in the shared cache (Redis in CI): start every test at zero."""
    cache.clear()
    yield
    cache.clear()
