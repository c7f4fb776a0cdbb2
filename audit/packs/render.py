"""Render a pack's HTML into a PDF in a temporary file (WeasyPrint), with its facts."""

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["RenderedPdf", "render_pdf"]


@dataclass
class RenderedPdf:
    """A PDF in a temporary file: the caller stores it and then calls ``discard()``."""

    path: str
    sha256: str
    size: int
    page_count: int
    refused: list[str] = field(default_factory=list)

    def discard(self) -> None:
        # Gone already when the file-system storage moved it into place.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def render_pdf(html: str, *, evidence_names: Iterable[str] = ()) -> RenderedPdf:
    """Lay out ``html`` and write the PDF to a new temporary file.

    Resources are read only through ``RestrictedURLFetcher``. Nothing is written
    anywhere but the temporary file, which is removed again if rendering fails.
    """
    # WeasyPrint takes about a second to import: only processes that render pay for it.
    from weasyprint import HTML

    from .fetcher import PACK_BASE_URL, RestrictedURLFetcher

    fetcher = RestrictedURLFetcher(evidence_names)
    document = HTML(string=html, base_url=PACK_BASE_URL, url_fetcher=fetcher).render()
    handle, path = tempfile.mkstemp(prefix="aims-pack-", suffix=".pdf")
    try:
        with os.fdopen(handle, "w+b") as output:
            document.write_pdf(target=output)
            output.flush()
            output.seek(0)
            digest = hashlib.sha256()
            size = 0
            for chunk in iter(lambda: output.read(1024 * 1024), b""):
                digest.update(chunk)
                size += len(chunk)
    except BaseException:
        os.unlink(path)
        raise
    return RenderedPdf(
        path=path,
        sha256=digest.hexdigest(),
        size=size,
        page_count=len(document.pages),
        refused=list(fetcher.refused),
    )
