#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the integration tests use, when they are installed but
# down. Prints what it did; fails with the fix when a service is missing altogether.
set -u

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

wait_for() { # name check
  for _ in $(seq 1 30); do "$2" && return 0; sleep 1; done
  echo "ensure-services: $1 did not come up within 30 s" >&2
  return 1
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "ensure-services: starting PostgreSQL $version"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    wait_for PostgreSQL pg_up || exit 1
  else
    echo "ensure-services: PostgreSQL is not running on 127.0.0.1:5432 and is not installed here." >&2
    echo "  Install it (apt-get install postgresql) or point LOOMCYCLE_TEST_DATABASE_URL at one." >&2
    exit 1
  fi
fi

# Vector memory needs pgvector; without it kv memory still works (search answers vector_unsupported).
bash "$(dirname "$0")/ensure-pgvector.sh" || echo "ensure-services: pgvector unavailable; Postgres vector memory tests will skip" >&2

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "ensure-services: starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    wait_for Redis redis_up || exit 1
  else
    echo "ensure-services: Redis is not running on 127.0.0.1:6379 and is not installed (apt-get install redis-server)." >&2
    exit 1
  fi
fi
echo "ensure-services: PostgreSQL and Redis are up"
