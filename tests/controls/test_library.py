"""The Annex A library comes from the reference file, exactly and idempotently."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from aims.models import ObjectChange
from aims.reference import reference_data
from controls.choices import ControlSource
from controls.library import load_library
from controls.models import Control, CrosswalkLink, SoAEntry


def test_the_library_holds_the_38_annex_a_controls_in_9_domains():
    annex_a = Control.objects.filter(source=ControlSource.ANNEX_A)
    expected = [c["id"] for c in reference_data()["iso42001_annex_a"]["controls"]]
    assert list(annex_a.values_list("control_id", flat=True)) == expected
    assert len(expected) == 38
    assert annex_a.values("domain").distinct().count() == 9
    assert sorted(set(annex_a.values_list("domain__code", flat=True))) == sorted(
        d["id"] for d in reference_data()["iso42001_annex_a"]["domains"]
    )
    titles = {
        c["id"]: c["title"] for c in reference_data()["iso42001_annex_a"]["controls"]
    }
    assert all(c.title == titles[c.control_id] for c in annex_a)
    assert all(c.summary for c in annex_a)


def test_loading_the_reference_twice_changes_nothing():
    before = (
        Control.objects.count(),
        CrosswalkLink.objects.count(),
        ObjectChange.objects.count(),
    )
    assert load_library(reference_data()) == 0
    assert (
        Control.objects.count(),
        CrosswalkLink.objects.count(),
        ObjectChange.objects.count(),
    ) == before


def test_the_first_soa_draft_has_one_row_per_control():
    assert (
        SoAEntry.objects.filter(soa__number=1).count() == Control.objects.count() == 38
    )


def test_a_control_page_shows_its_crosswalk_and_marks_derived_links(viewer, client_for):
    control = Control.objects.get(control_id="A.2.2")
    page = client_for(viewer).get(control.get_absolute_url()).content.decode()
    assert "Art. 17" in page and "GOVERN 1" in page
    assert "derived" in page
    assert escape(control.summary) in page


def test_the_library_can_be_browsed_by_domain(viewer, client_for):
    page = client_for(viewer).get(reverse("controls:control_list"), {"domain": "A.5"})
    text = page.content.decode()
    assert "A.5.2" in text and "A.2.2" not in text
    assert page.context["table"].paginator.count == 4


def test_a_manager_adds_a_custom_control_that_joins_the_draft(manager, client_for):
    response = client_for(manager).post(
        reverse("controls:control_add"),
        {
            "control_id": "org-1",
            "domain": Control.objects.get(control_id="A.2.2").domain.pk,
            "title": "Model cards for every release",
            "default_test_frequency_days": 180,
        },
    )
    control = Control.objects.get(control_id="ORG-1")
    assert response.status_code == 302
    assert control.is_custom
    assert SoAEntry.objects.filter(control=control, soa__status="draft").exists()


@pytest.mark.parametrize("bad_id", ["A.2.9", "x", "ORG 1", "ORG-1/../"])
def test_custom_control_ids_cannot_look_like_annex_a_ones(manager, api_for, bad_id):
    response = api_for(manager).post(
        "/api/v1/controls/",
        {"control_id": bad_id, "domain": "ORG", "title": "Mine"},
        format="json",
    )
    assert response.status_code == 400
    assert "control_id" in response.json()


def test_annex_a_controls_are_not_edited(manager, api_for, client_for):
    control = Control.objects.get(control_id="A.2.2")
    api = api_for(manager).patch(
        f"/api/v1/controls/{control.pk}/", {"title": "Changed"}, format="json"
    )
    assert api.status_code == 403
    assert (
        client_for(manager)
        .get(reverse("controls:control_edit", args=[control.pk]))
        .status_code
        == 403
    )
    control.refresh_from_db()
    assert control.title == "AI policy"


def test_the_api_lists_controls_with_their_crosswalk(viewer, api_for):
    data = api_for(viewer).get("/api/v1/controls/", {"domain": "A.2"}).json()
    assert data["count"] == 3
    first = data["results"][0]
    assert first["control_id"] == "A.2.2"
    assert {"framework": "eu_ai_act", "ref": "17"}.items() <= first["crosswalk"][
        0
    ].items()
    assert first["crosswalk"][0]["derived"] is True
