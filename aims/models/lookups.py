from django.db import models

from aims.reversing import reverse

from .base import AimsModel


class Tag(AimsModel):
    """A free label shared by all registers (e.g. "customer-facing", "pilot")."""

    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:aisystem_list") + f"?tag={self.slug}"
