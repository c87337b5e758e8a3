/** The signals that stop the service gracefully: SIGTERM (docker stop, systemd, Kubernetes) and SIGINT (Ctrl-C). */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Under `npm start` one stop request can arrive twice: Ctrl-C reaches every process of the terminal's foreground
 * group, and a supervisor may signal the whole group, yet npm relays the signal it received to its child once more.
 * The same signal again within this window is that echo; any later or different stop signal means "stop now".
 */
export const SIGNAL_ECHO_MS = 1000;

/**
 * Calls `stop` on the first stop signal; ignores its echo; exits at once (status 1) on a second request to stop,
 * for an operator who will not wait for in-flight requests.
 */
export function stopOn(signals: readonly NodeJS.Signals[], stop: (signal: NodeJS.Signals) => void, exit: (code: number) => void = process.exit): void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = { signal, at: Date.now() };
      stop(signal);
    } else if (signal !== first.signal || Date.now() - first.at > SIGNAL_ECHO_MS) {
      exit(1);
    }
  };
  for (const signal of signals) process.on(signal, onSignal);
}
