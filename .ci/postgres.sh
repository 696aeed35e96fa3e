#!/usr/bin/env bash
# A PostgreSQL server for the store tests (CI, as root): installs Debian's
# postgresql if it is missing, starts its cluster, makes a role that may
# create databases (each test makes its own) and prints the line to eval:
#
#   eval "$(.ci/postgres.sh)"     # sets SOFTMAX_TEST_PG_URL
#
# The role's password is made once per machine. Everything else goes to stderr.
set -euo pipefail
role=softmax_test

if [ "$(id -u)" != 0 ]; then
  echo "postgres.sh: run as root (it installs and starts the server)" >&2
  exit 1
fi
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi

# the newest installed version's cluster; created when the package made none
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk -v v="$version" '$1 == v' | grep -q .; then
  pg_createcluster "$version" main >&2
fi
cluster=$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $2; exit}')
port=$(pg_lsclusters -h | awk -v v="$version" '$1 == v {print $3; exit}')
if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c' \
    | grep -q online; then
  pg_ctlcluster "$version" "$cluster" start >&2
fi

# one password per machine, kept beside the cluster (root only): a second call
# (another job on the same machine) must not lock out the first one's URL
secret_file=/var/lib/postgresql/.softmax_test_password
if [ ! -s "$secret_file" ]; then
  (umask 077; od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$secret_file")
fi
password=$(cat "$secret_file")
runuser -u postgres -- psql -q -p "$port" -v ON_ERROR_STOP=1 >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
    CREATE ROLE $role LOGIN CREATEDB;
  END IF;
END \$\$;
ALTER ROLE $role WITH LOGIN CREATEDB PASSWORD '$password';
-- DROP DATABASE ... WITH (FORCE) may then end an autovacuum worker in a test's database
GRANT pg_signal_backend TO $role;
SQL
if ! runuser -u postgres -- psql -p "$port" -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$role'" | grep -q 1; then
  runuser -u postgres -- createdb -p "$port" -O "$role" "$role" >&2
fi

url="postgresql+psycopg://$role:$password@127.0.0.1:$port/$role"
# the server answers over TCP with that password
runuser -u postgres -- env PGPASSWORD="$password" \
  psql "postgresql://$role@127.0.0.1:$port/$role" -tAc "SELECT 1" >/dev/null
echo "export SOFTMAX_TEST_PG_URL='$url'"
