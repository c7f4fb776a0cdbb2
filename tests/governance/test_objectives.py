"""Indicators: status at the threshold boundaries, no recent data, the trend chart,
measurement input checks and the all-or-nothing CSV import."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from governance.charts import trend_chart
from governance.models import Measurement
from governance.selectors import indicator_rows
from governance.services import measurements_import, record_save

from .helpers import make_indicator, make_objective, measure

TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("direction", "target", "threshold", "value", "expected"),
    [
        ("higher", 90, 80, 90, "on_track"),
        ("higher", 90, 80, "89.99", "at_risk"),
        ("higher", 90, 80, 80, "at_risk"),
        ("higher", 90, 80, "79.99", "off_track"),
        ("lower", 5, 10, 5, "on_track"),
        ("lower", 5, 10, 10, "at_risk"),
        ("lower", 5, 10, "10.01", "off_track"),
    ],
)
def test_indicator_status_at_the_boundaries(
    manager, direction, target, threshold, value, expected
):
    objective = make_objective(manager)
    indicator = make_indicator(
        objective,
        manager,
        direction=direction,
        target=Decimal(target),
        threshold=Decimal(threshold),
    )
    measure(indicator, manager, value)
    assert indicator_rows([indicator])[0].status == expected


def test_no_recent_data_after_one_period_and_a_week(manager):
    indicator = make_indicator(make_objective(manager), manager, frequency="monthly")
    assert indicator_rows([indicator])[0].status == "no_data"
    measure(indicator, manager, 95, TODAY - datetime.timedelta(days=31 + 7))
    assert indicator_rows([indicator])[0].status == "on_track"
    assert (
        indicator_rows([indicator], today=TODAY + datetime.timedelta(days=1))[0].status
        == "no_data"
    )


def test_the_trend_chart_has_every_measured_point(manager):
    indicator = make_indicator(make_objective(manager), manager)
    for months_ago, value in ((3, 70), (2, 82), (1, 91)):
        measure(
            indicator, manager, value, TODAY - datetime.timedelta(days=30 * months_ago)
        )
    row = indicator_rows([indicator])[0]
    svg = trend_chart(indicator, row.measurements)
    assert svg.count('class="point"') == 3
    assert 'class="target"' in svg and 'class="threshold"' in svg
    assert "91" in svg


def test_a_closed_indicator_and_a_value_of_the_wrong_type_are_refused(manager):
    objective = make_objective(manager)
    counting = make_indicator(
        objective,
        manager,
        value_type="integer",
        unit="incidents",
        target=0,
        threshold=2,
        direction="lower",
    )
    with pytest.raises(ValidationError) as caught:
        measure(counting, manager, "1.5")
    assert "value" in caught.value.message_dict
    counting.closed = True
    record_save(instance=counting, actor=manager)
    with pytest.raises(ValidationError) as caught:
        measure(counting, manager, 1)
    assert "indicator" in caught.value.message_dict


def test_the_objective_owner_records_measurements_others_may_not(manager, alice, bob):
    objective = make_objective(manager, owner=alice) if False else make_objective(alice)
    indicator = make_indicator(objective, manager)
    measure(indicator, alice, 90)
    with pytest.raises(PermissionDenied):
        measure(indicator, bob, 90)


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_line(manager):
    indicator = make_indicator(make_objective(manager), manager)
    data = (
        "indicator,date,value,period,note\n"
        f"{indicator.pk},{TODAY - datetime.timedelta(days=60)},88,M1,\n"
        f"{indicator.pk},{TODAY - datetime.timedelta(days=30)},lots,M2,\n"
    ).encode()
    result = measurements_import(data=data, actor=manager)
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(3, "value")]
    assert not Measurement.objects.exists()
    good = data.replace(b"lots", b"91")
    assert len(measurements_import(data=good, actor=manager).created) == 2


def test_the_api_imports_and_refuses_by_line(manager, api_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    indicator = make_indicator(make_objective(manager), manager)
    bad = SimpleUploadedFile(
        "m.csv", f"indicator,date,value\n{indicator.pk},not-a-date,3\n".encode()
    )
    response = api_for(manager).post(
        "/api/v1/measurements/import/", {"file": bad}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 2, "column": "date", "message": "Use YYYY-MM-DD."}
    ]
    wrong_type = api_for(manager).post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "value": "abc", "measured_on": str(TODAY)},
        format="json",
    )
    assert wrong_type.status_code == 400 and "value" in wrong_type.json()


def test_the_objective_page_shows_status_and_chart(manager, client_for):
    objective = make_objective(manager)
    indicator = make_indicator(objective, manager)
    measure(indicator, manager, 85)
    page = client_for(manager).get(
        reverse("governance:objective_detail", args=[objective.pk])
    )
    html = page.content.decode()
    assert 'data-status="at_risk"' in html
    assert "<svg" in html and 'class="point"' in html
