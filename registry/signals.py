"""Signals other apps listen to without the register importing them."""

from django.dispatch import Signal

# Sent inside the saving transaction, after the change log recorded the save, whenever a
# register entry was created or changed: ``system``, ``created`` (bool), ``changed``
# (names of the fields whose values differ, many-to-many included), ``before`` and
# ``after`` (``AISystem.serialize()`` values), ``entry`` (the change-log entry of the
# save, or None when an outer operation writes it later) and ``actor``. The impact app
# uses it to mark approved assessments and classifications "review needed" on a
# material change (ISO/IEC 42001 8.4).
ai_system_changed = Signal()
