"""The portal's Ed25519 signing key: signs what must be checkable outside the database.

Change-log checkpoints and auditor bundles are signed with it. The private key is a
PEM file held outside the database (``AIMS_SIGNING_KEY_FILE``, default
``$AIMS_DATA_DIR/signing-key.pem``), so someone who can rewrite tables cannot forge a
signature. It is created on first use, readable by its owner only (0600). Publish the
public key (``manage.py signing_key``) where auditors can fetch it; its key id is the
SHA-256 of the raw public key, hex, the fingerprint ``aims/bundle_verifier.py`` prints.

    from aims import signing
    signature = signing.sign(data)              # 64 raw bytes
    signing.verify(data, signature, signing.public_key_pem())   # True / False
    signing.key_id()                            # "3f5a..." (64 hex digits)
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "fingerprint",
    "key_id",
    "key_path",
    "public_key",
    "public_key_pem",
    "sign",
    "sign_text",
    "verify",
]

SIGNATURE_BYTES = 64


def key_path() -> Path:
    return Path(settings.AIMS_SIGNING_KEY_FILE)


def _create_key_file(path: Path) -> None:
    """Write a new key so that no reader ever sees a partial file and two processes
    starting at once end up with the same key: write a private temporary file in the
    same folder, then hard-link it into place (which fails if the key already exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, pem)
        os.fsync(fd)
        os.close(fd)
        # Another process created it first: use theirs.
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


@lru_cache(maxsize=4)
def _load_private_key(path: str) -> Ed25519PrivateKey:
    file = Path(path)
    if not file.exists():
        _create_key_file(file)
    try:
        key = serialization.load_pem_private_key(file.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"AIMS_SIGNING_KEY_FILE {file} is not a readable PEM private key: {exc}"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(
            f"AIMS_SIGNING_KEY_FILE {file} holds a {type(key).__name__}, not an Ed25519 key"
        )
    return key


def _private_key() -> Ed25519PrivateKey:
    return _load_private_key(str(key_path()))


def sign(data: bytes) -> bytes:
    """The Ed25519 signature of ``data`` (64 raw bytes)."""
    return _private_key().sign(data)


def sign_text(data: bytes) -> str:
    """The signature as base64 text, the form stored in files (``manifest.sig``)."""
    return base64.b64encode(sign(data)).decode("ascii")


def public_key() -> Ed25519PublicKey:
    return _private_key().public_key()


def public_key_pem() -> str:
    return (
        public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode("ascii")
    )


def fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def key_id() -> str:
    """The fingerprint of this portal's public key (SHA-256 of its raw bytes, hex)."""
    return fingerprint(public_key())


def _as_public_key(key) -> Ed25519PublicKey | None:
    if isinstance(key, Ed25519PublicKey):
        return key
    if isinstance(key, str):
        key = key.encode()
    try:
        loaded = serialization.load_pem_public_key(key)
    except (TypeError, ValueError):
        return None
    return loaded if isinstance(loaded, Ed25519PublicKey) else None


def _as_signature(signature) -> bytes | None:
    if isinstance(signature, str):
        signature = signature.encode("ascii", "replace")
    if len(signature) == SIGNATURE_BYTES:
        return bytes(signature)
    try:
        return base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None


def verify(data: bytes, signature: bytes | str, public_key) -> bool:
    """Whether ``signature`` (raw bytes or base64 text) is ``public_key``'s signature of
    ``data``. ``public_key`` is PEM text/bytes or an ``Ed25519PublicKey``. Never raises
    for a wrong or malformed signature or key: it answers False."""
    key = _as_public_key(public_key)
    raw = _as_signature(signature)
    if key is None or raw is None:
        return False
    try:
        key.verify(raw, data)
    except InvalidSignature:
        return False
    return True
