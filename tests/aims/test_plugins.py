"""The registries apps plug into: pickers, navigation, dashboard, record tabs, events."""

import pytest
from django import forms
from django.urls import reverse

from aims import autocomplete, dashboard, record_tabs
from aims.autocomplete import AutocompleteSelect, AutocompleteSelectMultiple
from aims.documented_information import ItemState, ItemStatus, Source, item_statuses
from aims.events import event_label, registered_events
from aims.models import ObjectChange
from registry.models import AISystem

from ..factories import make_system


def picker(api, key, **params):
    response = api.get(reverse("api-autocomplete", kwargs={"key": key}), params)
    return response


def test_a_picker_offers_only_the_records_the_user_may_see(
    alice, alice_system, bob_system, manager, api_for
):
    found = picker(api_for(alice), "registry.aisystem").json()
    assert [row["text"] for row in found["results"]] == [str(alice_system)]
    assert found["more"] is False
    everything = picker(api_for(manager), "registry.aisystem").json()["results"]
    assert {row["id"] for row in everything} == {
        str(alice_system.pk),
        str(bob_system.pk),
    }


def test_a_picker_searches_and_pages(alice, api_for):
    for number in range(25):
        make_system(alice, name=f"Scoring model {number:02d}")
    make_system(alice, name="Chat assistant")
    api = api_for(alice)
    first = picker(api, "registry.aisystem", q="scoring").json()
    assert len(first["results"]) == 20 and first["more"] is True
    second = picker(api, "registry.aisystem", q="scoring", page=2).json()
    assert len(second["results"]) == 5 and second["more"] is False
    assert (
        picker(api, "registry.aisystem", q="chat")
        .json()["results"][0]["text"]
        .endswith("Chat assistant")
    )


def test_a_picker_refuses_bad_input_with_400_and_unknown_pickers_with_404(
    alice, api_for, client
):
    api = api_for(alice)
    assert picker(api, "registry.aisystem", page="x").status_code == 400
    assert picker(api, "registry.aisystem", page=0).status_code == 400
    assert picker(api, "registry.aisystem", q="x" * 101).status_code == 400
    assert picker(api, "nothing.here").status_code == 404
    assert client.get(
        reverse("api-autocomplete", kwargs={"key": "registry.aisystem"})
    ).status_code in (401, 403)


def test_controls_are_picked_by_their_control_id(viewer, api_for):
    rows = picker(api_for(viewer), "controls.control", q="A.2.2").json()["results"]
    assert rows[0]["id"] == "A.2.2"


class SystemForm(forms.Form):
    system = forms.ModelChoiceField(
        queryset=AISystem.objects.order_by("pk"),
        required=False,
        widget=AutocompleteSelect("registry.aisystem"),
    )
    systems = forms.ModelMultipleChoiceField(
        queryset=AISystem.objects.order_by("pk"),
        required=False,
        widget=AutocompleteSelectMultiple("registry.aisystem"),
    )


def test_a_small_table_is_rendered_in_full_so_the_picker_works_without_javascript(
    alice_system, bob_system
):
    html = str(SystemForm(initial={"system": bob_system.pk})["system"])
    assert "data-autocomplete-inline" in html
    assert str(alice_system) in html.replace("&#x27;", "'")
    assert f'value="{bob_system.pk}" selected' in html


def test_a_large_table_renders_only_the_chosen_values(alice, monkeypatch):
    monkeypatch.setattr(autocomplete, "INLINE_LIMIT", 3)
    systems = [make_system(alice, name=f"System {n}") for n in range(5)]
    form = SystemForm(initial={"systems": [systems[1].pk, systems[3].pk]})
    html = str(form["systems"])
    assert "data-autocomplete-inline" not in html
    assert html.count("<option") == 2
    assert str(systems[1]) in html and str(systems[0]) not in html
    assert 'data-autocomplete-url="/api/v1/autocomplete/registry.aisystem/"' in html
    # What is submitted is still validated by the field's own queryset.
    bound = SystemForm(data={"systems": [systems[4].pk, 999999]})
    assert not bound.is_valid() and "systems" in bound.errors


def test_a_list_page_does_not_grow_with_the_number_of_users(
    manager, client_for, monkeypatch
):
    from ..factories import make_user

    monkeypatch.setattr(autocomplete, "INLINE_LIMIT", 5)
    client = client_for(manager)
    url = reverse("registry:aisystem_list")
    for n in range(6):
        make_user(f"person{n}")
    before = len(client.get(url).content)
    for n in range(30):
        make_user(f"extra{n}")
    assert len(client.get(url).content) == before


def test_the_home_page_shows_the_registered_cards(viewer, client_for):
    response = client_for(viewer).get(reverse("home"))
    keys = [card.key for card, _ in response.context["cards"]]
    assert keys[:5] == [
        "aims.readiness",
        "aims.due",
        "controls.soa",
        "risk.appetite",
        "registry.summary",
    ]
    # The change log's card is only for those who may read the change log.
    assert "aims.recent_changes" not in keys


