# shellcheck shell=bash
# Starting KubeTask itself on top of the stack: `hack/stack up --kubetask`.
# Sourced by hack/stack; called after every stack component is ready and .stack/env is written
# (its variables are exported here).

OPERATOR_JAR=$REPO_ROOT/operator/target/kubetask-operator-0.1.0-SNAPSHOT-all.jar
WORKER_JAR=$REPO_ROOT/worker/target/kubetask-worker-0.1.0-SNAPSHOT-all.jar

# Builds the operator and worker jars when they are missing or older than any source.
build_kubetask() {
  local stale=false jar
  for jar in "$OPERATOR_JAR" "$WORKER_JAR"; do
    if [[ ! -f $jar ]] || [[ -n $(find "$REPO_ROOT"/{pom.xml,api,workflows,operator,worker} \
      -path '*/target' -prune -o -type f -newer "$jar" -print -quit) ]]; then
      stale=true
    fi
  done
  if $stale; then
    log "kubetask: building the operator and worker (mvn package)"
    (cd "$REPO_ROOT" && mvn -B -q -ntp -DskipTests package -pl operator,worker -am) ||
      die "kubetask: the Maven build failed"
  fi
}

# Whether the current run of a component (its log since the last start marker) says $2.
log_has() { tac "$(log_file "$1")" | sed '/^===== /q' | grep -q "$2"; }

start_kubetask() {
  build_kubetask
  # The operator watches KubeTask's kinds, so their CRDs must exist before it starts.
  kubectl_admin apply --server-side --force-conflicts --field-manager=hack-stack \
    -f "$REPO_ROOT/deploy/crds" >/dev/null
  kubectl_admin wait --for=condition=Established --timeout=60s -f "$REPO_ROOT/deploy/crds" >/dev/null

  if ! component_pid worker >/dev/null; then
    start_component worker env KUBETASK_TEMPORAL_UI_URL="$TEMPORAL_UI_URL" java -jar "$WORKER_JAR"
    wait_until worker "worker ready" log_has worker 'KubeTask worker polling'
  fi
  if ! component_pid operator >/dev/null; then
    start_component operator java -jar "$OPERATOR_JAR"
    wait_until operator "operator ready" log_has operator 'KubeTask operator started'
  fi
}
