package io.kubetask.workflows.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The human-in-the-loop wrapper: runs the agent command exactly as its argv says, then keeps the
 * container alive so a human can {@code kubectl exec} into it, and finally exits with the agent's
 * exit code so the Job's outcome is the agent's outcome.
 *
 * <p>The argv is passed to {@code sh -c} as positional parameters and run as {@code "$@"}, so no
 * quoting or joining ever touches it. The window ends after {@code KUBETASK_KEEP_ALIVE_SECONDS},
 * when the pod gets the {@code kubetask.io/release} annotation (read through a downward-API file),
 * or on SIGTERM. The exit-code file turns the readiness probe green, which is how KubeTask learns
 * that the agent command has ended.
 */
public final class KeepAlive {
  public static final String STATE_DIR = "/kubetask/state";
  public static final String POD_INFO_DIR = "/kubetask/pod";
  public static final String EXIT_CODE_FILE = "exit-code";
  public static final String ANNOTATIONS_FILE = "annotations";
  public static final String ENV = "KUBETASK_KEEP_ALIVE_SECONDS";

  private KeepAlive() {}

  /** The container command: {@code sh -c <script> kubetask-agent <argv...>}. */
  public static List<String> wrap(List<String> argv) {
    List<String> command =
        new ArrayList<>(List.of("sh", "-c", script(STATE_DIR, POD_INFO_DIR), "kubetask-agent"));
    command.addAll(argv);
    return command;
  }

  /** The readiness probe command: ready once the agent command has ended. */
  public static List<String> probe() {
    return List.of("sh", "-c", "test -f " + STATE_DIR + "/" + EXIT_CODE_FILE);
  }

  /** The wrapper script, with its directories as parameters so tests can run it anywhere. */
  public static String script(String stateDir, String podInfoDir) {
    return String.join(
        "\n",
        // SIGTERM goes to PID 1, this shell. While the agent runs, pass it on (a foreground
        // command would defer the trap until the agent ends by itself, or is SIGKILLed); after
        // that, end the window with the agent's code.
        "trap 'if [ -n \"$agent_done\" ]; then exit \"$code\"; fi;"
            + " stopping=1; retry=1; kill -TERM \"$pid\" 2>/dev/null' TERM INT",
        // Without job control sh gives a background command /dev/null as stdin: hand it ours.
        "exec 3<&0",
        "\"$@\" <&3 3<&- &",
        "pid=$!",
        "exec 3<&-",
        "wait \"$pid\"",
        "code=$?",
        // A trapped signal interrupts wait (status > 128): wait again for the agent's own code.
        "while [ -n \"$retry\" ]; do retry=; wait \"$pid\"; s=$?; [ \"$s\" -eq 127 ] || code=$s; done",
        "agent_done=1",
        "echo \"$code\" > '" + stateDir + "/" + EXIT_CODE_FILE + "'",
        "[ -z \"$stopping\" ] || exit \"$code\"",
        "echo \"kubetask: the agent exited with code $code; the container stays for"
            + " ${"
            + ENV
            + "}s for kubectl exec."
            + " End it early: kubectl annotate task $TASK_NAME kubetask.io/release=true\"",
        "end=$(( $(date +%s) + ${" + ENV + ":-3600} ))",
        "while [ \"$(date +%s)\" -lt \"$end\" ]; do",
        "  if grep -q '^kubetask.io/release=' '"
            + podInfoDir
            + "/"
            + ANNOTATIONS_FILE
            + "' 2>/dev/null; then",
        "    echo 'kubetask: released'",
        "    break",
        "  fi",
        "  sleep 1",
        "done",
        "exit \"$code\"");
  }
}
