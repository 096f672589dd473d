# Shared by hack/envtest.sh and hack/flux.sh: build upstream binaries once, keep a copy outside
# the work tree (so a fresh clone on the same machine, as in CI, skips the build), restore it.
# The sourcing script defines ASSETS, CACHE, log() and up_to_date().

# restore copies the cached binaries in by rename, so that a binary a running test executes is
# replaced, not overwritten ("Text file busy").
restore() {
  local f name
  for f in "${CACHE}"/*; do
    name="$(basename "${f}")"
    cp -a "${f}" "${ASSETS}/.${name}.tmp" && mv -f "${ASSETS}/.${name}.tmp" "${ASSETS}/${name}"
  done
}

# ensure_built prints ASSETS once up_to_date holds: at once, after restoring the cache, or
# after running the build function $1 and caching what it built.
ensure_built() {
  local build_all="$1"
  if up_to_date; then
    echo "${ASSETS}"
    return
  fi
  mkdir -p "${ASSETS}"
  if [[ -d "${CACHE}" ]]; then
    restore
    if up_to_date; then
      log "restored from ${CACHE}"
      echo "${ASSETS}"
      return
    fi
  fi
  "${build_all}"
  up_to_date || { log "the built binaries do not report the expected versions"; exit 1; }
  mkdir -p "${CACHE}" && cp -a "${ASSETS}/." "${CACHE}/"
  log "ready in ${ASSETS} (cached in ${CACHE})"
  echo "${ASSETS}"
}
