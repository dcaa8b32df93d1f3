#!/bin/sh
# Make PostgreSQL with PostGIS available to the database tests (tests/pg/conftest.py finds it).
# Debian's packages when running as root on Debian; otherwise the tests say so and skip.
set -eu
have_postgis() {
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [ -x "$bin" ] || continue
        version=$(basename "$(dirname "$(dirname "$bin")")")
        if [ -f "/usr/share/postgresql/$version/extension/postgis.control" ]; then
            return 0
        fi
    done
    return 1
}
if have_postgis; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "postgres: installing Debian's postgresql and postgis packages"
    # Wait for another apt (e.g. the chromium install) to release its lock.
    apt-get update -qq -o DPkg::Lock::Timeout=300
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
        --no-install-recommends postgresql postgresql-postgis >/dev/null
    exit 0
fi
echo "postgres: no PostgreSQL with PostGIS and no root apt-get; the database tests will be skipped"
