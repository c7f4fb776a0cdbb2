#!/usr/bin/env python3
"""Verify an auditor bundle of the AIMS governance portal, offline.

    python verify_bundle.py bundle.zip [--public-key portal-key.pem]

Needs only Python 3.11+ and the ``cryptography`` package (``pip install cryptography``);
not the portal. It checks that

1. ``manifest.json`` is signed by the portal's key (``manifest.sig``, Ed25519). Give the
   public key you obtained from the portal (its *Readiness* page shows it, every pack
   prints its fingerprint) with ``--public-key``; without it the key inside the bundle is
   used and its fingerprint printed, to compare by eye;
2. every file the manifest lists is in the bundle with that SHA-256 and size, and the
   bundle holds no file the manifest does not list;
3. the change-log entries (``change-log/entries.jsonl``) form an unbroken hash chain:
   consecutive numbers, each entry linking to the one before, each hash recomputed from
   the entry's content, ending at the head the manifest names;
4. every signed change-log checkpoint the manifest lists (``checkpoints``: entry
   number, head hash, time, signed by the portal's key when the portal checked its
   chain) carries a valid signature of that key, and the bundle's entry of that
   number has exactly that hash: entries up to it were not rewritten after the
   checkpoint was taken, even by someone who recomputed the chain.

Every file or entry that does not match is named. Exit status 0 when everything
matches, 1 otherwise, 2 when the bundle cannot be read at all.

The portal computes change-log hashes with ``entry_payload()`` below, so the two never
disagree.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import zipfile
from dataclasses import dataclass, field

FORMAT = "aims-auditor-bundle/1"
CHECKPOINT_FORMAT = "aims-change-log-checkpoint/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
ENTRIES = "change-log/entries.jsonl"
# Files that describe the bundle itself and so cannot be listed in it.
UNLISTED = {MANIFEST, SIGNATURE}

# The fields an entry's hash covers, in the portal's change log.
HASHED_FIELDS = (
    "seq",
    "time",
    "user",
    "user_name",
    "request_id",
    "action",
    "event",
    "content_type",
    "object_id",
    "object_repr",
    "related_content_type",
    "related_object_id",
    "prechange_data",
    "postchange_data",
    "message",
    "prev_hash",
)


def entry_payload(entry: dict) -> bytes:
    """The canonical bytes an entry's hash covers (the portal uses this very function)."""
    payload = {name: entry.get(name) for name in HASHED_FIELDS}
    return json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True
    ).encode()


