"""Request id, login requirement and change-log actor for every request."""

import re
import uuid

from django.contrib.auth.middleware import LoginRequiredMiddleware

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


class PortalLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login; the API authenticates itself (token or session) and answers 401/403."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The API answers 401/403 itself; its documentation page is for people, who
        # are sent to the login page like everywhere else.
        if request.path_info.startswith("/api/") and not request.path_info.startswith(
            "/api/docs/"
        ):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ChangeActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request, getattr(request, "id", "")):
            return self.get_response(request)
