#!/usr/bin/env bash
# Makes the pgvector extension available to the local PostgreSQL, which vector memory needs.
# Debian bookworm ships no pgvector package, so this builds pgvector from Debian's own source
# tarball (the trixie source package, checksum-pinned) against postgresql-server-dev-<major>.
# Idempotent: a no-op when the server already lists `vector` in pg_available_extensions. The
# built tree is cached outside the repository (~/.cache/loomcycle/pgvector-<version>), so a
# re-install after an upgrade skips download and compile. Needs root for apt-get / make install.
# Never fatal for the caller: on failure it says why and exits 1; kv memory still works and the
# Postgres vector path answers vector_unsupported.
set -u

PGVECTOR_VERSION="${PGVECTOR_VERSION:-0.8.0}"
PGVECTOR_SHA256="867a2c328d4928a5a9d6f052cd3bc78c7d60228a9b914ad32aa3db88e9de27b0"
PG_HOST="${PGHOST:-127.0.0.1}"
PG_USER="${PGUSER:-postgres}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/loomcycle/pgvector-${PGVECTOR_VERSION}"
TARBALL="pgvector_${PGVECTOR_VERSION}.orig.tar.gz"

say() { echo "ensure-pgvector: $*"; }
fail() { echo "ensure-pgvector: $*" >&2; exit 1; }

vector_available() {
  psql -h "$PG_HOST" -U "$PG_USER" -d postgres -Atc \
    "select 1 from pg_available_extensions where name = 'vector'" 2>/dev/null | grep -q 1
}

server_major() {
  psql -h "$PG_HOST" -U "$PG_USER" -d postgres -Atc "show server_version_num" 2>/dev/null \
    | awk '{ print int($1 / 10000) }'
}

# The apt mirror this machine is configured with (deb822 URIs: or one-line deb entries).
debian_mirror() {
  local url
  url=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | awk '{ print $2 }' | grep -E '/debian/?$' | head -n 1)
  if [ -z "$url" ]; then
    url=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '{ print $2 }' | grep -E '/debian/?$' | head -n 1)
  fi
  echo "${url:-http://deb.debian.org/debian}" | sed 's:/*$::'
}

ensure_build_deps() { # major
  if [ -f "/usr/include/postgresql/$1/server/postgres.h" ] && command -v make >/dev/null && command -v gcc >/dev/null; then
    return 0
  fi
  say "installing postgresql-server-dev-$1 and build-essential"
  apt-get install -y --no-install-recommends "postgresql-server-dev-$1" build-essential >/dev/null \
    || fail "apt-get install postgresql-server-dev-$1 build-essential failed (run as root with apt reachable)"
}

fetch_source() {
  mkdir -p "$CACHE_DIR" || fail "cannot create $CACHE_DIR"
  if [ ! -f "$CACHE_DIR/$TARBALL" ]; then
    local url
    url="$(debian_mirror)/pool/main/p/pgvector/$TARBALL"
    say "downloading $url"
    curl -sSfL -o "$CACHE_DIR/$TARBALL.part" "$url" || fail "download failed: $url"
    mv "$CACHE_DIR/$TARBALL.part" "$CACHE_DIR/$TARBALL"
  fi
  echo "$PGVECTOR_SHA256  $CACHE_DIR/$TARBALL" | sha256sum -c --status \
    || { rm -f "$CACHE_DIR/$TARBALL"; fail "checksum mismatch for $TARBALL (removed; re-run to download again)"; }
}

build_and_install() { # major
  local pg_config="/usr/lib/postgresql/$1/bin/pg_config"
  local src="$CACHE_DIR/pg$1/pgvector-${PGVECTOR_VERSION}"
  if [ ! -f "$src/vector.so" ]; then
    mkdir -p "$CACHE_DIR/pg$1" && tar xzf "$CACHE_DIR/$TARBALL" -C "$CACHE_DIR/pg$1" || fail "cannot unpack $TARBALL"
    say "building pgvector $PGVECTOR_VERSION for PostgreSQL $1"
    # OPTFLAGS="" drops -march=native (as Debian's own package does) so the cached build is portable.
    make -C "$src" PG_CONFIG="$pg_config" OPTFLAGS="" >"$CACHE_DIR/build.log" 2>&1 \
      || fail "make failed; see $CACHE_DIR/build.log"
  fi
  make -C "$src" install PG_CONFIG="$pg_config" >>"$CACHE_DIR/build.log" 2>&1 \
    || fail "make install failed; see $CACHE_DIR/build.log"
}

if vector_available; then
  say "pgvector already available"
  exit 0
fi
major=$(server_major)
[ -n "$major" ] && [ "$major" -gt 0 ] || fail "PostgreSQL is not reachable on $PG_HOST as $PG_USER"
ensure_build_deps "$major"
fetch_source
build_and_install "$major"
vector_available || fail "built and installed pgvector, but PostgreSQL $major still does not list it"
say "pgvector $PGVECTOR_VERSION installed for PostgreSQL $major"