def test_a_card_can_hide_itself(viewer, client_for):
    dashboard.register(
        dashboard.DashboardCard(
            key="test.hidden", order=1, template="x.html", context=lambda r: None
        )
    )
    try:
        response = client_for(viewer).get(reverse("home"))
        assert "test.hidden" not in [card.key for card, _ in response.context["cards"]]
    finally:
        dashboard.unregister("test.hidden")


def test_a_tab_registered_for_a_model_appears_on_its_pages(
    alice, alice_system, client_for, tmp_path, settings
):
    template_dir = tmp_path / "templates"
    (template_dir / "test").mkdir(parents=True)
    (template_dir / "test" / "tab.html").write_text("<p>Tab body for {{ name }}</p>")
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir],
        }
    ]
    record_tabs.register_tab(
        AISystem,
        record_tabs.RecordTab(
            key="test-tab",
            label="Test tab",
            order=1,
            template="test/tab.html",
            context=lambda request, obj: {"name": obj.name},
            visible=lambda user, obj: user.username == "alice",
        ),
    )
    try:
        client = client_for(alice)
        detail = client.get(reverse("registry:aisystem_detail", args=[alice_system.pk]))
        tab_url = reverse("registry:aisystem_tab", args=[alice_system.pk, "test-tab"])
        assert tab_url in detail.content.decode()
        tab = client.get(tab_url)
        assert tab.status_code == 200
        assert "Tab body for Alice" in tab.content.decode().replace("&#x27;", "'")
        assert (
            client.get(
                reverse("registry:aisystem_tab", args=[alice_system.pk, "nope"])
            ).status_code
            == 404
        )
    finally:
        record_tabs._tabs["registry.aisystem"].pop("test-tab")


def test_a_hidden_tab_is_a_404(bob, alice_system, manager, client_for):
    record_tabs.register_tab(
        AISystem,
        record_tabs.RecordTab(
            key="only-alice",
            label="Only Alice",
            order=1,
            template="x.html",
            context=lambda request, obj: {},
            visible=lambda user, obj: False,
        ),
    )
    try:
        url = reverse("registry:aisystem_tab", args=[alice_system.pk, "only-alice"])
        assert client_for(manager).get(url).status_code == 404
    finally:
        record_tabs._tabs["registry.aisystem"].pop("only-alice")


def test_the_ai_system_page_shows_the_risk_panel_and_pack_button(
    auditor, alice_system, client_for
):
    page = client_for(auditor).get(
        reverse("registry:aisystem_detail", args=[alice_system.pk])
    )
    html = page.content.decode()
    assert 'data-panel="risk.risks"' in html
    assert "Evidence pack: AI system pack" in html


def test_every_event_the_services_record_has_a_label(db):
    from aims.management.commands.load_demo import Command

    Command().handle(force=True)
    recorded = set(
        ObjectChange.objects.exclude(event="").values_list("event", flat=True)
    )
    assert recorded and recorded <= set(registered_events())
    assert event_label("risk.accepted") == "Risk accepted"
    assert event_label("made.up_thing") == "Made: up thing"


def test_documented_information_items_combine_their_sources():
    from aims import documented_information as di

    di.register(
        Source("DI-01", "test: missing", lambda as_of: ItemStatus(present=False))
    )
    di.register(
        Source(
            "DI-01",
            "test: partial",
            lambda as_of: ItemStatus(present=True, done=4, total=5),
        )
    )
    try:
        reports = {report.item["id"]: report for report in item_statuses()}
        assert len(reports) == 54
        assert reports["DI-01"].state == ItemState.PARTIAL
        assert ItemStatus(present=True, approved=False).state == ItemState.UNAPPROVED
        assert ItemStatus(present=True, current=False).state == ItemState.STALE
        assert ItemStatus(present=True).state == ItemState.OK
    finally:
        di.unregister("DI-01", "test: missing")
        di.unregister("DI-01", "test: partial")


@pytest.mark.parametrize("path", ["/register/", "/risks/", "/controls/evidence/"])
def test_owner_filters_use_the_picker(path, manager, client_for):
    html = client_for(manager).get(path).content.decode()
    assert 'data-autocomplete-url="/api/v1/autocomplete/aims.user/"' in html


def test_an_approval_after_a_stale_sign_in_asks_for_the_password_first(
    committee, client_for
):
    import time

    from aims.reauth import SESSION_KEY
    from tests.factories import TEST_PASSWORD

    client = client_for(committee)
    url = reverse("controls:soa_approve", args=[1])
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 3600
    session.save()
    response = client.post(url, {"note": "x"})
    confirm = reverse("reauthenticate")
    assert response.status_code == 302 and response["Location"].startswith(confirm)
    wrong = client.post(confirm, {"password": "nope", "next": url})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    right = client.post(confirm, {"password": TEST_PASSWORD, "next": url})
    assert right.status_code == 302 and right["Location"] == url
    assert client.get(url).status_code != 302
    # Elsewhere (an outside address) is never a target.
    outside = client.post(
        confirm, {"password": TEST_PASSWORD, "next": "https://evil.example/"}
    )
    assert outside["Location"] == reverse("home")
