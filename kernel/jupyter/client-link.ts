/**
 * Adapts the child-process kernel client (kernel/client.ts) to what the Jupyter front end
 * needs. After an unexpected death of the executor (the client has already ended the running
 * cell with an error that says how it died), a fresh executor is started at once, so the next
 * cell does not pay for the start.
 */
import type { ExecuteHandlers, KernelClient } from "../client.js";
import type { CellOutput, ExecutorLink, ExploreListeners } from "./executor-link.js";

/**
 * How long the Jupyter kernel's shutdown waits for the client's before exiting anyway (the
 * client itself kills the executor after its own `EXECUTOR_KILL_GRACE_MS`).
 */
const KERNEL_EXIT_WAIT_MS = 300;

/**
 * An executor that dies again within this long of an eager restart is not restarted eagerly
 * again (the next request starts it), so a broken executor does not respawn in a loop.
 */
const RESTART_INTERVAL_MS = 5_000;

export function linkKernelClient(
  client: KernelClient,
  log: (text: string) => void,
  now: () => number = () => performance.now(),
): ExecutorLink {
  let stopping = false;
  let lastRestart = Number.NEGATIVE_INFINITY;
  const explore = new Set<ExploreListeners>();
  client.onExplore((event) => explore.forEach((l) => l.answer(event)));
  client.onExit((info) => {
    for (const l of explore) l.reset(`${info.message} Run the cell again to explore.`);
    if (info.expected || stopping) return;
    if (now() - lastRestart < RESTART_INTERVAL_MS) {
      log(`${info.message} It died again soon after a restart: the next request will start it.`);
      return;
    }
    lastRestart = now();
    log(`${info.message} Starting a fresh executor.`);
    client
      .start()
      .catch((error: unknown) => log(`restarting the executor failed: ${String(error)}`));
  });
  return {
    ready: async () => (await client.start()).versions,
    async execute(code, silent, onOutput, onInput) {
      const forward = (output: CellOutput): void => onOutput(output);
      const handlers: ExecuteHandlers = {
        onStream: forward,
        onDisplay: forward,
        onResult: forward,
        onError: forward,
        onClear: forward,
        ...(onInput ? { onInput } : {}),
      };
      const done = await client.execute(code, handlers, { silent });
      return { status: done.status };
    },
    complete: (code, cursor) => client.complete(code, cursor),
    inspect: (code, cursor, detailLevel) => client.inspect(code, cursor, detailLevel),
    isComplete: (code) => client.isComplete(code),
    diagnose: async (code) => (await client.diagnose(code)).diagnostics,
    interrupt: () => client.interrupt(),
    exploreMove: (viewId, seq, x) => client.exploreMove(viewId, seq, x),
    exploreRelease: (viewId) => client.exploreRelease(viewId),
    onExplore: (listeners) => explore.add(listeners),
    /** Asks the executor to stop; past a short grace the kernel exits anyway and kills it. */
    async shutdown() {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>(
        (resolve) => (timer = setTimeout(resolve, KERNEL_EXIT_WAIT_MS)),
      );
      await Promise.race([client.shutdown(), grace]);
      clearTimeout(timer);
    },
  };
}
