"""The user's own notifications, due items and reminder preferences.

Nobody sees anyone else's notifications: every query starts from
``Notification.objects.for_user(request.user)``, so another person's is a 404.
"""

import calendar

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.decorators.http import require_POST

from aims import notifications as services
from aims.filtersets import NotificationFilterSet
from aims.forms import AimsModelForm
from aims.models import Notification, NotificationPreference
from aims.permissions import users_who_see_every_owned_record
from aims.reminders import due_items_for

__all__ = [
    "NotificationPreferenceForm",
    "NotificationPreferenceView",
    "due_items",
    "notification_list",
    "notification_read",
    "notification_read_all",
]

PAGE_SIZE = 25


def notification_list(request):
    filterset = NotificationFilterSet(
        request.GET or None,
        queryset=Notification.objects.for_user(request.user),
        request=request,
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "aims/notification_list.html",
        {"filterset": filterset, "page_obj": page},
    )


def _back(request, default="notification_list"):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.notification_mark_read(notification=notification)
    return _back(request)


@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request, f"{count} notification{'s' if count != 1 else ''} marked read."
    )
    return _back(request)


def due_items(request):
    """Everything on the user's plate today, escalated items first."""
    reminders = due_items_for(request.user, timezone.localdate())
    rows = sorted(
        (
            {
                "reminder": reminder,
                "reason": Notification.Reason(
                    reminder.recipients[request.user.pk][1]
                ).label,
                "message": reminder.message_for(request.user),
                "title": reminder.title_for(request.user),
                "url": reminder.url_for(request.user),
            }
            for reminder in reminders
        ),
        key=lambda row: (-row["reminder"].level, row["reminder"].item.due_date),
    )
    return render(request, "aims/due_items.html", {"rows": rows})


class NotificationPreferenceForm(AimsModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["digest_frequency", "escalation_contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people who may see the records they would be told about.
        self.fields["escalation_contact"].queryset = (
            users_who_see_every_owned_record().exclude(pk=self.instance.user_id)
        )


class NotificationPreferenceView(View):
    template_name = "aims/notification_preferences.html"

    def get(self, request):
        preference = services.notification_preference_for(request.user)
        form = NotificationPreferenceForm(instance=preference, user=request.user)
        return self._render(form)

    def post(self, request):
        preference = services.notification_preference_for(request.user)
        form = NotificationPreferenceForm(
            request.POST, instance=preference, user=request.user
        )
        if form.is_valid():
            services.notification_preference_save(
                user=request.user,
                actor=request.user,
                digest_frequency=form.cleaned_data["digest_frequency"],
                escalation_contact=form.cleaned_data["escalation_contact"],
            )
            messages.success(request, "Your notification preferences were saved.")
            return redirect("notification_preferences")
        return self._render(form, status=400)

    def _render(self, form, status=200):
        weekday = calendar.day_name[settings.AIMS_DIGEST_WEEKDAY]
        return render(
            self.request,
            self.template_name,
            {"form": form, "digest_weekday": weekday},
            status=status,
        )
