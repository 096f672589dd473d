# Shared by hack/envtest.sh, hack/flux.sh and hack/gatekeeper.sh: build upstream binaries once,
# keep a copy outside the work tree (so a fresh clone on the same machine, as in CI, skips the
# build), restore it. The sourcing script defines ASSETS, CACHE, log() and up_to_date().

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

# write_wrapper writes, in directory $1, a throwaway module named $2 that builds a main package
# of module $3 at version $4 (with its leading v): it requires that module, the extra
# "module@version" requirements in $5 (for versions the proxy refuses with 403), and repeats the
# module's replace directives that point at other modules (Go ignores a dependency's replaces;
# the local ones, such as ./api, are dropped).
write_wrapper() {
  local dir="$1" name="$2" module="$3" version="$4" extra="$5" gomod req
  mkdir -p "${dir}"
  gomod="$(go mod download -json "${module}@${version}" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')"
  [[ -n "${gomod}" ]] || { log "the module proxy does not serve ${module}@${version}"; exit 1; }
  {
    echo "module ${name}"
    echo
    sed -n 's/^go \(.*\)/go \1/p' "${gomod}"
    echo
    echo "require ${module} ${version}"
    for req in ${extra}; do echo "require ${req%@*} ${req#*@}"; done
    echo
    # Single-line and block replaces, minus the local ones.
    awk '/^replace \(/{b=1; next} b&&/^\)/{b=0; next}
         b{print "replace " $0; next} /^replace /{print}' "${gomod}" | grep -v '=> \.' || true
  } > "${dir}/go.mod"
}

# build_main builds the main package $2 of the wrapper module in $1 into the binary $3, static
# and stripped; $4 adds -ldflags (such as -X for a version variable).
build_main() {
  local dir="$1" pkg="$2" out="$3" ldflags="${4:-}" start
  log "building ${pkg} (the first build takes several minutes)"
  start="$(date +%s)"
  (cd "${dir}" && GOFLAGS=-mod=mod GOPROXY="${GOPROXY:-https://proxy.golang.org}" CGO_ENABLED=0 \
    go build -trimpath -ldflags "-s -w ${ldflags}" -o "${out}" "${pkg}")
  log "built ${pkg} in $(( $(date +%s) - start ))s"
}
