"""WeasyPrint may read only the portal's static files and the evidence of the pack
being built: never the local file system, other hosts or the network."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from audit.packs.fetcher import (
    PACK_BASE_URL,
    FetchRefused,
    RestrictedURLFetcher,
    evidence_url,
)
from audit.packs.render import render_pdf
from registry.models import AISystem
from registry.services import ai_system_save

from .helpers import pdf_pages, request_pack, stored_bytes

REFUSED = [
    "file:///etc/passwd",
    "file://localhost/etc/passwd",
    "http://example.com/logo.png",
    "https://example.com/static/css/pack.css",
    "http://pack.aims.invalid/static/css/pack.css",
    "https://pack.aims.invalid:8443/static/css/pack.css",
    "https://user@pack.aims.invalid/static/css/pack.css",
    "https://pack.aims.invalid/etc/passwd",
    "https://pack.aims.invalid/static/../../../../etc/passwd",
    "https://pack.aims.invalid/static/%2e%2e/%2e%2e/aims/settings/base.py",
    "https://pack.aims.invalid/static//etc/passwd",
    "https://pack.aims.invalid/evidence/not-in-this-pack.pdf",
    "https://pack.aims.invalid/evidence/../../../etc/passwd",
    "ftp://example.com/file",
    "data:text/plain,hello",
    "http://169.254.169.254/latest/meta-data/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_it_refuses_anything_but_the_portals_static_files_and_evidence(url):
    fetcher = RestrictedURLFetcher(evidence_names=["evidence-files/a.png"])
    with pytest.raises(FetchRefused):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_it_serves_static_files_through_the_static_files_machinery():
    fetcher = RestrictedURLFetcher()
    response = fetcher.fetch(f"{PACK_BASE_URL}static/css/pack.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_it_serves_only_the_evidence_files_of_the_pack():
    name = default_storage.save("evidence-files/scan.svg", ContentFile(b"<svg/>"))
    other = default_storage.save("evidence-files/other.svg", ContentFile(b"<svg/>"))
    fetcher = RestrictedURLFetcher(evidence_names=[name])
    assert fetcher.fetch(evidence_url(name)).read() == b"<svg/>"
    with pytest.raises(FetchRefused):
        fetcher.fetch(evidence_url(other))


def test_markup_pointing_outside_never_reaches_the_pdf(tmp_path):
    """Images, stylesheets and fonts outside the portal are dropped from the PDF."""
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    html = (
        "<html><head><link rel='stylesheet' href='http://127.0.0.1:9/evil.css'>"
        "<style>@import url('file:///etc/passwd'); @font-face { font-family: x; "
        "src: url('https://example.com/font.woff'); }</style></head><body>"
        f"<p>Hello</p><img src='file://{secret}'><img src='/etc/passwd'>"
        "<img src='https://example.com/pixel.png'>"
        "<object data='file:///etc/passwd'></object></body></html>"
    )
    rendered = render_pdf(html)
    try:
        with open(rendered.path, "rb") as handle:
            reader = PdfReader(io.BytesIO(handle.read()))
        assert "Hello" in reader.pages[0].extract_text()
        assert all(not page.images for page in reader.pages)
        assert f"file://{secret}" in rendered.refused
        assert "https://pack.aims.invalid/etc/passwd" in rendered.refused
        assert "http://127.0.0.1:9/evil.css" in rendered.refused
        assert "https://example.com/pixel.png" in rendered.refused
    finally:
        rendered.discard()


def test_html_in_a_system_description_is_printed_as_text_and_fetches_nothing(
    alice_system, alice, auditor, django_capture_on_commit_callbacks
):
    system = AISystem.objects.get(pk=alice_system.pk)
    system.description = (
        '<img src="file:///etc/passwd"> <link rel="stylesheet" '
        'href="http://example.com/x.css"> <iframe src="/etc/passwd"></iframe>'
    )
    ai_system_save(system=system, actor=alice)

    pack = request_pack(auditor, system, capture=django_capture_on_commit_callbacks)

    data = stored_bytes(pack)
    text = "\n".join(pdf_pages(data))
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")
    assert "root:x:0:0" not in text
    assert all(not page.images for page in PdfReader(io.BytesIO(data)).pages)
    assert pack.manifest["refused_urls"] == []
