# shellcheck shell=bash
# How each stack component is started and when it counts as ready. Sourced by hack/stack.
# For component NAME: start_NAME launches it (through start_component), ready_NAME
# is a single cheap readiness probe, and ports_NAME lists the ports it listens on.

kubectl_admin() { "$K8S_BIN/kubectl" --kubeconfig="$ADMIN_KUBECONFIG" "$@"; }
curl_quiet() { curl -fsS --max-time 3 "$@" 2>/dev/null; }

# ensure NAME: start NAME unless its recorded pid is alive, then wait until ready.
# This is what makes `up` idempotent per component: after a crash (or kill -9)
# only the dead component is started again.
ensure() {
  local name=$1 pid start
  start=$(now)
  if pid=$(component_pid "$name"); then
    if "ready_$name" >/dev/null 2>&1; then
      log "$name: already running (pid $pid)"
      return 0
    fi
    log "$name: running (pid $pid) but not ready yet, waiting"
  else
    if [[ -e $(pid_file "$name") ]]; then
      log "$name: pid file is stale (process gone), removing it"
      rm -f "$(pid_file "$name")"
    fi
    check_ports_free "$name"
    "start_$name"
  fi
  wait_until "$name" "$name to become ready" "ready_$name"
  log "$name: ready after $(since "$start") s"
}

# A port held by someone else would only show up later as a confusing readiness
# timeout; fail now and say who holds it.
check_ports_free() {
  local port
  for port in $("ports_$1"); do
    if port_in_use "$port"; then
      describe_port_owner "$port" >&2
      die "$1: port 127.0.0.1:$port is already in use by a process hack/stack did not start"
    fi
  done
}

# --- etcd ----------------------------------------------------------------------
ports_etcd() { echo "$ETCD_PORT $ETCD_PEER_PORT"; }
ready_etcd() { [[ $(curl_quiet "http://127.0.0.1:$ETCD_PORT/health") == *'"health":"true"'* ]]; }
start_etcd() {
  # --unsafe-no-fsync: test data, and fsync latency dominates on CI disks (envtest does the same).
  start_component etcd "$ETCD_BIN/etcd" --name=kubetask --data-dir="$STACK_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="kubetask=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync=true --auto-compaction-retention=1 --quota-backend-bytes=2147483648 \
    --log-level=warn
}

