"""What operators see: the favicon is served, a refusal is one log line."""

import logging

from django.contrib.staticfiles import finders


def test_the_favicon_is_served_to_anyone(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith(".ico")
    assert finders.find("favicon.ico") is not None


def test_every_page_links_the_favicon(client_for, viewer):
    page = client_for(viewer).get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.ico"' in page


def test_a_refusal_is_logged_as_one_line_without_a_traceback(
    client_for, viewer, caplog
):
    """A viewer opening an add form gets a 403; the log says who, where and why, at
    INFO, and carries no traceback (a real error still does)."""
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client_for(viewer).get("/register/add/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.INFO
    assert record.exc_info is None
    line = record.getMessage()
    assert line.startswith("Refused GET /register/add/ for victor")
    assert "You may not add" in line
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    from aims.log_filters import RefusalFilter

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x/",),
            sys.exc_info(),
        )
    record.status_code = 500
    assert RefusalFilter().filter(record)
    assert record.exc_info is not None and record.levelno == logging.ERROR
