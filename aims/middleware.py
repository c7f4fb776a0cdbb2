"""Request id and change-log actor for every request."""

import json
import re
import uuid

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler

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

    def process_exception(self, request, exception):
        from .throttles import TooManyRequests

        if isinstance(exception, TooManyRequests):
            return _throttled(request, exception)
        return None


def _throttled(request, exception):
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": str(exception), "code": "throttled"}, status=429
        )
    else:
        response = render(
            request, "429.html", {"message": str(exception)}, status=429
        )
    response["Retry-After"] = str(exception.wait)
    return response


def _is_download(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or (
        content_type.startswith("application/pdf")
    )


NUL_REFUSED = "Text may not contain NUL characters (\\u0000)."


class RefuseNulBytesMiddleware:
    """Refuse a NUL character in the path, the query, form fields, file names or
    JSON strings with a 400, before any view or database sees it.

    PostgreSQL cannot store NUL in text, so such a value would otherwise end as a
    database error (a 500) in whichever lookup or save met it first. One check here
    covers every text, slug and path value of pages and API alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if _carries_nul(request):
                return _nul_refused(request)
        except RequestDataTooBig:
            # The body parsed here first: an upload cut off at the size limit.
            return _too_large(request)
        return self.get_response(request)


def _nul_in(values) -> bool:
    return any("\x00" in value for value in values)


def _carries_nul(request) -> bool:
    if "\x00" in request.path or "\x00" in request.path_info:
        return True
    if _nul_in(request.GET.keys()) or _nul_in(
        value for values in request.GET.lists() for value in values[1]
    ):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            post, files = request.POST, request.FILES
        except RequestDataTooBig:
            raise
        except Exception:  # noqa: BLE001 - a malformed body is the view's 400 to give
            return False
        return (
            _nul_in(post.keys())
            or _nul_in(value for values in post.lists() for value in values[1])
            or _nul_in(upload.name or "" for upload in files.values())
        )
    if content_type.endswith("json"):
        try:
            body = request.body
        except RequestDataTooBig:
            raise
        except Exception:  # noqa: BLE001 - already read: let the view say
            return False
        if b"\\u0000" not in body and b"\x00" not in body:
            return False  # the common case: no need to parse twice
        try:
            return _json_has_nul(json.loads(body))
        except ValueError:
            return b"\x00" in body
    return False


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_json_has_nul(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(item) for item in value)
    return False


def _nul_refused(request):
    from django.http import HttpResponseBadRequest, JsonResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": NUL_REFUSED, "code": "nul_character"}, status=400)
    return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")


IDLE_KEY = "aims_last_seen"


class IdleSessionTimeoutMiddleware:
    """Sign a browser session out after ``AIMS_SESSION_IDLE_MINUTES`` without a request.

    The moment of the last request is kept in the session, written at most once a
    minute so that reading pages does not rewrite the session row every time.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings
        from django.contrib import messages
        from django.contrib.auth import logout

        idle = settings.AIMS_SESSION_IDLE_MINUTES * 60
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if idle and session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            last = session.get(IDLE_KEY)
            if last is not None and now - last > idle:
                logout(request)
                messages.info(
                    request, "You were signed out after a period without activity."
                )
            elif last is None or now - last >= 60:
                session[IDLE_KEY] = now
        return self.get_response(request)


def _too_large(request):
    from django.conf import settings
    from django.http import HttpResponse, JsonResponse
    from django.template.defaultfilters import filesizeformat

    message = (
        f"The request is larger than {filesizeformat(settings.AIMS_MAX_REQUEST_BYTES)}, "
        "the most the portal accepts; nothing was saved."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "code": "too_large"}, status=413)
    else:
        response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # The rest of the body is not read: the client should not send it again as is.
    response["Connection"] = "close"
    return response


class RequestSizeLimitMiddleware:
    """A body announced larger than ``AIMS_MAX_REQUEST_BYTES`` is refused with a 413
    before a byte of it is read (the reverse proxy should cap it earlier still, see
    README "Security"). Bodies without a length are cut off by
    ``RequestSizeLimitUploadHandler`` while they stream."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.AIMS_MAX_REQUEST_BYTES:
            return _too_large(request)
        return self.get_response(request)


class RequestSizeLimitUploadHandler(FileUploadHandler):
    """First of the upload handlers: counts the bytes of every file as they arrive and
    stops at ``AIMS_MAX_REQUEST_BYTES``, so an oversized upload is never spooled in
    full to memory or disk."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        from django.conf import settings

        self.received += len(raw_data)
        if self.received > settings.AIMS_MAX_REQUEST_BYTES:
            raise RequestDataTooBig("Upload larger than AIMS_MAX_REQUEST_BYTES")
        return raw_data  # the next handler stores it

    def file_complete(self, file_size):
        return None
