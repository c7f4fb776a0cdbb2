"""The address of the client behind a request, trusting forwarded headers only from
the proxies the deployment names.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only
when the connection comes from one of ``AIMS_TRUSTED_PROXIES`` (addresses or
networks; none by default). Then the header is read from the right, skipping the
trusted proxies, and the first other address is the client: a value the client put
at the left cannot pose as someone else. Every place that judges a client by its
address (login lockout, API throttles) asks this module.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

__all__ = ["client_address", "ClientAddressThrottleMixin"]


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ipaddress.ip_network(value, strict=False) for value in proxies)


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.AIMS_TRUSTED_PROXIES)))


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_address(request) -> str:
    """The client's IP address as text (the peer's address when no proxy is trusted)."""
    http_request = getattr(request, "_request", request)  # a DRF Request wraps one
    peer = http_request.META.get("REMOTE_ADDR", "") or ""
    if not _is_trusted(peer):
        return peer
    forwarded = http_request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _valid(hop):
            break  # garbage from the client: stop believing the header here
        if not _is_trusted(hop):
            return hop
    return peer


class ClientAddressThrottleMixin:
    """DRF throttles key anonymous clients by this module's address, not DRF's own
    reading of ``X-Forwarded-For``."""

    def get_ident(self, request):
        return client_address(request)
