"""API for the caller's own notifications, due items and reminder preferences.

Everything here is about the caller only: another person's notification is a 404.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aims import notifications as services
from aims.filtersets import NotificationFilterSet
from aims.models import Notification, NotificationPreference, User
from aims.reminders import due_items_for, source_label

from .serializers import ModelSerializer


class NotificationSerializer(ModelSerializer):
    source_label = serializers.SerializerMethodField()
    read = serializers.BooleanField(source="is_read", read_only=True)
    escalated = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "source",
            "source_label",
            "object_id",
            "title",
            "url",
            "due_date",
            "stage",
            "kind",
            "escalated",
            "escalation_level",
            "reason",
            "message",
            "run_date",
            "created",
            "read",
            "read_at",
            "email_status",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_source_label(self, obj) -> str:
        return source_label(obj.source)

    def get_escalated(self, obj) -> bool:
        return obj.escalation_level > 0


MarkedSerializer = inline_serializer(
    "MarkedRead", fields={"marked": serializers.IntegerField()}
)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Your notifications, newest first (``unread=true`` for the unread ones)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilterSet
    ordering_fields = ["created", "due_date"]
    ordering = ["-created", "-pk"]

    def get_queryset(self):
        return Notification.objects.for_user(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        """Mark this notification read (again is harmless)."""
        notification = services.notification_mark_read(notification=self.get_object())
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer, filters=False)
    @action(
        detail=False,
        methods=["post"],
        url_path="mark-all-read",
        filter_backends=[],
    )
    def mark_all_read(self, request):
        """Mark all your unread notifications read; answers how many there were."""
        return Response(
            {"marked": services.notifications_mark_all_read(user=request.user)}
        )


class NotificationPreferenceSerializer(ModelSerializer):
    escalation_contact = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        allow_null=True,
        required=False,
        help_text="Id of an active user who is also reminded when your items stay "
        "overdue; null for nobody.",
    )

    class Meta:
        model = NotificationPreference
        fields = ["digest_frequency", "escalation_contact"]


class MyNotificationPreferenceView(generics.GenericAPIView):
    """Your digest frequency and escalation contact (changes are change-logged)."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationPreferenceSerializer
    filter_backends = []
    pagination_class = None

    def get_object(self):
        return services.notification_preference_for(self.request.user)

    def get(self, request):
        return Response(self.get_serializer(self.get_object()).data)

    def put(self, request):
        return self._save(request, partial=False)

    def patch(self, request):
        """Change some of your preferences; fields left out keep their value."""
        return self._save(request, partial=True)

    def _save(self, request, partial: bool):
        current = self.get_object()
        serializer = self.get_serializer(current, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        preference = services.notification_preference_save(
            user=request.user,
            actor=request.user,
            digest_frequency=data.get("digest_frequency", current.digest_frequency),
            escalation_contact=data.get(
                "escalation_contact", current.escalation_contact
            ),
        )
        return Response(self.get_serializer(preference).data)


class DueItemSerializer(serializers.Serializer):
    source = serializers.CharField()
    source_label = serializers.CharField()
    object_id = serializers.CharField()
    title = serializers.CharField()
    url = serializers.CharField()
    due_date = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negative when overdue.")
    stage = serializers.CharField()
    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    escalated = serializers.BooleanField()
    escalation_level = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=Notification.Reason.choices)
    message = serializers.CharField()


class MyDueItemViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """What is on your plate today: due soon, overdue, or escalated to you."""

    permission_classes = [IsAuthenticated]
    serializer_class = DueItemSerializer
    filter_backends = []
    pagination_class = None

    def get_queryset(self):  # for the schema; the list is computed, not queried
        return Notification.objects.none()

    def list(self, request):
        user = request.user
        rows = [
            {
                "source": r.source.key,
                "source_label": r.source.label,
                "object_id": r.object_id,
                "title": r.title_for(user),
                "url": r.url_for(user),
                "due_date": r.item.due_date,
                "days_left": r.days_left,
                "stage": r.stage,
                "kind": r.kind,
                "escalated": r.escalated,
                "escalation_level": r.level,
                "reason": r.recipients[user.pk][1],
                "message": r.message_for(user),
            }
            for r in due_items_for(user, timezone.localdate())
        ]
        return Response(DueItemSerializer(rows, many=True).data)
