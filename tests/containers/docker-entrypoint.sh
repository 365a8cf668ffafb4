#!/bin/sh
# Entrypoint of training-db's locally built PostgreSQL images: a minimal stand-in for the official
# image's entrypoint, covering what testcontainers' PostgresContainer needs (see
# shared/research/postgres-backends.md §6):
#   - POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB honoured on first start (a superuser, like
#     the official image);
#   - password login from outside (scram-sha-256 for every host);
#   - nothing listens while initialising: the database is created in single-user mode, so the
#     readiness probe (psql --host 127.0.0.1) only succeeds once the real server is up;
#   - the server runs in the foreground on 5432, as the unprivileged user postgres.
set -eu
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA

if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown -R postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    pwfile=$(mktemp)
    printf '%s\n' "${POSTGRES_PASSWORD:-}" > "$pwfile"
    if [ -n "${POSTGRES_PASSWORD:-}" ]; then hostauth=scram-sha-256; else hostauth=trust; fi
    initdb -D "$PGDATA" --username="$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 \
        --auth-local=trust --auth-host="$hostauth" --no-sync >/dev/null
    rm -f "$pwfile"
    echo "host all all all $hostauth" >> "$PGDATA/pg_hba.conf"
    if [ "$POSTGRES_DB" != "postgres" ]; then
        echo "CREATE DATABASE \"$POSTGRES_DB\" OWNER \"$POSTGRES_USER\"" \
            | postgres --single -D "$PGDATA" -j postgres >/dev/null
    fi
fi

exec postgres -D "$PGDATA" -c listen_addresses='*' -p 5432 -k /tmp "$@"
