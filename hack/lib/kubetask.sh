# shellcheck shell=bash
# Starting KubeTask itself on top of the stack: `hack/stack up --kubetask`.
# Sourced by hack/stack; called after every stack component is ready and
# .stack/env has been written.
#
# TODO(kubetask): implement start_kubetask. Contract with hack/stack:
#   - components are named "operator" and "worker"; start each with
#       start_component operator <command...>
#     (an executable such as java, not a shell function), which detaches it,
#     logs to .stack/logs/operator.log and writes .stack/pids/operator.pid (the
#     pid is also its process group, so `down` stops a wrapper together with its
#     children). A pid file written some other way works too, if it is written
#     after the process started (a pid file older than its process counts as stale);
#   - skip a component that already runs:  component_pid operator >/dev/null && ...
#   - wait for readiness with:  wait_until operator "operator ready" <probe command...>
#     (fails with the log tail on timeout or if the process dies);
#   - the environment of .stack/env is already exported here (KUBECONFIG,
#     TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, KUBETASK_STACK_BIN, PATH ...) and
#     $REPO_ROOT / $STACK_DIR point at the repository and .stack/.
# `hack/stack down` and `hack/stack status` already handle both names.

start_kubetask() {
  die "hack/stack up --kubetask: start_kubetask in hack/lib/kubetask.sh is not implemented yet (TODO)"
}
