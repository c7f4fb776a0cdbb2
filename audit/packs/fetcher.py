"""The only way WeasyPrint may read a resource while it renders a pack.

Pack HTML is rendered with ``base_url=PACK_BASE_URL``, a host that never resolves
(``.invalid``). The fetcher answers two kinds of URL on that host and refuses everything
else (``file:``, ``data:``, other hosts, ``http(s)`` anywhere, ``ftp:``...), without
touching the network or the local file system outside the portal's static files:

* ``{PACK_BASE_URL}{STATIC_URL}<path>``: a static file of the portal, found through
  the static files storage (collected files) or the static file finders;
* ``{PACK_BASE_URL}evidence/<storage name>``: a file of the default storage, only when
  that name is among the evidence of the pack being built.

So user text that somehow reached the HTML as markup (``<img src="file:///etc/passwd">``)
cannot pull anything into the PDF.
"""

import logging
import mimetypes
import posixpath
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

__all__ = ["PACK_BASE_URL", "FetchRefused", "RestrictedURLFetcher", "evidence_url"]

PACK_HOST = "pack.aims.invalid"
PACK_BASE_URL = f"https://{PACK_HOST}/"
EVIDENCE_PREFIX = "/evidence/"


class FetchRefused(ValueError):
    """A resource outside the portal's static files and the pack's evidence."""


def evidence_url(storage_name: str) -> str:
    return f"{PACK_BASE_URL}evidence/{storage_name}"


def _clean_relative(path: str) -> str | None:
    """A relative path without ``..`` or absolute parts, or None."""
    path = unquote(path)
    normalised = posixpath.normpath(path)
    if (
        not path
        or "\\" in path
        or "\x00" in path
        or normalised.startswith(("/", ".."))
        or normalised == "."
    ):
        return None
    return normalised


class RestrictedURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher limited to static files and the named evidence files."""

    def __init__(self, evidence_names: Iterable[str] = (), **kwargs):
        super().__init__(fail_on_errors=False, **kwargs)
        self.evidence_names = frozenset(evidence_names)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        try:
            response = self._fetch(url)
        except FetchRefused:
            self.refused.append(url)
            logger.warning("Evidence pack: refused to fetch %.200s", url)
            raise
        self.served.append(url)
        return response

    def _fetch(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if (
            parts.scheme != "https"
            or parts.hostname != PACK_HOST
            or parts.port is not None
            or parts.username
            or parts.password
        ):
            raise FetchRefused(f"Not a portal resource: {url[:200]}")
        static_prefix = "/" + settings.STATIC_URL.lstrip("/")
        if parts.path.startswith(static_prefix):
            return self._static(url, parts.path[len(static_prefix) :])
        if parts.path.startswith(EVIDENCE_PREFIX):
            return self._evidence(url, parts.path[len(EVIDENCE_PREFIX) :])
        raise FetchRefused(f"Not a portal resource: {url[:200]}")

    def _static(self, url: str, path: str) -> URLFetcherResponse:
        name = _clean_relative(path)
        if name is None:
            raise FetchRefused(f"Not a static file: {url[:200]}")
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as handle:
                body = handle.read()
        else:
            found = finders.find(name)
            if not found:
                raise FetchRefused(f"No such static file: {name}")
            with open(found, "rb") as handle:
                body = handle.read()
        return self._response(url, name, body)

    def _evidence(self, url: str, path: str) -> URLFetcherResponse:
        name = _clean_relative(path)
        if name is None or name not in self.evidence_names:
            raise FetchRefused(f"Not evidence of this pack: {url[:200]}")
        with default_storage.open(name, "rb") as handle:
            body = handle.read()
        return self._response(url, name, body)

    @staticmethod
    def _response(url: str, name: str, body: bytes) -> URLFetcherResponse:
        mime_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": mime_type})
