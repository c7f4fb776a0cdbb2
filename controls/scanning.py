"""Looking inside uploaded files: ZIP-based office documents, PDFs, and an optional
virus scan by ClamAV (clamd).

Each check raises ``ValidationError`` with a message for the person uploading, so the
file is refused before it is stored. They run from ``controls.uploads.inspect_upload``.
"""

import logging
import re
import socket
import struct
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

logger = logging.getLogger(__name__)

ZIP_BASED = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}
# Office's macro container; a macro-free format (.docx) never holds one.
MACRO_PART = re.compile(r"(^|/)vbaProject\.bin$", re.I)
# Names in a PDF that run something when the file is opened or used.
PDF_ACTIVE_NAMES = (b"/JavaScript", b"/JS", b"/OpenAction", b"/AA", b"/Launch")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class Infected(ValidationError):
    """The virus scanner found something; the message names it."""


def check_zip_container(upload, kind: str) -> None:
    """Refuse a ZIP bomb (too large unpacked, or too highly compressed) and a document
    carrying macros (``vbaProject.bin``)."""
    if kind not in ZIP_BASED:
        return
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValidationError(
            "The document is damaged (its ZIP structure cannot be read)."
        ) from None
    finally:
        upload.seek(0)
    if len(entries) > settings.AIMS_MAX_ZIP_ENTRIES:
        raise ValidationError(
            f"The document holds {len(entries)} parts; at most "
            f"{settings.AIMS_MAX_ZIP_ENTRIES} are accepted."
        )
    unpacked = sum(entry.file_size for entry in entries)
    packed = sum(entry.compress_size for entry in entries) or 1
    if unpacked > settings.AIMS_MAX_UNPACKED_BYTES:
        raise ValidationError(
            f"The document unpacks to {filesizeformat(unpacked)}; the limit is "
            f"{filesizeformat(settings.AIMS_MAX_UNPACKED_BYTES)}."
        )
    if unpacked / packed > settings.AIMS_MAX_ZIP_RATIO:
        raise ValidationError(
            "The document is compressed far more than office files are "
            f"({unpacked // packed}:1); it looks like a ZIP bomb and was not accepted."
        )
    if any(MACRO_PART.search(entry.filename) for entry in entries):
        raise ValidationError(
            "The document contains macros (vbaProject.bin). Save it without macros "
            "(e.g. as a plain .docx or .xlsx, or as PDF) and upload it again."
        )


def pdf_active_content(upload) -> list[str]:
    """The PDF's names that run code or act on opening, found in the raw bytes (with
    #xx escapes undone) and in the document catalogue as pypdf reads it (which also
    sees inside compressed object streams)."""
    found: set[str] = set()
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        data = _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), tail + chunk)
        for name in PDF_ACTIVE_NAMES:
            if re.search(re.escape(name) + rb"(?![A-Za-z])", data):
                found.add(name.decode())
        tail = chunk[-32:]
    upload.seek(0)
    try:
        from pypdf import PdfReader

        reader = PdfReader(upload, strict=False)
        root = reader.trailer["/Root"]
        for key in ("/OpenAction", "/AA"):
            if key in root:
                found.add(key)
        names = root.get("/Names")
        if names is not None and "/JavaScript" in names.get_object():
            found.add("/JavaScript")
    except Exception:  # noqa: BLE001 - an unreadable PDF is judged by its bytes alone
        logger.info("pypdf could not read an uploaded PDF; byte scan only")
    finally:
        upload.seek(0)
    return sorted(found)


def check_pdf(upload, kind: str) -> tuple[str, ...]:
    """Refuse (``AIMS_PDF_ACTIVE_CONTENT=refuse``, the default) or flag (``flag``: the
    file is accepted and the returned notes say why it is unusual) a PDF with
    JavaScript or actions on opening; ``allow`` skips the check."""
    policy = settings.AIMS_PDF_ACTIVE_CONTENT
    if kind != "pdf" or policy == "allow":
        return ()
    found = pdf_active_content(upload)
    if not found:
        return ()
    if policy == "flag":
        logger.warning("Accepted a PDF with active content: %s", ", ".join(found))
        return (f"The PDF contains active content ({', '.join(found)}).",)
    raise ValidationError(
        f"The PDF contains scripts or actions that run when it is opened "
        f"({', '.join(found)}). Print it to a new PDF (or export it without "
        "JavaScript) and upload that."
    )


# ClamAV


def clamd_address():
    """Where clamd listens: ``AIMS_CLAMD_SOCKET`` (a Unix socket path) or
    ``AIMS_CLAMD_HOST`` and ``AIMS_CLAMD_PORT``; None when scanning is off."""
    if settings.AIMS_CLAMD_SOCKET:
        return settings.AIMS_CLAMD_SOCKET
    if settings.AIMS_CLAMD_HOST:
        return (settings.AIMS_CLAMD_HOST, settings.AIMS_CLAMD_PORT)
    return None


def _connect(address):
    if isinstance(address, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(settings.AIMS_CLAMD_TIMEOUT)
    sock.connect(address)
    return sock


def clamd_scan(upload) -> str | None:
    """Stream the file to clamd (INSTREAM); the signature name if it is infected,
    None if clean. Raises ``OSError`` when clamd cannot be reached."""
    address = clamd_address()
    upload.seek(0)
    with _connect(address) as sock:
        sock.sendall(b"zINSTREAM\0")
        for chunk in upload.chunks(chunk_size=64 * 1024):
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
    upload.seek(0)
    text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        return text.removeprefix("stream:").removesuffix("FOUND").strip()
    if text.endswith("OK"):
        return None
    raise OSError(f"clamd answered {text!r}")


def check_malware(upload, sha256: str) -> None:
    """When clamd is configured: an infected file goes to quarantine (``quarantine/``
    in the file storage, for an administrator to examine) and is refused; a scanner
    that does not answer refuses the upload too, unless ``AIMS_CLAMD_FAIL_OPEN``."""
    if clamd_address() is None:
        return
    try:
        signature = clamd_scan(upload)
    except OSError:
        logger.exception("Virus scan unavailable")
        if settings.AIMS_CLAMD_FAIL_OPEN:
            return
        raise ValidationError(
            "The virus scanner is not answering, so the file was not accepted. "
            "Try again later, or tell an administrator."
        ) from None
    if signature is None:
        return
    from django.core.files.storage import default_storage

    quarantined = default_storage.save(f"quarantine/{sha256}", upload)
    upload.seek(0)
    logger.warning("Quarantined an infected upload (%s) as %s", signature, quarantined)
    raise Infected(
        f"The virus scanner found {signature} in this file. It was quarantined, not "
        "added to the evidence; an administrator has been told in the log."
    )
