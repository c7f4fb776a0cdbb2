"""The register in the browser: forms, lists, conflicts, export and import."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from aims import roles
from aims.models import ObjectChange
from registry.models import AISystem
from tests.factories import make_system, make_user
from tests.http import body

ADD_URL = reverse("registry:aisystem_add")
LIST_URL = reverse("registry:aisystem_list")


def _form(**overrides):
    data = {
        "owner": "",
        "name": "Claims triage model",
        "intended_purpose": "Route claims to the right team.",
        "lifecycle_stage": "development",
        "source": "in_house",
        "automation_level": "on_the_loop",
        "criticality": "high",
        "eu_risk_tier": "unclassified",
        "tags": "claims, triage",
    }
    data.update(overrides)
    return data


def test_an_owner_registers_a_system_and_gets_the_next_reference(alice, client_for):
    make_system(alice, name="Existing")
    response = client_for(alice).post(ADD_URL, _form(owner=alice.pk))

    system = AISystem.objects.get(name="Claims triage model")
    assert (
        response.status_code == 302
        and response["Location"] == system.get_absolute_url()
    )
    assert system.reference == "AIS-0002"
    assert system.owner == alice and system.created_by == alice
    assert sorted(t.name for t in system.tags.all()) == ["claims", "triage"]


def test_references_are_never_reused_after_a_deletion(manager):
    first = make_system(manager)
    first.delete()
    assert make_system(manager).reference == "AIS-0002"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"name": ""}, "name", "This field is required."),
        (
            {"owner": ""},
            "owner",
            "An owner is required once the system is beyond the idea stage.",
        ),
        (
            {"last_review_date": "2026-05-01", "next_review_date": "2026-04-01"},
            "next_review_date",
            "The next review cannot be before the last review.",
        ),
        ({"criticality": "extreme"}, "criticality", "Select a valid choice."),
        ({"next_review_date": "31/02/2026"}, "next_review_date", "Enter a valid date."),
    ],
)
def test_bad_input_shows_the_error_next_to_the_field_and_saves_nothing(
    alice, client_for, overrides, field, message
):
    response = client_for(alice).post(
        ADD_URL, _form(**{"owner": alice.pk, **overrides})
    )

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not AISystem.objects.filter(name="Claims triage model").exists()


def test_a_viewer_cannot_be_made_an_owner(manager, viewer, client_for):
    response = client_for(manager).post(ADD_URL, _form(owner=viewer.pk))
    assert response.status_code == 400
    assert "owner" in response.context["form"].errors


def test_an_owner_cannot_give_away_a_system_they_would_then_lose(
    alice, bob, alice_system, client_for
):
    data = _form(owner=bob.pk, _version=alice_system.version, name=alice_system.name)
    response = client_for(alice).post(
        reverse("registry:aisystem_edit", args=[alice_system.pk]), data
    )

    assert response.status_code == 400
    assert "could no longer see this record" in response.content.decode()
    alice_system.refresh_from_db()
    assert alice_system.owner == alice


def test_a_manager_reassigns_ownership_and_permissions_follow(
    manager, alice, bob, alice_system, client_for
):
    data = _form(owner=bob.pk, _version=alice_system.version, name=alice_system.name)
    client_for(manager).post(
        reverse("registry:aisystem_edit", args=[alice_system.pk]), data
    )

    detail = reverse("registry:aisystem_detail", args=[alice_system.pk])
    assert client_for(bob).get(detail).status_code == 200
    assert client_for(alice).get(detail).status_code == 404


def test_a_second_edit_from_the_same_version_is_refused_and_keeps_the_input(
    alice, manager, alice_system, client_for
):
    url = reverse("registry:aisystem_edit", args=[alice_system.pk])
    opened_at = alice_system.version
    first = client_for(manager).post(
        url, _form(owner=alice.pk, _version=opened_at, name="Manager's name")
    )
    assert first.status_code == 302

    second = client_for(alice).post(
        url, _form(owner=alice.pk, _version=opened_at, name="Alice's name")
    )

    assert second.status_code == 409
    page = second.content.decode()
    assert "saved since you opened it" in page
    assert 'value="Alice&#x27;s name"' in page  # the user's input is still in the form
    assert "Manager&#x27;s name" in page  # and they see what the other person changed
    alice_system.refresh_from_db()
    assert alice_system.name == "Manager's name"


def test_the_conflict_lists_only_what_was_saved_after_the_form_opened(
    alice, manager, alice_system, client_for
):
    url = reverse("registry:aisystem_edit", args=[alice_system.pk])
    client_for(manager).post(
        url,
        _form(owner=alice.pk, _version=alice_system.version, name="Seen before"),
    )
    opened = client_for(alice).get(url).context["form"]
    version, seen = opened.initial["_version"], opened.initial["_seen"]
    client_for(manager).post(
        url, _form(owner=alice.pk, _version=version, name="Saved meanwhile")
    )

    stale = client_for(alice).post(
        url, _form(owner=alice.pk, _version=version, _seen=seen, name="Alice's")
    )

    assert stale.status_code == 409
    shown = stale.context["conflict_changes"]
    assert [entry.postchange_data["name"] for entry in shown] == ["Saved meanwhile"]
    # Saving again deliberately replaces it; a later conflict starts from here.
    again = stale.context["form"]
    assert int(again.data["_seen"]) >= shown[0].seq
    assert client_for(alice).post(url, again.data).status_code == 302
    alice_system.refresh_from_db()
    assert alice_system.name == "Alice's"


def test_the_list_searches_filters_and_sorts(manager, client_for):
    make_system(
        manager, name="Fraud scorer", eu_risk_tier="high_risk", criticality="critical"
    )
    make_system(manager, name="Chatbot", eu_risk_tier="transparency", criticality="low")
    make_system(
        manager,
        name="Fraud rules engine",
        eu_risk_tier="minimal_risk",
        criticality="low",
    )
    client = client_for(manager)

    def names(**params):
        table = client.get(LIST_URL, params).context["table"]
        return [row.record.name for row in table.paginated_rows]

    assert names(q="fraud") == ["Fraud scorer", "Fraud rules engine"]
    assert names(q="fraud", eu_risk_tier="high_risk") == ["Fraud scorer"]
    assert names(criticality="low", sort="-name") == ["Fraud rules engine", "Chatbot"]


def test_the_list_paginates(manager, client_for):
    for index in range(30):
        make_system(manager, name=f"System {index:02d}")
    client = client_for(manager)
    first = client.get(LIST_URL).context["table"]
    second = client.get(LIST_URL, {"page": 2}).context["table"]
    assert len(first.paginated_rows) == 25 and len(second.paginated_rows) == 5


def test_export_holds_the_filtered_rows_in_csv_and_xlsx(manager, client_for):
    make_system(manager, name="Fraud scorer", eu_risk_tier="high_risk")
    make_system(manager, name='=HYPERLINK("http://evil")', eu_risk_tier="minimal_risk")
    client = client_for(manager)

    response = client.get(LIST_URL, {"export": "csv"})
    assert response["Content-Disposition"].startswith(
        'attachment; filename="ai-systems-'
    )
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert {row["Name"] for row in rows} == {
        "Fraud scorer",
        '\'=HYPERLINK("http://evil")',
    }

    filtered = client.get(LIST_URL, {"export": "xlsx", "eu_risk_tier": "high_risk"})
    sheet = openpyxl.load_workbook(io.BytesIO(body(filtered))).active
    values = list(sheet.values)
    assert values[0][:2] == ("Reference", "Name")
    assert [row[1] for row in values[1:]] == ["Fraud scorer"]
    assert values[1][19] == "High-risk (Art. 6)"


def _csv_upload(rows, name="systems.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


IMPORT_HEADER = [
    "Name",
    "Intended purpose",
    "Owner",
    "Lifecycle stage",
    "AI roles",
    "Criticality",
    "Tags",
]


def test_an_import_creates_every_row_through_the_service(alice, client_for):
    upload = _csv_upload(
        [
            IMPORT_HEADER,
            [
                "Invoice OCR",
                "Read invoices",
                "alice",
                "Deployed",
                "AI customer",
                "High",
                "finance; ocr",
            ],
            ["Idea bot", "Explore", "alice", "idea", "", "low", ""],
        ]
    )
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )

    assert response.status_code == 302
    invoice = AISystem.objects.get(name="Invoice OCR")
    assert invoice.lifecycle_stage == "deployed" and invoice.criticality == "high"
    assert [r.name for r in invoice.ai_roles.all()] == ["AI customer"]
    assert sorted(t.name for t in invoice.tags.all()) == ["finance", "ocr"]
    assert ObjectChange.objects.filter(
        object_repr__contains="Invoice OCR", user=alice
    ).exists()


def test_an_import_with_one_bad_row_imports_nothing_and_names_the_row(
    alice, client_for
):
    upload = _csv_upload(
        [
            IMPORT_HEADER,
            ["Good one", "Fine", "alice", "deployed", "", "low", ""],
            ["Bad one", "Broken", "nobody", "deployed", "AI wizard", "sky-high", ""],
        ]
    )
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )

    assert response.status_code == 400
    errors = {(e.row, e.column) for e in response.context["result"].errors}
    assert {(3, "Owner"), (3, "AI roles"), (3, "Criticality")} <= errors
    assert all(row == 3 for row, _ in errors)
    assert not AISystem.objects.filter(name__in=["Good one", "Bad one"]).exists()
    assert "Nothing was imported" in response.content.decode()


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("systems.xlsx", b"PK\x03\x04"), "Upload a .csv file"),
        (SimpleUploadedFile("systems.csv", b""), "The file is empty"),
        (
            SimpleUploadedFile(
                "systems.csv", "Name;Intended purpose\n".encode("utf-16")
            ),
            "not",
        ),
        (
            SimpleUploadedFile("systems.csv", b"Name,Colour\nx,red\n"),
            "Unknown columns: colour",
        ),
        (SimpleUploadedFile("systems.csv", b"Name,Intended purpose\n"), "no rows"),
    ],
)
def test_unusable_import_files_get_a_clear_message(alice, client_for, upload, message):
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )
    assert response.status_code == 400
    assert message in response.context["file_error"]


def test_an_oversized_import_is_refused(alice, client_for, settings):
    settings.AIMS_MAX_IMPORT_BYTES = 100
    upload = _csv_upload(
        [IMPORT_HEADER] + [["x" * 20, "y", "", "idea", "", "low", ""]] * 10
    )
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )
    assert (
        response.status_code == 400 and "larger than" in response.context["file_error"]
    )


def test_viewers_cannot_import(viewer, client_for):
    assert (
        client_for(viewer).get(reverse("registry:aisystem_import")).status_code == 403
    )


def test_buttons_show_only_what_the_user_may_do(
    alice, bob_system, alice_system, auditor, client_for
):
    owner_page = client_for(alice).get(
        reverse("registry:aisystem_detail", args=[alice_system.pk])
    )
    assert (
        ">Edit<" in owner_page.content.decode()
        and ">Delete<" not in owner_page.content.decode()
    )
    auditor_page = client_for(auditor).get(
        reverse("registry:aisystem_detail", args=[bob_system.pk])
    )
    assert ">Edit<" not in auditor_page.content.decode()
    assert "Add AI system" not in client_for(auditor).get(LIST_URL).content.decode()


def test_the_navigation_shows_the_whole_portal_without_broken_links(viewer, client_for):
    client = client_for(viewer)
    home = client.get(reverse("home")).content.decode()
    for label, url_name in [
        ("Register", "registry:aisystem_list"),
        ("Risks", "risk:risk_list"),
        ("Controls &amp; SoA", "controls:soa"),
    ]:
        assert label in home
        assert client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "persona", ["viewer", "alice", "risk_owner", "auditor", "manager", "committee"]
)
def test_every_navigation_link_a_user_is_shown_opens(persona, request, client_for):
    """No dead ends: a link in the menu never answers 403 or 404."""
    from aims.navigation import sections_for

    user = request.getfixturevalue(persona)
    client = client_for(user)
    links = [link for section in sections_for(user) for link in section.links]
    assert links
    home = client.get(reverse("home")).content.decode()
    for link in links:
        assert f'href="{link.url}"' in home
        assert client.get(link.url).status_code == 200, link.url


def test_pack_and_change_log_links_are_offered_only_to_those_who_may_open_them(
    viewer, alice, auditor, client_for
):
    packs = reverse("audit:evidencepack_list")
    changelog = reverse("changelog")
    for user in (viewer, alice):
        home = client_for(user).get(reverse("home")).content.decode()
        assert packs not in home and f'href="{changelog}"' not in home
    home = client_for(auditor).get(reverse("home")).content.decode()
    assert packs in home and changelog in home


def test_pages_need_a_login(client, alice_system):
    response = client.get(reverse("registry:aisystem_detail", args=[alice_system.pk]))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )
    assert client.get(reverse("login")).status_code == 200


def test_roles_of_the_demo_users_exist_as_groups():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= set(
        roles.ROLE_PERMISSIONS
    )
    make_user("x", roles.AUDITOR)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"Name,Name,Intended purpose\na,b,c\n", "Columns appear more than once: name"),
        (
            b"Name,Intended purpose,\nv,x,dropped\n",
            "Line 2 has values in a column without a header",
        ),
        (
            b"Name,Intended purpose\nv,x,extra\n",
            "Line 2 has values in a column without a header",
        ),
    ],
)
def test_an_import_never_drops_cells_silently(alice, client_for, content, message):
    upload = SimpleUploadedFile("systems.csv", content)
    response = client_for(alice).post(
        reverse("registry:aisystem_import"), {"file": upload}
    )
    assert response.status_code == 400
    assert message in response.context["file_error"]
    assert not AISystem.objects.exists()


def test_a_change_to_a_system_is_announced_with_its_change_log_entry(
    alice, alice_system
):
    from registry.services import ai_system_save
    from registry.signals import ai_system_changed

    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    ai_system_changed.connect(listener)
    try:
        alice_system.intended_purpose = "Rank CVs for a human recruiter."
        ai_system_save(system=alice_system, actor=alice)
        ai_system_save(system=alice_system, actor=alice)  # nothing changed: silent
    finally:
        ai_system_changed.disconnect(listener)
    assert len(heard) == 1
    assert heard[0]["changed"] == {"intended_purpose"}
    assert heard[0]["entry"].postchange_data["intended_purpose"].startswith("Rank")
    assert heard[0]["created"] is False


def test_a_refused_add_form_stays_an_add_form(alice, bob, client_for):
    """The service gave the record a reference before the save was rolled back: the
    page must not read "Edit AIS-0001" for a record that does not exist."""
    response = client_for(alice).post(ADD_URL, _form(owner=bob.pk))

    assert response.status_code == 400
    page = response.content.decode()
    assert "could no longer see this record" in page
    assert "Add AI system" in page
    assert "Edit AIS-" not in page
    assert not AISystem.objects.exists()


def test_an_owner_records_a_review_and_the_next_one_moves_by_the_interval(
    alice, bob, alice_system, client_for, api_for
):
    import datetime

    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    today = timezone.localdate()
    alice_system.next_review_date = today - datetime.timedelta(days=3)
    alice_system.review_interval = 6
    from registry.services import ai_system_save

    ai_system_save(system=alice_system, actor=alice)
    client = client_for(alice)
    page = client.get(alice_system.get_absolute_url()).content.decode()
    assert "(overdue)" in page and "Record review" in page

    url = reverse("registry:aisystem_review", args=[alice_system.pk])
    assert client_for(bob).post(url, {"note": "x"}).status_code == 404
    response = client.post(url, {"note": "Checked the monitoring."})
    assert response.status_code == 302
    alice_system.refresh_from_db()
    assert alice_system.last_review_date == today
    assert alice_system.next_review_date == today + relativedelta(months=6)
    event = ObjectChange.objects.get(event="aisystem.reviewed")
    assert "Checked the monitoring." in event.message and event.user == alice
    page = client.get(alice_system.get_absolute_url()).content.decode()
    assert "(overdue)" not in page

    api = api_for(alice).post(f"/api/v1/ai-systems/{alice_system.pk}/review/", {})
    assert api.status_code == 200, api.content
    assert (
        api.json()["next_review_date"] == (today + relativedelta(months=6)).isoformat()
    )


def test_a_viewer_is_not_offered_the_review(viewer, alice_system, client_for):
    page = client_for(viewer).get(alice_system.get_absolute_url()).content.decode()
    assert "Record review" not in page
    url = reverse("registry:aisystem_review", args=[alice_system.pk])
    assert client_for(viewer).post(url).status_code == 403
