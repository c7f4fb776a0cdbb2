"""Error pages; under /api/ the same errors are JSON, as the API's schema documents."""

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views import csrf
from django.views.decorators.csrf import csrf_exempt


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


@csrf_exempt  # a 404 changes nothing, whatever the method
@login_not_required  # also routed for unknown /api/ paths, where the API answers
def not_found(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            {"detail": "You do not have permission to do this."}, status=403
        )
    message = str(exception) if exception else ""
    return render(request, "403.html", {"message": message}, status=403)


def server_error(request):
    from aims.unavailable import response_for_current_exception

    unavailable = response_for_current_exception(request)
    if unavailable is not None:
        return unavailable
    if _wants_json(request):
        return JsonResponse({"detail": "Server error; it was logged."}, status=500)
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    if _wants_json(request):
        return JsonResponse(
            {
                "detail": f"CSRF check failed ({reason}). API clients should use a token."
            },
            status=403,
        )
    return csrf.csrf_failure(request, reason=reason)
