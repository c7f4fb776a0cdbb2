"""API endpoints owned by the core: change log, users, roles, the caller's own token."""

from django.contrib.auth.models import Group
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from aims import accounts, mfa
from aims.client_address import ClientAddressThrottleMixin
from aims.filtersets import ObjectChangeFilterSet
from aims.keyset import ChangeLogCursorPagination
from aims.models import ObjectChange, User
from aims.permissions import can, visible_to

from .permissions import AimsObjectPermission
from .serializers import ModelSerializer, ObjectChangeSerializer


class ChangeLogReader(IsAuthenticated):
    """The whole change log is for the roles that hold it (auditors, the committee,
    managers): others get a 403, not an empty list. A record's own history is read
    through that record (``.../<id>/history/``) wherever the record may be seen."""

    message = "The change log is open to auditors, the committee and AIMS managers."

    def has_permission(self, request, view):
        return super().has_permission(request, view) and can(
            request.user, "view", ObjectChange
        )


class ObjectChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """The change log: append-only, so read-only here too. Needs the change-log view role."""

    permission_classes = [ChangeLogReader]

    queryset = ObjectChange.objects.select_related(
        "content_type", "related_content_type"
    )
    serializer_class = ObjectChangeSerializer
    filterset_class = ObjectChangeFilterSet
    # Keyset pages on ``seq`` (``aims.keyset``); ``time`` follows ``seq``, so ordering by
    # it would only cost the cursor its index.
    pagination_class = ChangeLogCursorPagination
    ordering_fields = ["seq"]
    ordering = ["-seq"]
    lookup_field = "seq"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")


class RoleSerializer(ModelSerializer):
    description = serializers.SerializerMethodField()
    permissions = serializers.SerializerMethodField()

    class Meta:
        model = Group
        fields = ["id", "name", "description", "permissions"]

    def get_description(self, obj) -> str:
        return accounts.role_description(obj.name)

    def get_permissions(self, obj) -> list[str]:
        return sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in obj.permissions.all()
        )


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """Roles and the permissions they grant (edit them in the admin)."""

    queryset = Group.objects.prefetch_related("permissions__content_type").order_by(
        "name"
    )
    serializer_class = RoleSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []


class UserSerializer(ModelSerializer):
    roles = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Group.objects.all(),
        many=True,
        required=False,
        source="groups",
    )
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        min_length=8,
        help_text="Only on create; leave out to create a user who signs in after a password reset.",
    )
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "display_name",
            "email",
            "is_active",
            "roles",
            "password",
            "last_login",
            "date_joined",
        ]
        read_only_fields = ["last_login", "date_joined"]


class UserUpdateSerializer(UserSerializer):
    """Updates never carry a password: people change their own, or it is reset."""

    class Meta(UserSerializer.Meta):
        fields = [name for name in UserSerializer.Meta.fields if name != "password"]


class UserViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Users and their roles. Users are deactivated (``is_active: false``), never deleted,
    because the change log points at them."""

    queryset = User.objects.prefetch_related("groups").order_by("username")
    serializer_class = UserSerializer
    permission_classes = [AimsObjectPermission]
    filterset_fields = ["is_active", "groups__name"]
    ordering_fields = ["username", "date_joined", "last_login"]

    def get_queryset(self):
        return visible_to(self.queryset.all(), self.request.user, "view")

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return UserUpdateSerializer
        return UserSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = accounts.user_create(
            actor=self.request.user, roles=data.pop("groups", []), **data
        )

    def perform_update(self, serializer):
        if "password" in self.request.data:
            raise ValidationError(
                {
                    "password": [
                        "Passwords are changed by their owner or reset, not here."
                    ]
                }
            )
        data = dict(serializer.validated_data)
        serializer.instance = accounts.user_update(
            user=serializer.instance,
            actor=self.request.user,
            roles=data.pop("groups", None),
            **data,
        )

    @extend_schema(responses=UserSerializer)
    @action(
        detail=False,
        methods=["get"],
        permission_classes=[IsAuthenticated],
        filter_backends=[],
    )
    def me(self, request):
        """The calling user, with their roles."""
        return Response(UserSerializer(request.user).data)


@extend_schema_serializer(many=False)
class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MyTokenViewSet(viewsets.ViewSet):
    """The caller's API token: read it, or rotate it (the old one stops working at once)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=TokenSerializer, request=None)
    def list(self, request):
        token, _ = Token.objects.get_or_create(user=request.user)
        return Response({"token": token.key})

    @extend_schema(responses={201: TokenSerializer}, request=None)
    def create(self, request):
        return Response(
            {"token": accounts.token_rotate(user=request.user).key}, status=201
        )

    @extend_schema(responses={204: None}, request=None)
    @action(detail=False, methods=["post"])
    def revoke(self, request):
        """Delete your token: calls with it get 401 until you issue a new one."""
        accounts.token_revoke(user=request.user)
        return Response(status=204)


class LoginRateThrottle(ClientAddressThrottleMixin, AnonRateThrottle):
    """Password attempts per client address (``AIMS_LOGIN_RATE``), against guessing;
    the address is read as ``aims.client_address`` says (a forged
    ``X-Forwarded-For`` does not give a fresh allowance)."""

    scope = "login"


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=20,
        help_text="A code from the authenticator app, or a recovery code: required "
        "for accounts with two-factor sign-in.",
    )


class ObtainTokenView(ObtainAuthToken):
    """Exchange a username and password (and, for an account with two-factor sign-in,
    a code) for the user's API token."""

    throttle_classes = [LoginRateThrottle]
    serializer_class = TokenRequestSerializer

    def get_serializer_context(self):
        # django-axes marks a locked-out sign-in on the HttpRequest, which its
        # middleware then answers with a 429; DRF's Request wrapper would hide it.
        return {**super().get_serializer_context(), "request": self.request._request}

    @extend_schema(
        auth=[], request=TokenRequestSerializer, responses={200: TokenSerializer}
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        # The password alone must not open what the web sign-in guards with a code.
        if mfa.must_verify(user):
            if not mfa.mfa_enrolled(user):
                raise PermissionDenied(
                    "Your role requires a second factor: set it up in the portal "
                    "first, then ask for a token."
                )
            if (
                mfa.mfa_verify_code(
                    user=user, token=serializer.validated_data.get("otp_token", "")
                )
                is None
            ):
                raise ValidationError(
                    {
                        "otp_token": [
                            "A current code from your authenticator app (or a "
                            "recovery code) is required."
                        ]
                    }
                )
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
