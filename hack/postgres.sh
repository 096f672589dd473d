#!/usr/bin/env bash
# Makes PostgreSQL available and runs throw-away servers for the tests (no Docker).
#
# PostgreSQL comes from Debian's packages: /usr/lib/postgresql/15/bin when present, else the
# newest /usr/lib/postgresql/*/bin, else `apt-get install postgresql` (as root). A server runs
# in a temporary directory as an unprivileged user (postgres refuses to run as root: as root
# the script creates the system user kubearc-pg and runs the server as it), listens only on a
# unix socket in that directory, trusts local connections and runs with fsync=off: it is for
# tests, never for data that matters. KUBEARC_PG_BINDIR selects another installation's bin
# directory (then nothing is installed).
#
# Usage: hack/postgres.sh [install]   install if needed, print the bin directory
#        hack/postgres.sh start [DIR] start a server in DIR (a new temporary directory when
#                                     omitted; an existing one starts again on its data),
#                                     print its DSN
#        hack/postgres.sh halt DIR    stop the server, keep its data (start DIR resumes it)
#        hack/postgres.sh stop DIR    stop the server and remove DIR
set -euo pipefail

PG_USER="kubearc-pg"
DB_USER="kubearc"

log() { echo "postgres: $*" >&2; }
die() { log "$*"; exit 1; }

# bindir prints the directory of PostgreSQL's server binaries: KUBEARC_PG_BINDIR when set,
# else Debian's, 15 preferred; fails if there are none.
bindir() {
  local dir
  if [[ -n "${KUBEARC_PG_BINDIR:-}" ]]; then
    [[ -x "${KUBEARC_PG_BINDIR}/postgres" ]] || return 1
    echo "${KUBEARC_PG_BINDIR}"
    return
  fi
  if [[ -x /usr/lib/postgresql/15/bin/postgres ]]; then
    echo /usr/lib/postgresql/15/bin
    return
  fi
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -n "${dir}" && -x "${dir}/postgres" ]] || return 1
  echo "${dir}"
}

install() {
  if bindir >/dev/null; then
    bindir
    return
  fi
  [[ -z "${KUBEARC_PG_BINDIR:-}" ]] || die "KUBEARC_PG_BINDIR=${KUBEARC_PG_BINDIR} holds no postgres binary"
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed; run as root: apt-get install postgresql (or sudo make postgres)"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and there is no apt-get: install PostgreSQL 15 so that /usr/lib/postgresql/15/bin/postgres exists"
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  bindir || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/postgres exists"
}

# as_owner runs a command as the user who owns the servers: kubearc-pg under root, else the caller.
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "${PG_USER}" -- "$@"
  else
    "$@"
  fi
}

ensure_owner() {
  [[ "$(id -u)" == 0 ]] || return 0
  id -u "${PG_USER}" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "${PG_USER}" 2>/dev/null ||
    id -u "${PG_USER}" >/dev/null 2>&1 || die "cannot create the system user ${PG_USER}"
}

start() {
  local bin dir="${1:-}"
  bin="$(install)"
  ensure_owner
  if [[ -z "${dir}" ]]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/kubearc-pg.XXXXXX")"
  fi
  mkdir -p "${dir}"
  dir="$(cd "${dir}" && pwd)"
  [[ "$(id -u)" == 0 ]] && chown "${PG_USER}" "${dir}"
  chmod 0755 "${dir}"
  if [[ ! -f "${dir}/data/PG_VERSION" ]]; then
    as_owner "${bin}/initdb" --pgdata="${dir}/data" --username="${DB_USER}" --auth=trust \
      --encoding=UTF8 --no-locale --no-sync >"${dir}/initdb.log" 2>&1 ||
      die "initdb failed: $(tail -5 "${dir}/initdb.log")"
  fi
  as_owner "${bin}/pg_ctl" start --pgdata="${dir}/data" --log="${dir}/server.log" --wait --silent \
    -o "-c listen_addresses='' -c unix_socket_directories='${dir}' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    >/dev/null || die "the server did not start: $(tail -5 "${dir}/server.log")"
  echo "postgres://${DB_USER}@/postgres?host=${dir}&sslmode=disable"
}

# halt stops the server of $1 if it runs, keeping its data.
halt() {
  local dir="${1:?usage: hack/postgres.sh halt DIR}" bin
  [[ -f "${dir}/data/postmaster.pid" ]] || return 0
  bin="$(bindir)" || die "PostgreSQL is not installed"
  as_owner "${bin}/pg_ctl" stop --pgdata="${dir}/data" --mode=fast --wait --silent >/dev/null
}

stop() {
  local dir="${1:?usage: hack/postgres.sh stop DIR}"
  [[ -d "${dir}" ]] || return 0
  [[ -f "${dir}/data/PG_VERSION" || ! -e "${dir}/data" ]] || die "${dir} does not hold a server of hack/postgres.sh"
  halt "${dir}"
  rm -rf "${dir}"
}

case "${1:-install}" in
  install) install ;;
  start) start "${2:-}" ;;
  halt) halt "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) die "unknown command $1; use install, start [DIR], halt DIR or stop DIR" ;;
esac
