/**
 * The connection file a Jupyter client writes for a kernel: where to bind each socket and the
 * key to sign messages with.
 */

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export const SOCKET_NAMES = ["shell", "iopub", "stdin", "control", "hb"] as const;
export type SocketName = (typeof SOCKET_NAMES)[number];

/** Parse and check a connection file's JSON; errors name the field that is wrong. */
export function parseConnectionInfo(text: string, source = "connection file"): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (raw === null || typeof raw !== "object") throw new Error(`${source} is not a JSON object`);
  const value = raw as Record<string, unknown>;
  const transport = value["transport"] ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new Error(
      `${source}: transport must be "tcp" or "ipc", got ${JSON.stringify(transport)}`,
    );
  }
  const ports = {} as Record<`${SocketName}_port`, number>;
  for (const name of SOCKET_NAMES) {
    const port = value[`${name}_port`];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${source}: ${name}_port must be a port number, got ${JSON.stringify(port)}`);
    }
    ports[`${name}_port`] = port;
  }
  const key = value["key"] ?? "";
  if (typeof key !== "string") throw new Error(`${source}: key must be a string`);
  const scheme = value["signature_scheme"] ?? "hmac-sha256";
  if (typeof scheme !== "string") throw new Error(`${source}: signature_scheme must be a string`);
  const ip = value["ip"] ?? "127.0.0.1";
  if (typeof ip !== "string") throw new Error(`${source}: ip must be a string`);
  return { transport, ip, ...ports, key, signature_scheme: scheme };
}

/** The ZeroMQ endpoint of one socket: tcp://ip:port, or ipc://path-port as Jupyter names them. */
export function endpoint(info: ConnectionInfo, name: SocketName): string {
  const port = info[`${name}_port`];
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
