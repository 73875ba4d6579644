# shellcheck shell=bash
# Starting KubeTask itself on top of the stack: `hack/stack up --kubetask`.
# Sourced by hack/stack; called after every stack component is ready and .stack/env is written
# (its variables are exported here).
#
# The operator and the worker run as two processes of the one KubeTask jar (app/), as they do in a
# cluster, each serving /metrics, /healthz and /readyz on its own port.

KUBETASK_JAR=$REPO_ROOT/app/target/kubetask.jar
OPERATOR_HTTP_PORT=${KUBETASK_STACK_OPERATOR_PORT:-8080}
WORKER_HTTP_PORT=${KUBETASK_STACK_WORKER_PORT:-8081}

# Builds the KubeTask jar when it is missing or older than any source.
build_kubetask() {
  if [[ ! -f $KUBETASK_JAR ]] || [[ -n $(find "$REPO_ROOT"/{pom.xml,api,workflows,operator,worker,app} \
    -path '*/target' -prune -o -type f -newer "$KUBETASK_JAR" -print -quit) ]]; then
    log "kubetask: building app/target/kubetask.jar (mvn package)"
    (cd "$REPO_ROOT" && mvn -B -q -ntp -DskipTests package -pl app -am) ||
      die "kubetask: the Maven build failed"
  fi
}

http_port_operator() { echo "$OPERATOR_HTTP_PORT"; }
http_port_worker() { echo "$WORKER_HTTP_PORT"; }
# Used by `hack/stack status` too: ready means every check of /readyz passes (Temporal reachable,
# the operator started / the worker polling).
ready_operator() { curl_quiet -o /dev/null "http://127.0.0.1:$OPERATOR_HTTP_PORT/readyz"; }
ready_worker() { curl_quiet -o /dev/null "http://127.0.0.1:$WORKER_HTTP_PORT/readyz"; }

# start_kubetask_process MODE: runs `java -jar kubetask.jar MODE` as component MODE.
start_kubetask_process() {
  local mode=$1 port
  port=$("http_port_$mode")
  if port_in_use "$port"; then
    describe_port_owner "$port" >&2
    die "$mode: port 127.0.0.1:$port is in use (set KUBETASK_STACK_${mode^^}_PORT to another)"
  fi
  # The image's JVM settings, with the memory deploy/ gives a container (512Mi) in place of a
  # cgroup limit, which a plain process does not have.
  start_component "$mode" env KUBETASK_TEMPORAL_UI_URL="$TEMPORAL_UI_URL" \
    KUBETASK_HTTP_ADDRESS="127.0.0.1:$port" \
    java @"$REPO_ROOT/app/jvm.options" -XX:MaxRAM=512m -jar "$KUBETASK_JAR" "$mode"
  wait_until "$mode" "$mode ready (http://127.0.0.1:$port/readyz)" "ready_$mode"
}

start_kubetask() {
  build_kubetask
  # The operator watches KubeTask's kinds, so their CRDs must exist before it starts.
  kubectl_admin apply --server-side --force-conflicts --field-manager=hack-stack \
    -f "$REPO_ROOT/deploy/crds" >/dev/null
  kubectl_admin wait --for=condition=Established --timeout=60s -f "$REPO_ROOT/deploy/crds" >/dev/null

  component_pid worker >/dev/null || start_kubetask_process worker
  component_pid operator >/dev/null || start_kubetask_process operator
}
