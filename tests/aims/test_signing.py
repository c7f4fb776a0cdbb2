"""The signing key lives outside the database, is private to its owner and signs verifiably."""

import base64
import hashlib
import stat
import threading
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from aims import bundle_verifier, signing


@pytest.fixture
def key_file(settings, tmp_path):
    settings.AIMS_SIGNING_KEY_FILE = tmp_path / "keys" / "signing-key.pem"
    return settings.AIMS_SIGNING_KEY_FILE


def test_key_is_created_on_first_use_readable_by_its_owner_only(key_file):
    assert not key_file.exists()

    signing.sign(b"anything")

    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in key_file.read_bytes()
    # No temporary file is left next to it.
    assert [p.name for p in key_file.parent.iterdir()] == ["signing-key.pem"]


def test_the_same_key_is_used_again(key_file):
    first = signing.key_id()
    signing._load_private_key.cache_clear()
    assert signing.key_id() == first


def test_signature_verifies_with_the_exported_public_key_only_for_the_same_bytes(
    key_file,
):
    data = b'{"seq": 12, "head": "ab"}'
    signature = signing.sign(data)
    public_pem = signing.public_key_pem()

    assert len(signature) == 64
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert signing.verify(data, signature, public_pem)
    assert signing.verify(data, signing.sign_text(data), public_pem.encode())
    assert not signing.verify(data + b" ", signature, public_pem)
    assert not signing.verify(
        data, signature[:-1] + bytes([signature[-1] ^ 1]), public_pem
    )


def test_another_key_or_garbage_never_verifies_and_never_raises(key_file):
    data = b"checkpoint"
    other = Ed25519PrivateKey.generate()
    other_pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert not signing.verify(data, signing.sign(data), other_pem)
    assert not signing.verify(data, other.sign(data), signing.public_key_pem())
    assert not signing.verify(data, b"not a signature", signing.public_key_pem())
    assert not signing.verify(data, signing.sign(data), "not a key")


def test_key_id_is_the_fingerprint_the_bundle_verifier_prints(key_file):
    raw = signing.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert signing.key_id() == hashlib.sha256(raw).hexdigest()

    # The offline verifier accepts the portal's base64 signature with the exported key.
    result = bundle_verifier.Result()
    bundle_verifier._check_signature(
        b"manifest",
        base64.b64encode(signing.sign(b"manifest")),
        signing.public_key_pem(),
        result,
    )
    assert result.problems == []
    assert result.notes == [f"signing key fingerprint: {signing.key_id()}"]


def test_processes_starting_at_once_end_up_with_one_key(key_file):
    ids = []

    def load():
        signing._load_private_key.cache_clear()
        ids.append(signing.key_id())

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    signing._load_private_key.cache_clear()
    assert set(ids) == {signing.key_id()}


def test_a_file_that_is_not_an_ed25519_key_is_refused(key_file):
    key_file.parent.mkdir(parents=True)
    key_file.write_text("garbage")
    with pytest.raises(ImproperlyConfigured, match="not a readable PEM private key"):
        signing.sign(b"x")


def test_command_prints_the_public_key_and_its_id(key_file):
    out = StringIO()
    call_command("signing_key", stdout=out)
    assert signing.public_key_pem().strip() in out.getvalue()
    assert out.getvalue().strip().endswith(signing.key_id())
    out = StringIO()
    call_command("signing_key", "--id-only", stdout=out)
    assert out.getvalue().strip() == signing.key_id()
