"""The admin site uses the same service as the pages."""

from django.urls import reverse

from aims.models import ObjectChange
from registry.models import AISystem


def test_a_system_saved_in_the_admin_gets_a_reference_owner_rights_and_history(
    admin_user, alice, client_for
):
    response = client_for(admin_user).post(
        reverse("admin:registry_aisystem_add"),
        {
            "name": "Added in admin",
            "intended_purpose": "Testing the admin path",
            "owner": alice.pk,
            "lifecycle_stage": "design",
            "source": "in_house",
            "automation_level": "assistive",
            "criticality": "low",
            "eu_risk_tier": "unclassified",
            "review_interval": 12,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    system = AISystem.objects.get(name="Added in admin")
    assert system.reference == "AIS-0001"
    detail = reverse("registry:aisystem_detail", args=[system.pk])
    assert client_for(alice).get(detail).status_code == 200
    entries = ObjectChange.objects.filter(
        content_type__model="aisystem", object_id=str(system.pk)
    )
    assert [(e.action, e.user) for e in entries] == [("create", admin_user)]


def test_users_cannot_be_deleted_in_the_admin(admin_user, alice, client_for):
    response = client_for(admin_user).post(
        reverse("admin:aims_user_delete", args=[alice.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    alice.refresh_from_db()
