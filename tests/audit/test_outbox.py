"""Pack requests are built once: outbox, lost-worker reclaim, duplicate refusal, queue.

In-process (the build runs eagerly when the request commits); the same behaviour
against a real worker and a private Redis is in ``tests/faults/test_pack_faults.py``.
"""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from aims.models import ObjectChange
from audit.choices import PackStatus
from audit.models import EvidencePack, PackDispatch
from audit.services import DuplicatePackRequest, evidence_pack_build
from audit.services.outbox import WORKER_LOST, flush_outbox, reclaim_lost_builds
from audit.tasks import evidence_pack_build_task, pack_outbox_task

from .helpers import request_pack

API = "/api/v1/evidence-packs/"


@pytest.fixture(autouse=True)
def _no_broker_backoff(monkeypatch):
    monkeypatch.setattr("audit.services.filejobs.BROKER_BACKOFF_SECONDS", 0)


def _broker_down():
    return mock.patch.object(
        evidence_pack_build_task,
        "apply_async",
        side_effect=OperationalError(
            "Error 111 connecting to redis. Connection refused."
        ),
    )


def _events(pack, event):
    return ObjectChange.objects.for_object(pack).filter(event=event).count()


def test_a_request_accepted_while_the_broker_is_down_is_built_once_it_is_back(
    auditor, alice_system, django_capture_on_commit_callbacks
):
    with _broker_down():
        pack = request_pack(
            auditor, alice_system, capture=django_capture_on_commit_callbacks
        )
    assert pack.status == PackStatus.QUEUED
    dispatch = PackDispatch.objects.get(pack=pack)
    assert dispatch.task_id == pack.task_id and dispatch.sent_at is None
    assert "Connection refused" in dispatch.last_error

    with _broker_down():
        assert flush_outbox() == 0  # still down: nothing lost, nothing sent
    assert pack_outbox_task.delay().get()["sent"] == 1  # back: the beat job sends it

    pack.refresh_from_db()
    assert pack.status == PackStatus.READY, pack.error
    assert _events(pack, "pack.ready") == 1
    assert flush_outbox() == 0  # sent once only
    assert PackDispatch.objects.get(pack=pack).sent_at is not None


def test_the_request_writes_pack_and_message_in_one_transaction(auditor, alice_system):
    with (
        mock.patch(
            "audit.services.packs.record_event", side_effect=RuntimeError("crash")
        ),
        pytest.raises(RuntimeError),
    ):
        request_pack(auditor, alice_system, capture=lambda execute: _nothing())
    assert not EvidencePack.objects.exists()
    assert not PackDispatch.objects.exists()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _building(pack, *, heartbeat_age, built_by="celery@gone/4242"):
    """The pack as a worker left it when it died ``heartbeat_age`` seconds ago."""
    seen = timezone.now() - datetime.timedelta(seconds=heartbeat_age)
    EvidencePack.objects.filter(pk=pack.pk).update(
        status=PackStatus.BUILDING,
        started_at=seen,
        heartbeat_at=seen,
        built_by=built_by,
        attempts=1,
    )
    pack.refresh_from_db()
    return pack


def test_a_build_whose_worker_went_silent_is_rebuilt_and_says_so(
    auditor, alice_system, client_for, django_capture_on_commit_callbacks
):
    with _broker_down():
        pack = request_pack(
            auditor, alice_system, capture=django_capture_on_commit_callbacks
        )
    old_task = pack.task_id
    pack = _building(pack, heartbeat_age=settings.AIMS_PACK_LOST_AFTER - 5)
    assert reclaim_lost_builds() == []  # still within its heartbeat: alive

    pack = _building(pack, heartbeat_age=settings.AIMS_PACK_LOST_AFTER + 5)
    with _broker_down():
        assert reclaim_lost_builds() == [pack.reference]
    pack.refresh_from_db()
    assert pack.status == PackStatus.QUEUED and pack.task_id != old_task
    assert pack.rebuild_reason == WORKER_LOST
    assert _events(pack, "pack.rebuilding") == 1
    page = client_for(auditor).get(pack.get_absolute_url()).content.decode()
    assert "Worker lost, rebuilding." in page
    listing = client_for(auditor).get(reverse("audit:evidencepack_list"))
    assert "Queued (worker lost, rebuilding)" in listing.content.decode()
    assert client_for(auditor).get(API + f"{pack.pk}/").status_code == 200

    # The dead build's message, handed out again by the broker, does nothing.
    assert evidence_pack_build(pack_id=pack.pk, task_id=old_task) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert flush_outbox() == 1
    pack.refresh_from_db()
    assert pack.status == PackStatus.READY and pack.rebuild_reason == WORKER_LOST
    assert _events(pack, "pack.ready") == 1


