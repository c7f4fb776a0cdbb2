"""Demo organisation for the embedded default: one user per role (idempotent)."""

from django.contrib.auth.models import Group

from . import accounts
from .models import User
from .roles import (
    ADMINISTRATOR,
    AI_SYSTEM_OWNER,
    AIMS_MANAGER,
    AUDITOR,
    GOVERNANCE_COMMITTEE,
    RISK_OWNER,
    VIEWER,
)

DEMO_PASSWORD = "aims-demo-2026"

# username: (first name, last name, role)
DEMO_USERS = {
    "admin": ("Ada", "Admin", ADMINISTRATOR),
    "grace": ("Grace", "Hopper", GOVERNANCE_COMMITTEE),
    "maria": ("Maria", "Manager", AIMS_MANAGER),
    "raj": ("Raj", "Patel", RISK_OWNER),
    "olivia": ("Olivia", "Owen", AI_SYSTEM_OWNER),
    "omar": ("Omar", "Haddad", AI_SYSTEM_OWNER),
    "audrey": ("Audrey", "Auditor", AUDITOR),
    "victor": ("Victor", "Viewer", VIEWER),
}


def load_demo_users() -> dict[str, User]:
    users = {}
    for username, (first, last, role) in DEMO_USERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = accounts.user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@example.org",
                roles=[Group.objects.get(name=role)],
            )
        users[username] = user
    return users


# username: escalation contact, so overdue demo items show the escalation ladder.
DEMO_ESCALATION_CONTACTS = {"olivia": "maria", "omar": "maria", "raj": "maria"}


def load_demo_preferences(users: dict[str, User]) -> None:
    """Escalation contacts of the demo owners; an existing choice is left alone."""
    from .models import NotificationPreference
    from .notifications import notification_preference_save

    for username, contact in DEMO_ESCALATION_CONTACTS.items():
        user = users[username]
        if not NotificationPreference.objects.filter(user=user).exists():
            notification_preference_save(
                user=user,
                actor=None,
                digest_frequency=NotificationPreference.Frequency.DAILY,
                escalation_contact=users[contact],
            )
