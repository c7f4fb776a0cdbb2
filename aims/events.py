"""Human labels of the named change-log events ("Risk accepted", not ``risk.accepted``).

Each app registers the events its services record, in ``AppConfig.ready()``::

    from aims.events import register_events

    register_events({"risk.accepted": "Risk accepted", ...})

The change log, the History tabs, exports and packs print the label; a test checks that
every event a service records is registered.
"""

__all__ = ["event_label", "register_events", "registered_events"]

_labels: dict[str, str] = {}


def register_events(labels: dict[str, str]) -> None:
    for key, label in labels.items():
        if "." not in key:
            raise ValueError(f"Event keys are '<record>.<what happened>', not {key!r}")
        _labels[key] = label


def registered_events() -> dict[str, str]:
    return dict(sorted(_labels.items()))


def event_label(key: str) -> str:
    """The registered label, else a readable form of the key."""
    if not key:
        return ""
    if key in _labels:
        return _labels[key]
    return key.replace("_", " ").replace(".", ": ", 1).capitalize()
