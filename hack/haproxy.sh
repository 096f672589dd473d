#!/usr/bin/env bash
# Makes HAProxy available for the tests that put a TCP load balancer in front of several hub
# replicas (no Docker): Debian's haproxy package, installed when missing (as root).
#
# Usage: hack/haproxy.sh   install if needed, print the path of the haproxy binary
set -euo pipefail

log() { echo "haproxy: $*" >&2; }
die() { log "$*"; exit 1; }

if path="$(command -v haproxy)"; then
  echo "${path}"
  exit 0
fi
[[ "$(id -u)" == 0 ]] || die "HAProxy is not installed; run as root: apt-get install haproxy (or sudo hack/haproxy.sh)"
command -v apt-get >/dev/null || die "HAProxy is not installed and there is no apt-get: install HAProxy 2.x so that haproxy is on PATH"
log "installing Debian's haproxy package"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends haproxy >/dev/null
command -v haproxy || die "apt-get installed haproxy but it is not on PATH"
