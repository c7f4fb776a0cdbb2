from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

# Written by the portal but never changed or removed, not even by the portal itself.
APPEND_ONLY_TABLES = ("aims_objectchange", "aims_changelogcheckpoint")


class Command(BaseCommand):
    help = (
        "PostgreSQL: give ROLE (the role the web and workers connect as) what the "
        "portal needs and no more: read and write the tables, but only read and insert "
        "the change log and its checkpoints. Run it as the role that owns the tables "
        "(the one migrate runs as), after every migrate: the owner alone can switch the "
        "change log's triggers off, so the application must not be the owner."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="the application's database role")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL only")
        from psycopg import sql

        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user, current_database()")
            owner, database = cursor.fetchone()
            if owner == role:
                raise CommandError(
                    f"{role} is the role running this command (the owner): the "
                    "application needs a role of its own"
                )
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                raise CommandError(f"role {role} does not exist; create it first")
        who = sql.Identifier(role)
        tables = sql.SQL(", ").join(sql.Identifier(t) for t in APPEND_ONLY_TABLES)
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(database), who
            ),
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(who),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}"
            ).format(who),
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                tables, who
            ),
            sql.SQL(
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}"
            ).format(who),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement.as_string(cursor.connection))
        self.stdout.write(
            self.style.SUCCESS(
                f"{role} may read and write the portal's tables in {database}; the "
                f"change log and its checkpoints only read and insert. Owner: {owner}."
            )
        )