def test_a_restarted_worker_takes_over_its_own_builds_at_once(
    auditor, alice_system, django_capture_on_commit_callbacks
):
    with _broker_down():
        pack = request_pack(
            auditor, alice_system, capture=django_capture_on_commit_callbacks
        )
    pack = _building(pack, heartbeat_age=1, built_by="packs@pack-worker/17")
    with _broker_down():
        assert reclaim_lost_builds(restarted_node="celery@elsewhere") == []
        assert reclaim_lost_builds(restarted_node="packs@pack-worker") == [
            pack.reference
        ]


def test_a_pack_that_keeps_losing_its_worker_fails_with_the_reason(
    auditor, alice_system, django_capture_on_commit_callbacks
):
    with _broker_down():
        pack = request_pack(
            auditor, alice_system, capture=django_capture_on_commit_callbacks
        )
    pack = _building(pack, heartbeat_age=3600)
    EvidencePack.objects.filter(pk=pack.pk).update(
        attempts=settings.AIMS_PACK_MAX_ATTEMPTS
    )
    reclaim_lost_builds()
    pack.refresh_from_db()
    assert pack.status == PackStatus.FAILED and pack.retryable
    assert "The worker building it was lost" in pack.error


def test_a_second_delivery_while_a_live_worker_builds_does_nothing(
    auditor, alice_system, django_capture_on_commit_callbacks
):
    with _broker_down():
        pack = request_pack(
            auditor, alice_system, capture=django_capture_on_commit_callbacks
        )
    _building(pack, heartbeat_age=1, built_by="packs@other-host/99")
    assert (
        evidence_pack_build(
            pack_id=pack.pk, task_id=pack.task_id, worker="packs@this-host/5"
        )
        is None
    )
    pack.refresh_from_db()
    assert pack.status == PackStatus.BUILDING and pack.built_by == "packs@other-host/99"


def test_an_identical_request_while_one_is_queued_is_refused_with_it(
    auditor, alice_system, api_for, client_for
):
    body = {"kind": "ai_system", "target": alice_system.pk}
    api = api_for(auditor)
    first = api.post(API, body)
    assert first.status_code == 202

    again = api.post(API, body)
    assert again.status_code == 409
    assert again.data["pack"]["reference"] == first.data["reference"]
    assert again["Location"].endswith(f"/evidence-packs/{first.data['id']}/")
    assert "already requested" in again.data["detail"]

    page = client_for(auditor).post(
        reverse("audit:evidencepack_add"),
        {"kind": "ai_system", "target": body["target"]},
    )
    assert page.status_code == 302
    assert page["Location"] == EvidencePack.objects.get().get_absolute_url()
    # Other parameters are another pack.
    other = api.post(API, {**body, "parameters": {"history_since": "2026-01-01"}})
    assert other.status_code == 202
    assert EvidencePack.objects.count() == 2


def test_a_ready_pack_does_not_block_a_new_request(
    auditor, alice_system, django_capture_on_commit_callbacks
):
    ready = request_pack(
        auditor, alice_system, capture=django_capture_on_commit_callbacks
    )
    assert ready.status == PackStatus.READY
    again = request_pack(
        auditor, alice_system, capture=django_capture_on_commit_callbacks
    )
    assert again.pk != ready.pk


def test_identical_requests_of_another_person_are_theirs(
    auditor, manager, alice_system
):
    from audit.services import evidence_pack_request

    for user in (auditor, manager):
        evidence_pack_request(
            kind="ai_system", target_id=alice_system.pk, parameters={}, actor=user
        )
    with pytest.raises(DuplicatePackRequest):
        evidence_pack_request(
            kind="ai_system", target_id=alice_system.pk, parameters={}, actor=manager
        )


def test_pack_builds_have_their_own_queue_and_the_broker_settings_fit_the_limit():
    assert settings.CELERY_TASK_ROUTES["audit.evidence_pack_build"] == {
        "queue": settings.AIMS_PACK_QUEUE
    }
    assert settings.AIMS_PACK_QUEUE != "celery"
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    hard_limit = (
        max(settings.AIMS_PACK_TIME_LIMIT, settings.AIMS_BUNDLE_TIME_LIMIT) + 30
    )
    assert hard_limit < options["visibility_timeout"] <= hard_limit + 400
    assert (
        settings.CELERY_TASK_ROUTES["audit.auditor_bundle_build"]["queue"]
        == settings.AIMS_PACK_QUEUE
    )
    assert options["socket_timeout"] and options["socket_connect_timeout"]
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None
    assert settings.CELERY_BROKER_CONNECTION_RETRY
    assert settings.CELERY_BEAT_SCHEDULE["pack-outbox"]["task"] == "audit.pack_outbox"


