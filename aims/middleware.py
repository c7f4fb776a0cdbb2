"""Request id and change-log actor for every request."""

import re
import uuid

from .context import request_context

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (or keep a sane one from the proxy) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ChangeActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request, getattr(request, "id", "")):
            return self.get_response(request)


# Browser features the portal never uses; a page that is injected into cannot ask.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# Files the portal hands out (evidence, packs, exports) open with no script, no
# plug-in and no same-origin rights even if a browser renders them in place.
DOWNLOAD_POLICY = "sandbox; default-src 'none'; frame-ancestors 'none'"


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; ``Cache-Control: no-store`` on every
    response to a signed-in user or a token (pages, exports, API JSON, downloads, the
    token page), so no shared or browser cache keeps governance records; a sandbox
    policy on downloaded files. The page policy itself comes from django-csp."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.headers.get(
            "Authorization"
        ):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        if _is_download(response):
            response["Content-Security-Policy"] = DOWNLOAD_POLICY
        return response


def _is_download(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or (
        content_type.startswith("application/pdf")
    )
