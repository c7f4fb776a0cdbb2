# ruff: noqa: F811 - the fault fixtures are imported from test_pack_faults
"""Auditor bundles on the shared job machinery, against a real worker and a private
Redis: a bundle accepted while Redis is down is built once when it is back, and a
bundle whose worker is killed as a whole is reclaimed by the next worker ("Worker
lost, rebuilding") and built once, with a ZIP that verifies."""

import time

import pytest
from django.conf import settings

from aims import bundle_verifier, signing
from aims.models import ObjectChange
from audit.choices import PackStatus
from audit.models import AuditorBundle, PackDispatch
from audit.services import auditor_bundle_request
from tests.audit.helpers import sha256, stored_bytes

from .servers import redis_available, wait_until
from .test_pack_faults import (  # noqa: F401 - fixtures
    _wait,
    broker,
    media_root,
    redis_server,
    requester,
    workers,
)

pytestmark = pytest.mark.skipif(
    not redis_available(), reason="needs redis-server (CI installs it)"
)


@pytest.fixture
def signing_key(settings, tmp_path):
    # The worker signs with the key in its own data folder; both sides use one file.
    settings.AIMS_SIGNING_KEY_FILE = tmp_path / "worker-data" / "signing-key.pem"
    signing._load_private_key.cache_clear()
    yield settings.AIMS_SIGNING_KEY_FILE
    signing._load_private_key.cache_clear()


def _ready_pack(requester, worker):
    pack, _ = requester()
    _wait([pack], worker)
    return pack


def _assert_bundle_built_once(bundle, tmp_path):
    bundle.refresh_from_db()
    assert bundle.status == PackStatus.READY, bundle.error
    assert (
        ObjectChange.objects.for_object(bundle).filter(event="bundle.ready").count()
        == 1
    )
    data = stored_bytes(bundle)
    assert sha256(data) == bundle.sha256 and len(data) == bundle.size
    path = tmp_path / bundle.file_name
    path.write_bytes(data)
    report = bundle_verifier.verify(str(path), public_key_pem=signing.public_key_pem())
    assert report.ok, report.problems


def test_a_bundle_accepted_while_redis_is_down_is_built_once_when_it_is_back(
    broker, workers, requester, signing_key, tmp_path
):
    worker = workers()
    pack = _ready_pack(requester, worker)
    worker.stop()
    broker.stop()
    started = time.monotonic()
    bundle = auditor_bundle_request(
        packs=[pack], purpose="Outage", actor=pack.requested_by
    )
    # One broker timeout at most, then the outbox keeps it.
    assert time.monotonic() - started < 2 * settings.REDIS_TIMEOUT + 2
    assert bundle.status == PackStatus.QUEUED
    assert PackDispatch.objects.get(bundle=bundle).sent_at is None

    broker.start()
    worker = workers()  # its start sends what the outbox holds
    _wait([bundle], worker)
    _assert_bundle_built_once(bundle, tmp_path)


def test_a_bundle_whose_worker_is_killed_is_reclaimed_and_built_once(
    broker, workers, requester, signing_key, tmp_path
):
    first = workers()
    assert wait_until(lambda: "ready" in first.tail(), 60), first.tail()
    pack = _ready_pack(requester, first)
    bundle = auditor_bundle_request(
        packs=[pack], purpose="Killed", actor=pack.requested_by
    )
    _wait([bundle], first, statuses=(PackStatus.BUILDING,))
    first.kill()
    bundle.refresh_from_db()
    assert bundle.status == PackStatus.BUILDING and bundle.built_by

    second = workers()  # same node name, as a restarted container
    _wait([bundle], second)
    print(f"\nbundle ready {time.monotonic() - second.started:.1f} s after restart")
    _assert_bundle_built_once(bundle, tmp_path)
    bundle.refresh_from_db()
    assert bundle.rebuild_reason == "Worker lost, rebuilding"
    assert (
        ObjectChange.objects.for_object(bundle)
        .filter(event="bundle.rebuilding")
        .count()
        == 1
    )
    assert AuditorBundle.objects.filter(status=PackStatus.READY).count() == 1