def checkpoint_payload(seq: int, head_hash: str, time: str, key_id: str) -> bytes:
    """The bytes a checkpoint's signature covers (the portal signs this very text)."""
    return json.dumps(
        {
            "format": CHECKPOINT_FORMAT,
            "seq": seq,
            "head_hash": head_hash,
            "time": time,
            "key_id": key_id,
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(entry_payload(entry)).hexdigest()


class BundleUnreadable(Exception):
    """The file is not a readable ZIP."""


@dataclass
class Result:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files_checked: int = 0
    entries_checked: int = 0
    checkpoints_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, text: str) -> None:
        self.problems.append(text)


def _sha256(archive: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with archive.open(name) as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_signature(
    manifest_bytes: bytes, signature: bytes, public_key_pem: str, result: Result
) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except ValueError as exc:
        result.problem(f"public key: not a PEM public key ({exc})")
        return
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    result.notes.append(f"signing key fingerprint: {hashlib.sha256(raw).hexdigest()}")
    try:
        key.verify(base64.b64decode(signature.strip()), manifest_bytes)
    except (InvalidSignature, ValueError):
        result.problem(
            f"{MANIFEST}: the signature in {SIGNATURE} does not match (the manifest was changed after signing, or signed by another key)"
        )


def _check_chain(
    archive: zipfile.ZipFile, chain: dict, result: Result, wanted: set | None = None
) -> dict:
    """Check the entries' chain; return the hash of each entry numbered in ``wanted``."""
    wanted = wanted or set()
    hashes: dict = {}
    expected_prev = chain.get("anchor_prev_hash")
    expected_seq = chain.get("first_seq")
    last_hash = None
    with archive.open(ENTRIES) as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except json.JSONDecodeError:
                result.problem(f"{ENTRIES} line {line_number}: not JSON")
                return hashes
            seq = entry.get("seq")
            if seq in wanted:
                hashes[seq] = entry.get("hash")
            if seq != expected_seq:
                result.problem(
                    f"change-log entry #{expected_seq}: missing (found #{seq} instead)"
                )
                expected_seq = seq
            if entry.get("prev_hash") != expected_prev:
                result.problem(
                    f"change-log entry #{seq}: does not link to the entry before it"
                )
            if entry_hash(entry) != entry.get("hash"):
                result.problem(
                    f"change-log entry #{seq}: its content does not match its hash"
                )
            expected_prev, last_hash = entry.get("hash"), entry.get("hash")
            expected_seq = (seq or 0) + 1
            result.entries_checked += 1
    last_seq = chain.get("last_seq")
    if result.entries_checked and expected_seq - 1 != last_seq:
        result.problem(
            f"change log: the entries end at #{expected_seq - 1}, the manifest's head is #{last_seq}"
        )
    if last_hash != chain.get("head_hash"):
        result.problem(
            "change log: the last entry's hash is not the head the manifest names"
        )
    return hashes


def _check_checkpoints(
    checkpoints: list, hashes: dict, public_key_pem: str, result: Result
) -> None:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_public_key(public_key_pem.encode())
    except ValueError:
        return  # said already by the manifest's signature check
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    fingerprint = hashlib.sha256(raw).hexdigest()
    for item in checkpoints:
        seq, head_hash = item.get("seq"), item.get("head_hash")
        name = f"checkpoint of entry #{seq} ({item.get('time')})"
        data = checkpoint_payload(seq, head_hash, item.get("time"), item.get("key_id"))
        try:
            if item.get("key_id") != fingerprint:
                raise InvalidSignature
            key.verify(base64.b64decode(str(item.get("signature", ""))), data)
        except (InvalidSignature, ValueError):
            result.problem(f"{name}: not signed by this key (altered or forged)")
            continue
        if seq not in hashes:
            result.problem(f"{name}: the bundle holds no entry #{seq}")
        elif hashes[seq] != head_hash:
            result.problem(
                f"{name}: entry #{seq} has another hash than the signed checkpoint "
                "(entries up to it were rewritten after it was taken)"
            )
        else:
            result.checkpoints_checked += 1


def verify(path: str, public_key_pem: str | None = None) -> Result:
    """Check the bundle at ``path``; ``public_key_pem`` is the portal's key you trust."""
    result = Result()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BundleUnreadable(f"cannot read {path}: {exc}") from exc
    with archive:
        names = [info.filename for info in archive.infolist() if not info.is_dir()]
        if MANIFEST not in names or SIGNATURE not in names:
            result.problem(
                f"{MANIFEST} or {SIGNATURE} is missing: nothing can be trusted"
            )
            return result
        manifest_bytes = archive.read(MANIFEST)
        try:
            manifest = json.loads(manifest_bytes)
        except json.JSONDecodeError:
            result.problem(f"{MANIFEST}: not JSON")
            return result
        if manifest.get("format") != FORMAT:
            result.problem(f"{MANIFEST}: unknown format {manifest.get('format')!r}")
        key = public_key_pem or manifest.get("public_key", "")
        if public_key_pem is None:
            result.notes.append(
                "no --public-key given: checked against the key inside the bundle; "
                "compare its fingerprint with the one the portal shows"
            )
        _check_signature(manifest_bytes, archive.read(SIGNATURE), key, result)

        listed = {item["path"]: item for item in manifest.get("files", [])}
        present = set(names)
        for name in sorted(listed):
            item = listed[name]
            if name not in present:
                result.problem(
                    f"{name}: listed in the manifest but missing from the bundle"
                )
                continue
            digest, size = _sha256(archive, name)
            if digest != item.get("sha256"):
                result.problem(
                    f"{name}: its SHA-256 does not match the manifest (the file was changed)"
                )
            elif size != item.get("size"):
                result.problem(f"{name}: its size does not match the manifest")
            result.files_checked += 1
        for name in sorted(present - set(listed) - UNLISTED):
            result.problem(
                f"{name}: in the bundle but not listed in the manifest (added)"
            )

        chain = manifest.get("change_log")
        checkpoints = manifest.get("checkpoints") or []
        hashes = {}
        if chain and chain.get("last_seq"):
            if ENTRIES in present:
                wanted = {item.get("seq") for item in checkpoints}
                hashes = _check_chain(archive, chain, result, wanted)
            else:
                result.problem(f"{ENTRIES}: missing")
        _check_checkpoints(checkpoints, hashes, key, result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", help="the bundle's .zip file")
    parser.add_argument(
        "--public-key",
        help="the portal's public key (PEM file) to check the signature against",
    )
    args = parser.parse_args(argv)
    key = None
    if args.public_key:
        with open(args.public_key, encoding="utf-8") as handle:
            key = handle.read()
    try:
        result = verify(args.bundle, key)
    except BundleUnreadable as exc:
        print(f"error: {exc}")
        return 2
    for note in result.notes:
        print(f"note: {note}")
    print(
        f"checked {result.files_checked} files, {result.entries_checked} change-log "
        f"entries and {result.checkpoints_checked} signed checkpoints"
    )
    if result.ok:
        print("OK: every file and entry matches the signed manifest")
        return 0
    for problem in result.problems:
        print(f"MISMATCH: {problem}")
    print(f"{len(result.problems)} problem(s) found")
    return 1


if __name__ == "__main__":
    sys.exit(main())