# --- kube-apiserver --------------------------------------------------------------
ports_apiserver() { echo "$APISERVER_PORT"; }
ready_apiserver() {
  [[ $(curl_quiet --cacert "$PKI_DIR/ca.crt" --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz") == ok ]]
}
start_apiserver() {
  # --advertise-address: without it the apiserver looks for a default-route
  #   interface, which CI sandboxes may not have.
  # ServiceAccount admission off (as in envtest): pods do not wait for the
  #   "default" ServiceAccount and get no token volume (there is no kubelet).
  # --endpoint-reconciler-type=none: no "kubernetes" Endpoints pointing at 127.0.0.1.
  start_component apiserver "$K8S_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --advertise-address=127.0.0.1 --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI_DIR/apiserver.crt" --tls-private-key-file="$PKI_DIR/apiserver.key" \
    --client-ca-file="$PKI_DIR/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI_DIR/sa.key" --service-account-signing-key-file="$PKI_DIR/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --authorization-mode=RBAC \
    --disable-admission-plugins=ServiceAccount \
    --allow-privileged=true \
    --endpoint-reconciler-type=none --enable-priority-and-fairness=false --profiling=false --v=1
}

# --- kube-controller-manager -----------------------------------------------------
# Only the controllers KubeTask's Jobs and tests need. Left out on purpose:
# taint-eviction (would evict pods if the fake node ever looked unhealthy),
# serviceaccount-token and the certificate signers (no PKI for them).
KCM_CONTROLLERS=job-controller,cronjob-controller,garbage-collector-controller
KCM_CONTROLLERS+=,ttl-after-finished-controller,namespace-controller,serviceaccount-controller
KCM_CONTROLLERS+=,node-lifecycle-controller,pod-garbage-collector-controller
KCM_CONTROLLERS+=,clusterrole-aggregation-controller
ports_kcm() { echo "$KCM_PORT"; }
ready_kcm() { [[ $(curl_quiet -k "https://127.0.0.1:$KCM_PORT/healthz") == ok ]]; }
start_kcm() {
  start_component kcm "$K8S_BIN/kube-controller-manager" \
    --kubeconfig="$ADMIN_KUBECONFIG" \
    --authentication-kubeconfig="$ADMIN_KUBECONFIG" --authorization-kubeconfig="$ADMIN_KUBECONFIG" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
    --controllers="$KCM_CONTROLLERS" \
    --node-monitor-period=5s --node-monitor-grace-period=40s \
    --use-service-account-credentials=false --v=1
}

# --- kube-scheduler --------------------------------------------------------------
# kwok does not schedule, it only drives pods bound to a node it manages.
ports_scheduler() { echo "$SCHEDULER_PORT"; }
ready_scheduler() { [[ $(curl_quiet -k "https://127.0.0.1:$SCHEDULER_PORT/healthz") == ok ]]; }
start_scheduler() {
  start_component scheduler "$K8S_BIN/kube-scheduler" \
    --kubeconfig="$ADMIN_KUBECONFIG" \
    --authentication-kubeconfig="$ADMIN_KUBECONFIG" --authorization-kubeconfig="$ADMIN_KUBECONFIG" \
    --leader-elect=false --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" --v=1
}

# --- kwok ------------------------------------------------------------------------
ports_kwok() { echo "$KWOK_PORT"; }
ready_kwok() { [[ $(curl_quiet "http://127.0.0.1:$KWOK_PORT/healthz") == ok ]]; }
start_kwok() {
  # kwok needs every stage up front: the stock node/pod stages cached with the
  # binary plus ours. Assembled at each start so edits to hack/kwok/ take effect.
  # kwok's stock pod-ready stage is kept off pods labelled kubetask.test/waiting-reason, whose
  # containers ours keep waiting; its pod-delete stage off deleted pods still Pending or Running,
  # which ours end first, as a kubelet does.
  local f
  for f in "$KWOK_BIN"/stages/*.yaml "$REPO_ROOT/hack/kwok/pod-stages.yaml"; do
    printf -- '---\n'
    if [[ $(basename "$f") == pod-ready.yaml ]]; then
      awk '{ print } /^    matchExpressions:$/ && !done {
        print "    - key: '"'"'.metadata.labels[\"kubetask.test/waiting-reason\"]'"'"'"
        print "      operator: '"'"'DoesNotExist'"'"'"
        done = 1 }' "$f"
    elif [[ $(basename "$f") == pod-delete.yaml ]]; then
      awk '{ print } /^    matchExpressions:$/ && !done {
        print "    - key: '"'"'.status.phase'"'"'"
        print "      operator: '"'"'NotIn'"'"'"
        print "      values: [Pending, Running]"
        done = 1 }' "$f"
    else
      cat "$f"
    fi
  done >"$STACK_DIR/kwok.yaml"
  # Each kwok process has a random lease holder identity, so a new kwok cannot
  # renew the node Lease of a dead one until it expires (40 s, then up to 10 s
  # more before kwok retries): long enough for node-lifecycle to mark the node
  # NotReady and taint it. No kwok runs now, so the Lease is stale: delete it and
  # kwok creates a fresh one at once.
  kubectl_admin -n kube-node-lease delete lease kwok-node-0 --ignore-not-found --wait=false >/dev/null
  # KWOK_WORKDIR: keeps kwok from also loading a developer's ~/.kwok/kwok.yaml.
  # --server-address: without it kwok binds 0.0.0.0:--node-port.
  # --node-lease-duration-seconds + node-heartbeat-with-lease: kwok renews the
  #   node Lease, which the node-lifecycle controller takes as the heartbeat.
  start_component kwok env KWOK_WORKDIR="$STACK_DIR/kwok" "$KWOK_BIN/kwok" \
    --kubeconfig="$ADMIN_KUBECONFIG" --config="$STACK_DIR/kwok.yaml" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-port="$KWOK_PORT" --server-address="127.0.0.1:$KWOK_PORT" \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16
}

# The fake node lives in etcd, so it survives `down`/`up`; create it when missing
# and wait until it is Ready with no taints (the apiserver adds
# node.kubernetes.io/not-ready at creation; node-lifecycle removes it).
ensure_node() {
  local start
  start=$(now)
  if ! kubectl_admin get node kwok-node-0 >/dev/null 2>&1; then
    kubectl_admin create -f "$REPO_ROOT/hack/kwok/node.yaml" >/dev/null
    log "node: created kwok-node-0"
  fi
  wait_until kwok "node kwok-node-0 to be Ready without taints" node_ready
  log "node: kwok-node-0 Ready, no taints ($(since "$start") s)"
}
node_ready() {
  [[ $(kubectl_admin get node kwok-node-0 --request-timeout=5s \
    -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.spec.taints}') == True/ ]]
}

# --- Temporal dev server -----------------------------------------------------------
ports_temporal() { echo "$TEMPORAL_PORT $TEMPORAL_UI_PORT $TEMPORAL_HTTP_PORT $TEMPORAL_METRICS_PORT"; }
# Probes ignore any temporal config file / TEMPORAL_* settings of the caller.
temporal_cli() {
  "$TEMPORAL_VENV/bin/temporal" "$@" --address "127.0.0.1:$TEMPORAL_PORT" --command-timeout 3s \
    --disable-config-file --disable-config-env
}
ready_temporal() {
  [[ $(temporal_cli operator cluster health) == *SERVING* ]] &&
    temporal_cli operator namespace describe --namespace default >/dev/null &&
    curl_quiet -o /dev/null "$TEMPORAL_UI_URL/"
}
start_temporal() {
  # SQLite in the run dir, so workflows and schedules survive down/up. Write-ahead logging with
  # normal syncs: a commit no longer waits for an fsync of the whole database, which roughly
  # halves a burst of workflow starts on this stack (a crash of the machine may lose the newest
  # transactions; a killed server loses nothing). KUBETASK_TEMPORAL_SQLITE_PRAGMAS="" turns them
  # off, to measure without them.
  local pragma pragmas=()
  for pragma in ${KUBETASK_TEMPORAL_SQLITE_PRAGMAS-journal_mode=wal synchronous=normal}; do
    pragmas+=(--sqlite-pragma "$pragma")
  done
  # The Web UI stays on (no --headless) for humans; news fetch is off (no internet).
  start_component temporal "$TEMPORAL_VENV/bin/temporal" server start-dev \
    --ip 127.0.0.1 --port "$TEMPORAL_PORT" --http-port "$TEMPORAL_HTTP_PORT" \
    --metrics-port "$TEMPORAL_METRICS_PORT" \
    --ui-ip 127.0.0.1 --ui-port "$TEMPORAL_UI_PORT" --ui-disable-news-fetch \
    --db-filename "$STACK_DIR/temporal.db" --namespace default "${pragmas[@]}"
}
