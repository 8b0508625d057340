/**
 * `cotangent kernel <connection_file>`: the Jupyter kernel process. It starts the executor
 * first (the slow part: loading TypeScript) and binds the sockets while it warms up. SIGINT
 * (kernelspec `interrupt_mode: signal`) interrupts the running cell; SIGTERM shuts down.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { createKernelClient, type SpawnFn } from "../client.js";
import { linkKernelClient } from "./client-link.js";
import { parseConnectionInfo } from "./connection.js";
import { JupyterKernel } from "./handler.js";
import { executorPath, packageRoot } from "../paths.js";
import type { KernelSockets } from "./sockets.js";

const log = (text: string): void => {
  process.stderr.write(`[cotangent kernel] ${text}\n`);
};

/** Executors started by this process, killed when it exits however it exits. */
const executors = new Set<ChildProcess>();

/**
 * The executor gets its own process group: Jupyter delivers SIGINT to the kernel's whole group,
 * and the kernel forwards the interrupt itself (a second, direct SIGINT would reach the executor
 * twice). Being detached, it is killed explicitly when the kernel exits.
 */
const spawnExecutor: SpawnFn = (command, args, options) => {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    detached: true,
  });
  executors.add(child);
  child.once("exit", () => executors.delete(child));
  return child;
};

process.once("exit", () => {
  for (const child of executors) child.kill("SIGKILL");
});

/**
 * The connection file among the kernel's arguments: the first one that is not a flag, or the
 * value of `-f`/`--f=` (IPython's form). Launchers such as `jupyter run` append arguments of
 * their own; they are ignored.
 */
export function connectionFileArgument(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-f" || arg === "--f") return args[i + 1];
    if (arg.startsWith("--f=")) return arg.slice("--f=".length);
    if (!arg.startsWith("-")) return arg;
  }
  return undefined;
}

export async function main(args: readonly string[]): Promise<void> {
  const file = connectionFileArgument(args);
  if (file === undefined) {
    throw new Error("usage: cotangent kernel <connection_file> (see cotangent kernel --help)");
  }
  const info = parseConnectionInfo(await readFile(file, "utf8"), file);
  const client = createKernelClient({
    executorPath:
      process.env["COTANGENT_EXECUTOR"] ??
      executorPath(packageRoot(fileURLToPath(import.meta.url))),
    cwd: process.cwd(),
    spawn: spawnExecutor,
    onOutput: (_name, text) => process.stderr.write(text),
  });
  const executor = linkKernelClient(client, log);
  executor.ready().catch((error: unknown) => log(`the executor did not start: ${String(error)}`));
  process.on("SIGINT", () => executor.interrupt());
  process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${String(reason)}`));

  const open: { sockets?: KernelSockets } = {};
  const exit = async (code: number): Promise<never> => {
    await open.sockets?.close();
    process.exit(code);
  };
  const kernel = new JupyterKernel({
    executor,
    io: {
      send: (channel, message) => open.sockets?.send(channel, message),
      log,
      exit: () => void exit(0),
    },
  });
  try {
    // Loaded after the executor was spawned: the native ZeroMQ addon need not delay it.
    const { openKernelSockets } = await import("./sockets.js");
    open.sockets = await openKernelSockets(info, {
      onMessage: (ch, msg) => kernel.handle(ch, msg),
      onSubscribe: () => kernel.announceState(),
      log,
    });
  } catch (error) {
    await executor.shutdown();
    throw new Error(`cannot bind the kernel's sockets from ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  kernel.announceStarting();

  const stop = (): void => {
    executor
      .shutdown()
      .catch((error: unknown) => log(`stopping the executor failed: ${String(error)}`))
      .finally(() => void exit(0));
  };
  process.on("SIGTERM", stop);
  watchParent(process.env["JPY_PARENT_PID"], () => {
    log("the process that started this kernel has exited; shutting down");
    stop();
  });
}

/**
 * Shut down when the process that launched the kernel is gone (Jupyter's launchers name it in
 * JPY_PARENT_PID, as IPython's kernel watches it): `jupyter run` exits without shutting its
 * kernel down, which would otherwise live on (holding the launcher's stdout open).
 */
export function watchParent(parent: string | undefined, gone: () => void, everyMs = 1000): void {
  const pid = Number(parent);
  if (!Number.isInteger(pid) || pid <= 1) return;
  // A launcher that has exited but is not yet reaped still answers kill(pid, 0); its children
  // are reparented at once, though, so a changed parent id says it too.
  const direct = process.ppid === pid;
  const alive = (): boolean => {
    if (direct && process.ppid !== pid) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  };
  const timer = setInterval(() => {
    if (alive()) return;
    clearInterval(timer);
    gone();
  }, everyMs);
  timer.unref();
}
