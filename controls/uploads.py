"""Checks on uploaded evidence files: size, type by content (not by name), a safe name.

The stored name is chosen by the server (``models.evidence_upload_to``); the name the
user gave is kept only as metadata for the download, cleaned here.
"""

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from .scanning import check_malware, check_pdf, check_zip_container

# Detected type -> (content type, extensions a file of that type may carry).
BINARY_TYPES = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpg": ("image/jpeg", (".jpg", ".jpeg")),
    "gif": ("image/gif", (".gif",)),
    "webp": ("image/webp", (".webp",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    "odt": ("application/vnd.oasis.opendocument.text", (".odt",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    "odp": ("application/vnd.oasis.opendocument.presentation", (".odp",)),
}
# UTF-8 text is recognised by decoding it; it is always served as text/plain.
TEXT_EXTENSIONS = (".txt", ".csv", ".md", ".json", ".log", ".yaml", ".yml")
ACCEPTED_LABEL = "PDF, PNG, JPEG, GIF, WebP, Word, Excel, PowerPoint, OpenDocument or UTF-8 text (txt, csv, md, json, log, yaml)"
# Markup that a browser would run if it ever rendered the file.
MARKUP = re.compile(rb"<\s*(!doctype|html|svg|script|iframe|object|embed|\?xml)", re.I)
MAX_NAME_LENGTH = 120
HEADER_BYTES = 8192


@dataclass(frozen=True)
class InspectedFile:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str
    # Why an accepted file is unusual (a PDF with scripts when AIMS_PDF_ACTIVE_CONTENT
    # is "flag"); empty for most files.
    notes: tuple[str, ...] = ()


def clean_filename(raw: str) -> str:
    """The last path component, printable, without leading dots, at most 120 characters."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > MAX_NAME_LENGTH:
        path = PurePosixPath(name)
        suffix = path.suffix if len(path.suffix) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return name or "evidence"


def inspect_upload(upload) -> InspectedFile:
    """Accept the file or raise ``ValidationError`` saying exactly why not."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError("The file is empty.")
    limit = settings.AIMS_MAX_EVIDENCE_BYTES
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; the limit is {filesizeformat(limit)}."
        )
    name = clean_filename(upload.name)
    extension = PurePosixPath(name).suffix.lower()

    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    header = b""
    is_text = True
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
        if len(header) < HEADER_BYTES:
            header += chunk[: HEADER_BYTES - len(header)]
        if is_text:
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                is_text = False
            if b"\x00" in chunk:
                is_text = False
    if is_text:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            is_text = False
    upload.seek(0)

    kind = filetype.guess(header)
    if kind is not None and kind.extension in BINARY_TYPES:
        content_type, extensions = BINARY_TYPES[kind.extension]
        if extension and extension not in extensions:
            raise ValidationError(
                f"The file's content is {kind.extension.upper()}, but its name ends in "
                f"{extension}. Rename it to {extensions[0]} or upload the right file."
            )
        extension = extension or extensions[0]
    elif is_text and kind is None:
        if MARKUP.search(header):
            raise ValidationError(
                "HTML, SVG and XML files are not accepted: a browser could run scripts "
                "in them. Save the page or drawing as PDF or PNG instead."
            )
        if extension not in TEXT_EXTENSIONS:
            raise ValidationError(
                f"A text file must be named {', '.join(TEXT_EXTENSIONS)}"
                + (f", not {extension}." if extension else ".")
            )
        content_type = "text/plain; charset=utf-8"
    else:
        raise ValidationError(
            f"This kind of file is not accepted. Accepted: {ACCEPTED_LABEL}."
        )
    detected = kind.extension if kind is not None else "text"
    check_zip_container(upload, detected)
    notes = check_pdf(upload, detected)
    check_malware(upload, digest.hexdigest())
    if not name.lower().endswith(extension):
        name = clean_filename(name[: MAX_NAME_LENGTH - len(extension)] + extension)
    return InspectedFile(
        name=name,
        extension=extension,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        notes=notes,
    )
