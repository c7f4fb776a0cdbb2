"""Personas (Healthchecks style) and clients shared by all tests.

alice and bob are AI system owners (each owns one system), the others hold one role
each. ``client_for(user)`` and ``api_for(user)`` give logged-in page and token API clients.
"""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from aims import roles

from .factories import make_system, make_user


@pytest.fixture
def admin_user(db):
    return make_user("ada", roles.ADMINISTRATOR)


@pytest.fixture
def committee(db):
    return make_user("grace", roles.GOVERNANCE_COMMITTEE)


@pytest.fixture
def manager(db):
    return make_user("maria", roles.AIMS_MANAGER)


@pytest.fixture
def risk_owner(db):
    return make_user("raj", roles.RISK_OWNER)


@pytest.fixture
def alice(db):
    return make_user("alice", roles.AI_SYSTEM_OWNER)


@pytest.fixture
def bob(db):
    return make_user("bob", roles.AI_SYSTEM_OWNER)


@pytest.fixture
def auditor(db):
    return make_user("audrey", roles.AUDITOR)


@pytest.fixture
def viewer(db):
    return make_user("victor", roles.VIEWER)


@pytest.fixture
def outsider(db):
    """Logged in, but holds no role at all."""
    return make_user("charlie")


@pytest.fixture
def alice_system(alice):
    return make_system(alice, name="Alice's CV screener")


@pytest.fixture
def bob_system(bob):
    return make_system(bob, name="Bob's fraud model")


@pytest.fixture
def client_for(db):
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def api_for(db):
    def make(user):
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def _load_reference_data():
    from django.apps import apps

    from aims.reference import reference_data

    for config in apps.get_app_configs():
        loader = getattr(config, "load_reference", None)
        if loader is not None:
            loader(reference_data())


def _reference_data_present() -> bool:
    # The last thing every load writes: the first SoA draft (controls) comes after the
    # library; risk criteria come with the risk app. Both must be there.
    from controls.models import SoAVersion
    from risk.models import RiskCriteria

    return SoAVersion.objects.exists() and RiskCriteria.objects.exists()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference libraries and default risk criteria, loaded once per test database.

    Tests run inside a transaction that is rolled back, so the rows stay. A test on
    ``transactional_db`` empties every table afterwards; the next test loads them again.
    """
    with django_db_blocker.unblock():
        _load_reference_data()


@pytest.fixture(autouse=True)
def _reference_data(db):
    """As after ``manage.py load_reference``, in every test."""
    if not _reference_data_present():
        _load_reference_data()


@pytest.fixture(scope="session")
def _signing_key_file(tmp_path_factory):
    return tmp_path_factory.mktemp("signing") / "signing-key.pem"


@pytest.fixture(autouse=True)
def _files_outside_the_database(settings, tmp_path, _signing_key_file):
    """The change-log checkpoint file belongs with the test's database (rolled back after
    each test), so each test has its own; one signing key serves the whole run."""
    settings.AIMS_CHANGE_LOG_CHECKPOINT_FILE = tmp_path / "change-log-checkpoints.jsonl"
    settings.AIMS_SIGNING_KEY_FILE = _signing_key_file


@pytest.fixture(autouse=True)
def _no_idle_stamp_while_counting_queries(request, settings):
    """The idle-timeout stamp rewrites the session at most once a minute, so on a slow
    machine a query guard that spans a minute counts one write more at its larger size.
    Tests that count queries switch the stamp off; the idle-timeout tests keep it."""
    counting = {"django_assert_num_queries", "django_assert_max_num_queries"}
    if counting & set(request.fixturenames):
        settings.AIMS_SESSION_IDLE_MINUTES = 0


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_truncate_trigger():
    """``transactional_db`` empties tables with TRUNCATE, which the change log's trigger
    refuses (as it should in production). The test database owner switches triggers off
    for the flush's own transaction only."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self,
            style,
            tables,
            reset_sequences=reset_sequences,
            allow_cascade=allow_cascade,
        )
        if not statements:
            return statements
        return [
            "SET LOCAL session_replication_role = replica",
            *statements,
            "SET LOCAL session_replication_role = DEFAULT",
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
