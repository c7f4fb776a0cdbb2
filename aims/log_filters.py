"""Logging filters the settings attach (``LOGGING``)."""

import logging

__all__ = ["RefusalFilter"]


class RefusalFilter(logging.Filter):
    """A refusal (403) is a decision, not a fault: one INFO line with the user, the path
    and the reason, without the traceback Django attaches to a ``PermissionDenied``.
    Real errors keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        reason = ""
        if record.exc_info and record.exc_info[1] is not None:
            reason = str(record.exc_info[1])
        user = getattr(request, "user", None)
        who = getattr(user, "username", "") or "anonymous"
        record.msg = "Refused %s %s for %s: %s"
        record.args = (
            getattr(request, "method", "?"),
            getattr(request, "path", "?"),
            who,
            reason or "no permission",
        )
        record.exc_info = None
        record.exc_text = None
        record.levelno = logging.INFO
        record.levelname = logging.getLevelName(logging.INFO)
        return True
