import pytest


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Document files, certificates and packs go to a fresh folder per test."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root
