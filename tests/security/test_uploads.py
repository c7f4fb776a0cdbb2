"""Uploads: cut off at the size limit, office documents looked into (ZIP bombs,
macros), PDFs with scripts, and the optional ClamAV scan (a clamd speaking the real
INSTREAM protocol on loopback; the real clamd when AIMS_TEST_CLAMD_SOCKET names one)."""

import io
import os
import socket
import struct
import threading
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from controls.uploads import inspect_upload
from tests.controls.conftest import PDF_BYTES, media_root  # noqa: F401

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EICAR = (
    rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
)


def _office(parts: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _upload(name, data, content_type=DOCX):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_plain_docx_is_accepted(db):
    inspected = inspect_upload(_upload("policy.docx", _office({"docProps/app.xml": b"<x/>" * 50})))
    assert inspected.extension == ".docx"


def test_a_zip_bomb_named_docx_is_refused(db, settings):
    settings.AIMS_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    bomb = _office({"word/media/zeros.bin": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024
    with pytest.raises(ValidationError, match="unpacks to|ZIP bomb"):
        inspect_upload(_upload("report.docx", bomb))


def test_a_highly_compressed_small_document_is_refused_by_ratio(db):
    bomb = _office({"word/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    with pytest.raises(ValidationError, match="ZIP bomb"):
        inspect_upload(_upload("report.docx", bomb))


def test_a_macro_document_renamed_docx_is_refused(db):
    macro = _office({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro code"})
    with pytest.raises(ValidationError, match="macros"):
        inspect_upload(_upload("invoice.docx", macro))


PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"3 0 obj<</S/JavaScript/JS(app.alert\\(1\\))>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PDF_WITH_ESCAPED_NAME = PDF_WITH_SCRIPT.replace(b"/OpenAction", b"/Open#41ction").replace(
    b"/S/JavaScript/JS", b"/S/J#61vaScript/J#53"
)


@pytest.mark.parametrize("data", [PDF_WITH_SCRIPT, PDF_WITH_ESCAPED_NAME])
def test_a_pdf_with_javascript_is_refused_by_default(db, data):
    with pytest.raises(ValidationError, match="scripts or actions"):
        inspect_upload(_upload("form.pdf", data, "application/pdf"))


def test_a_pdf_with_javascript_is_flagged_or_allowed_by_setting(db, settings):
    settings.AIMS_PDF_ACTIVE_CONTENT = "flag"
    flagged = inspect_upload(_upload("form.pdf", PDF_WITH_SCRIPT, "application/pdf"))
    assert flagged.notes and "/OpenAction" in flagged.notes[0]
    settings.AIMS_PDF_ACTIVE_CONTENT = "allow"
    assert inspect_upload(_upload("form.pdf", PDF_WITH_SCRIPT, "application/pdf")).notes == ()
    settings.AIMS_PDF_ACTIVE_CONTENT = "refuse"
    assert inspect_upload(_upload("plain.pdf", PDF_BYTES, "application/pdf")).notes == ()


def test_a_body_over_the_limit_is_refused_before_it_is_read(manager, client_for, settings):
    settings.AIMS_MAX_REQUEST_BYTES = 1024 * 1024

    class Endless(io.RawIOBase):
        """A body that would take forever to read: any read fails the test."""

        def readable(self):
            return True

        def readinto(self, buffer):
            raise AssertionError("the body was read")

    response = client_for(manager).generic(
        "POST",
        reverse("controls:evidence_add"),
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Endless()},
    )
    assert response.status_code == 413
    api = client_for(manager).generic(
        "POST",
        "/api/v1/evidence/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
        **{"wsgi.input": Endless()},
    )
    assert api.status_code == 413 and api.json()["code"] == "too_large"


def test_the_upload_handler_stops_a_stream_at_the_limit(
    manager, api_for, settings, monkeypatch
):
    from aims.middleware import RequestSizeLimitMiddleware

    # Past the length check (as a body without a declared length would be): the
    # first upload handler cuts the file off instead of spooling it.
    monkeypatch.setattr(
        RequestSizeLimitMiddleware, "__call__", lambda self, r: self.get_response(r)
    )
    settings.AIMS_MAX_REQUEST_BYTES = 256 * 1024
    big = SimpleUploadedFile("big.txt", b"a" * (1024 * 1024), content_type="text/plain")
    response = api_for(manager).post(
        "/api/v1/evidence/", {"title": "Big", "file": big}, format="multipart"
    )
    assert response.status_code == 413
    assert not default_storage.listdir("")[1]


# ClamAV


class FakeClamd:
    """clamd's INSTREAM protocol on a loopback port: finds the EICAR test string."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                data = b""
                while not data.endswith(b"\0") or len(data) < 10:
                    data += conn.recv(10 - len(data) if len(data) < 10 else 1)
                    if data == b"zINSTREAM\0":
                        break
                body = b""
                while True:
                    size = struct.unpack("!L", _exact(conn, 4))[0]
                    if size == 0:
                        break
                    body += _exact(conn, size)
                verdict = b"stream: Eicar-Signature FOUND" if EICAR in body else b"stream: OK"
                conn.sendall(verdict + b"\0")

    def close(self):
        self.server.close()


def _exact(conn, size):
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise OSError("closed")
        data += part
    return data


@pytest.fixture
def clamd(settings):
    if os.environ.get("AIMS_TEST_CLAMD_SOCKET"):
        settings.AIMS_CLAMD_SOCKET = os.environ["AIMS_TEST_CLAMD_SOCKET"]
        yield None
        return
    fake = FakeClamd()
    settings.AIMS_CLAMD_HOST, settings.AIMS_CLAMD_PORT = "127.0.0.1", fake.port
    yield fake
    fake.close()


def test_an_infected_upload_is_quarantined_and_refused(manager, api_for, clamd):
    infected = SimpleUploadedFile("notes.txt", EICAR + b"\n", content_type="text/plain")
    response = api_for(manager).post(
        "/api/v1/evidence/", {"title": "Notes", "file": infected}, format="multipart"
    )
    assert response.status_code == 400
    assert "virus scanner found" in str(response.json()) and "quarantined" in str(
        response.json()
    )
    assert default_storage.listdir("quarantine")[1]
    clean = SimpleUploadedFile("notes.txt", b"all fine\n", content_type="text/plain")
    ok = api_for(manager).post(
        "/api/v1/evidence/", {"title": "Notes", "file": clean}, format="multipart"
    )
    assert ok.status_code == 201, ok.content


def test_an_unreachable_scanner_refuses_unless_told_to_fail_open(db, settings):
    settings.AIMS_CLAMD_HOST, settings.AIMS_CLAMD_PORT = "127.0.0.1", 9
    settings.AIMS_CLAMD_TIMEOUT = 2
    upload = _upload("notes.txt", b"hello\n", "text/plain")
    with pytest.raises(ValidationError, match="not answering"):
        inspect_upload(upload)
    settings.AIMS_CLAMD_FAIL_OPEN = True
    assert inspect_upload(upload).extension == ".txt"
