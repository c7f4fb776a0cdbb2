"""Who is acting and under which request: read by the change log.

Set by ``aims.middleware`` for web requests and by ``SystemActorTask`` for Celery tasks.
"""

import uuid
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

__all__ = [
    "Actor",
    "acting_as",
    "acting_as_system",
    "attributed_to",
    "current_actor",
    "current_request_id",
    "once_per_request",
]


@dataclass(frozen=True)
class Actor:
    user: object | None  # a User, or None for a system actor
    name: str


_request = ContextVar("aims_request", default=None)
_system_actor = ContextVar("aims_system_actor", default=None)
_request_id = ContextVar("aims_request_id", default="")


def current_actor() -> Actor:
    system = _system_actor.get()
    if system is not None:
        return system
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        return Actor(user=user, name=user.get_username())
    return Actor(user=None, name="system")


def current_request_id() -> str:
    return _request_id.get()


@contextmanager
def request_context(request, request_id: str):
    """Bind a web request; the user is read lazily because DRF authenticates inside the view."""
    tokens = (_request.set(request), _request_id.set(request_id))
    try:
        yield
    finally:
        _request.reset(tokens[0])
        _request_id.reset(tokens[1])


@contextmanager
def acting_as(user):
    """Attribute changes to ``user`` outside a request (management commands, tests)."""
    token = _system_actor.set(Actor(user=user, name=user.get_username()))
    request_token = _request_id.set(_request_id.get() or uuid.uuid4().hex)
    try:
        yield
    finally:
        _system_actor.reset(token)
        _request_id.reset(request_token)


def attributed_to(user):
    """``acting_as(user)`` for a real user; otherwise keep the current actor (request,
    task or system)."""
    if user is not None and user.is_authenticated:
        return acting_as(user)
    return nullcontext()


@contextmanager
def acting_as_system(task_name: str):
    token = _system_actor.set(Actor(user=None, name=f"system:{task_name}"))
    request_token = _request_id.set(uuid.uuid4().hex)
    try:
        yield
    finally:
        _system_actor.reset(token)
        _request_id.reset(request_token)


def once_per_request(func):
    """Compute ``func(*args)`` once per web request (figures that several readiness
    judges and items read in turn); outside a request, every call computes. Call
    ``func.forget()`` when a write in the request makes the figures stale."""
    import functools
    import threading

    local = threading.local()

    @functools.wraps(func)
    def wrapper(*args):
        request_id = current_request_id()
        if not request_id:
            return func(*args)
        if getattr(local, "request_id", None) != request_id:
            local.request_id, local.values = request_id, {}
        if args not in local.values:
            local.values[args] = func(*args)
        return local.values[args]

    def forget():
        local.__dict__.clear()

    wrapper.forget = forget
    return wrapper
