#!/bin/sh
# Runs once, when the db volume is first initialised (postgres image entrypoint).
# Creates the role the web, worker and beat containers connect as. The tables belong
# to POSTGRES_USER (`aims`, used by the migrate service only); `manage.py
# grant_app_role aims_app`, run by migrate after every migration, lets aims_app read
# and write them but only read and insert the change log and its checkpoints, so the
# application cannot switch the append-only triggers off or rewrite history.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$POSTGRES_APP_PASSWORD" \
     --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
CREATE ROLE aims_app LOGIN PASSWORD :'app_password';
SQL
