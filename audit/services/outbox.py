"""Getting every acknowledged background job (pack, bundle, export) built exactly once,
whatever the broker and the workers do. The machinery is ``audit.services.filejobs``;
these are the names the tasks, the worker start and the tests use.

* **Outbox.** The request writes the job and a ``PackDispatch`` row (its task message)
  in one transaction. After the commit the message is sent; a broker that is down or
  hangs (short socket timeouts, settings) leaves the row unsent and the request still
  answers 202 at once. ``flush_outbox()`` sends unsent rows: the beat task
  ``audit.pack_outbox`` runs it every ``AIMS_PACK_OUTBOX_SECONDS``, and every worker
  runs it when it starts.
* **Lost builds.** A building worker writes ``heartbeat_at`` every
  ``AIMS_PACK_HEARTBEAT_SECONDS``. A build silent for ``AIMS_PACK_LOST_AFTER`` seconds,
  or one that a restarted worker of the same name was running, lost its worker:
  ``reclaim_lost_builds()`` queues it again under a new task id (so the dead build's
  message, when the broker hands it out again, does nothing) and the job's page says
  "Worker lost, rebuilding". After ``AIMS_PACK_MAX_ATTEMPTS`` the job fails instead,
  with that reason, so one job that kills its worker cannot do so for ever.
* **Lost messages.** A job queued, its message sent, but not started after the time
  its build may take (``stale_after()``) is sent again under a new task id.
"""

from .filejobs import (
    MESSAGE_LOST,
    WORKER_LOST,
    enqueue,
    flush_outbox,
    reclaim_lost_builds,
    send,
)

__all__ = [
    "MESSAGE_LOST",
    "WORKER_LOST",
    "enqueue",
    "flush_outbox",
    "reclaim_lost_builds",
    "send",
]
