"""A system's history names its records, but never a related record the reader may not
see: a dataset link is named after its dataset, and someone who may see the system need
not be allowed to see the dataset register (History tab and the AI system pack)."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from aims.permissions import grant
from aims.redaction import HIDDEN
from audit.models import EvidencePack
from audit.packs.registry import get_kind, pack_build
from registry.life_services import child_save, dataset_save
from registry.models import Dataset, SystemDataset
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SECRET = "Bob's confidential churn data"


@pytest.fixture
def carol(alice_system):
    """A colleague with no role who was shown Alice's system, and nothing else."""
    user = make_user("carol")
    grant(user, alice_system, ("view",))
    return user


@pytest.fixture
def linked(alice_system, bob, manager):
    """Bob's dataset linked to Alice's system by a manager."""
    dataset = dataset_save(dataset=Dataset(name=SECRET, owner=bob), actor=bob)
    child_save(
        record=SystemDataset(ai_system=alice_system, dataset=dataset, role="training"),
        actor=manager,
    )
    return alice_system


def test_the_history_tab_names_the_link_without_the_hidden_dataset(
    linked, carol, alice, client_for
):
    url = reverse("registry:aisystem_history", args=[linked.pk])
    response = client_for(carol).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert SECRET.replace("'", "&#x27;") not in page and SECRET not in page
    assert f"{HIDDEN} (training)" in page
    # Whoever may see the dataset (system owners see the shared register) reads it.
    assert SECRET.replace("'", "&#x27;") in client_for(alice).get(url).content.decode()


def test_the_system_pack_names_the_link_without_the_hidden_dataset(linked, carol):
    kind = get_kind("ai_system")
    pack = EvidencePack(kind="ai_system", target_id=linked.pk, requested_by=carol)
    content = pack_build(kind, pack, linked, {})
    history = render_to_string(
        "audit/packs/ai_system/history.html", content.context
    )
    assert f"{HIDDEN} (training)" in history
    assert "churn data" not in history
