# shellcheck shell=bash disable=SC2034  # HELM_* are used by build.sh and hack/stack
# Helm, for the end-to-end deploy suite (it renders deploy/helm/kubetask). No package registry
# here serves a helm binary, so it is built from the Go module proxy, like kwok:
#   $CACHE/helm-<v>/helm
# helm v3's go.mod has no replace directives, so a plain `go install` works. Sourced by hack/stack.

HELM_VERSION=v3.22.0
HELM_BIN=$CACHE/helm-$HELM_VERSION

helm_cached() { [[ -x $HELM_BIN/helm ]]; }

build_helm() {
  local out=$1
  require_go
  # helm prints its version from these variables; without them `helm version` says v3.22.
  local v=helm.sh/helm/v3/internal/version
  (cd "$out" && GOBIN=$out CGO_ENABLED=0 measured "$out" go install -trimpath \
    -ldflags "-s -w -X $v.version=$HELM_VERSION -X $v.gitTreeState=clean" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") || return 1
  [[ $(HELM_CONFIG_HOME=$out/.config "$out/helm" version --template '{{.Version}}') == "$HELM_VERSION" ]] &&
    rm -rf "$out/.config"
}