# Auditor bundles use the same machinery (audit.services.filejobs).


@pytest.fixture
def bundle_signing_key(settings, tmp_path):
    from aims import signing

    settings.AIMS_SIGNING_KEY_FILE = tmp_path / "signing-key.pem"
    signing._load_private_key.cache_clear()
    yield
    signing._load_private_key.cache_clear()


def _bundle_broker_down():
    from audit.tasks import auditor_bundle_build_task

    return mock.patch.object(
        auditor_bundle_build_task,
        "apply_async",
        side_effect=OperationalError("Error 111 connecting to redis."),
    )


@pytest.fixture
def ready_pack(auditor, alice_system, django_capture_on_commit_callbacks):
    pack = request_pack(
        auditor, alice_system, capture=django_capture_on_commit_callbacks
    )
    assert pack.status == PackStatus.READY, pack.error
    return pack


def _request_bundle(auditor, pack, capture):
    from audit.services import auditor_bundle_request

    with capture(execute=True):
        return auditor_bundle_request(packs=[pack], purpose="Stage 2", actor=auditor)


def test_a_bundle_accepted_while_the_broker_is_down_is_built_once_it_is_back(
    auditor, ready_pack, bundle_signing_key, django_capture_on_commit_callbacks
):
    from audit.models import AuditorBundle

    with _bundle_broker_down():
        bundle = _request_bundle(
            auditor, ready_pack, django_capture_on_commit_callbacks
        )
    bundle.refresh_from_db()
    assert bundle.status == PackStatus.QUEUED
    dispatch = PackDispatch.objects.get(bundle=bundle)
    assert dispatch.sent_at is None and "Error 111" in dispatch.last_error

    with django_capture_on_commit_callbacks(execute=True):
        assert pack_outbox_task.delay().get()["sent"] == 1
    bundle = AuditorBundle.objects.get(pk=bundle.pk)
    assert bundle.status == PackStatus.READY, bundle.error
    assert _events(bundle, "bundle.ready") == 1
    assert flush_outbox() == 0


def test_a_bundle_whose_worker_went_silent_is_rebuilt_and_says_so(
    auditor,
    ready_pack,
    bundle_signing_key,
    client_for,
    django_capture_on_commit_callbacks,
):
    from audit.models import AuditorBundle
    from audit.services import auditor_bundle_build

    with _bundle_broker_down():
        bundle = _request_bundle(
            auditor, ready_pack, django_capture_on_commit_callbacks
        )
    old_task = bundle.task_id
    seen = timezone.now() - datetime.timedelta(
        seconds=settings.AIMS_PACK_LOST_AFTER + 5
    )
    AuditorBundle.objects.filter(pk=bundle.pk).update(
        status=PackStatus.BUILDING,
        started_at=seen,
        heartbeat_at=seen,
        built_by="packs@gone/4242",
        attempts=1,
    )
    with _bundle_broker_down():
        assert reclaim_lost_builds() == [bundle.reference]
    bundle.refresh_from_db()
    assert bundle.status == PackStatus.QUEUED and bundle.task_id != old_task
    assert bundle.rebuild_reason == WORKER_LOST
    assert _events(bundle, "bundle.rebuilding") == 1
    page = client_for(auditor).get(bundle.get_absolute_url()).content.decode()
    assert "Worker lost, rebuilding." in page

    assert auditor_bundle_build(bundle_id=bundle.pk, task_id=old_task) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert flush_outbox() == 1
    bundle.refresh_from_db()
    assert bundle.status == PackStatus.READY, bundle.error
    assert _events(bundle, "bundle.ready") == 1


def test_the_same_bundle_requested_while_it_is_queued_answers_409_with_it(
    auditor, ready_pack, bundle_signing_key, api_for, client_for
):
    from audit.models import AuditorBundle

    api = api_for(auditor)
    body = {"packs": [ready_pack.pk], "purpose": "Stage 2"}
    with _bundle_broker_down():
        first = api.post("/api/v1/auditor-bundles/", body, format="json")
        assert first.status_code == 202
        again = api.post("/api/v1/auditor-bundles/", body, format="json")
        assert again.status_code == 409
        assert again.json()["bundle"]["reference"] == first.json()["reference"]
        assert again["Location"].endswith(f"/auditor-bundles/{first.json()['id']}/")
        page = client_for(auditor).post("/audits/bundles/add/", body)
        assert page.status_code == 302
        assert page["Location"] == AuditorBundle.objects.get().get_absolute_url()
        # Another scope is another bundle.
        other = api.post(
            "/api/v1/auditor-bundles/",
            {**body, "change_log_since": "2026-01-01"},
            format="json",
        )
        assert other.status_code == 202
    assert AuditorBundle.objects.count() == 2
