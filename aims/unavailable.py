"""503 with Retry-After while the database is unreachable, instead of a 500.

PostgreSQL restarting (a failover, an upgrade, a crash) makes every query raise
``OperationalError`` or ``InterfaceError``. A user should read "try again in a moment",
a client get a 503 it can retry, and the logs an operator can act on. Two places catch
it: ``DatabaseUnavailableMiddleware.process_exception`` for views (DRF included), and the
500 handler for the middlewares that touch the database before the view runs (session,
user). Neither page touches the database.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("aims.unavailable")

DATABASE_ERRORS = (OperationalError, InterfaceError)


def is_database_down(exc: BaseException | None) -> bool:
    """An error that says the database cannot be reached, not one about a query."""
    while exc is not None:
        if isinstance(exc, DATABASE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def unavailable_response(request, dependency: str = "database") -> HttpResponse:
    retry_after = settings.AIMS_RETRY_AFTER_SECONDS
    message = (
        f"The portal's {dependency} is unavailable for a moment; try again in "
        f"{retry_after} seconds. If you were saving something, look whether it was "
        "saved before sending it again."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "unavailable": dependency, "retry_after": retry_after},
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"message": message}), status=503
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The session and the user are read lazily, first by the middlewares' own
        # process_view (login required): read them here, first, where a database that
        # is down can still be answered with a 503.
        user = getattr(request, "user", None)
        if user is None:
            return None
        try:
            user.is_authenticated  # noqa: B018 - evaluates the lazy user
        except DATABASE_ERRORS as exc:
            logger.error("Database unavailable (%s): %s", request.path, exc)
            return unavailable_response(request)
        return None

    def process_exception(self, request, exception):
        if is_database_down(exception):
            logger.error("Database unavailable (%s): %s", request.path, exception)
            return unavailable_response(request)
        return None


def response_for_current_exception(request) -> HttpResponse | None:
    """For the 500 handler: a 503 if the error being handled is the database being down."""
    exc = sys.exc_info()[1]
    if is_database_down(exc):
        logger.error("Database unavailable (%s): %s", request.path, exc)
        return unavailable_response(request)
    return None
