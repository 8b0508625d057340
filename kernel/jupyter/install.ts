/**
 * `cotangent install-kernel [--prefix DIR] [--user] [--name NAME]`: writes the `cotangent`
 * kernelspec, with absolute paths to this Node and the kernel entry, where Jupyter looks:
 * DIR/share/jupyter/kernels with --prefix (like `jupyter kernelspec install --prefix`), else
 * $JUPYTER_DATA_DIR/kernels, else the user's data folder. No Python needed.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { cliPath, packageRoot } from "../paths.js";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "signal" | "message";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

export interface InstallOptions {
  prefix?: string;
  name: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

export function kernelSpec(nodePath: string, entry: string): KernelSpec {
  return {
    argv: [nodePath, entry, "kernel", "{connection_file}"],
    display_name: "Cotangent (TypeScript)",
    language: "typescript",
    interrupt_mode: "signal",
    env: {},
    metadata: { debugger: false },
  };
}

/** The Jupyter data folder for user installs, as jupyter_core computes it. */
export function userDataDir(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
  home: string,
): string {
  const fromEnv = env["JUPYTER_DATA_DIR"];
  if (fromEnv !== undefined && fromEnv !== "") return resolve(fromEnv);
  if (platform === "darwin") return join(home, "Library", "Jupyter");
  if (platform === "win32")
    return join(env["APPDATA"] ?? join(home, "AppData", "Roaming"), "jupyter");
  const xdg = env["XDG_DATA_HOME"];
  return join(xdg !== undefined && xdg !== "" ? xdg : join(home, ".local", "share"), "jupyter");
}

/** The folder the kernelspec is written to. */
export function kernelDir(options: InstallOptions): string {
  const data =
    options.prefix !== undefined
      ? join(resolve(options.prefix), "share", "jupyter")
      : userDataDir(options.env, options.platform, options.home);
  return join(data, "kernels", options.name);
}

export async function installKernel(options: InstallOptions, spec: KernelSpec): Promise<string> {
  const dir = kernelDir(options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  return dir;
}

const USAGE = "usage: cotangent install-kernel [--prefix DIR] [--name NAME]";

export function parseInstallArgs(args: readonly string[]): { prefix?: string; name: string } {
  let prefix: string | undefined;
  let name = "cotangent";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag !== "--prefix" && flag !== "--name") {
      throw new Error(`install-kernel: unknown argument "${arg}"\n${USAGE}`);
    }
    const value = inline ?? args[++i];
    if (value === undefined || value === "")
      throw new Error(`install-kernel: ${flag} needs a value\n${USAGE}`);
    if (flag === "--prefix") prefix = value;
    else if (/^[a-z0-9._-]+$/i.test(value)) name = value;
    else
      throw new Error(
        `install-kernel: kernel name "${value}" may hold only letters, digits, ".", "_" and "-"`,
      );
  }
  return prefix === undefined ? { name } : { prefix, name };
}

export async function main(args: readonly string[]): Promise<void> {
  const parsed = parseInstallArgs(args);
  const options: InstallOptions = {
    ...parsed,
    env: process.env,
    platform: process.platform,
    home: homedir(),
  };
  const dir = await installKernel(
    options,
    kernelSpec(process.execPath, cliPath(packageRoot(fileURLToPath(import.meta.url)))),
  );
  process.stdout.write(`Installed the "${parsed.name}" kernelspec in ${dir}\n`);
}
