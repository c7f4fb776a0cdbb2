"""A route of ``/api/v1/`` that an app declares in its ``api/routes.py``."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Route:
    prefix: str
    viewset: type
    basename: str | None = None

    def register(self, router) -> None:
        router.register(self.prefix, self.viewset, basename=self.basename)
