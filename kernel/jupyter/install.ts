/**
 * `cotangent install-kernel [--prefix DIR] [--user] [--name NAME]`: writes the `cotangent`
 * kernelspec, with absolute paths to this Node and the kernel entry, where Jupyter looks:
 * DIR/share/jupyter/kernels with --prefix (like `jupyter kernelspec install --prefix`), else
 * $JUPYTER_DATA_DIR/kernels, else the user's data folder; and copies the prebuilt JupyterLab
 * extension (dist/labextension) beside it, into DATA/labextensions/NAME (NAME: the extension's
 * package name), where JupyterLab and Notebook 7 load it enabled. No Python needed.
 */
import { cp, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { cliPath, labextensionPath, packageRoot } from "../paths.js";

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

/** The Jupyter data folder installed into: PREFIX/share/jupyter, or the user's. */
export function dataDir(options: InstallOptions): string {
  return options.prefix !== undefined
    ? join(resolve(options.prefix), "share", "jupyter")
    : userDataDir(options.env, options.platform, options.home);
}

/** The folder the kernelspec is written to. */
export function kernelDir(options: InstallOptions): string {
  return join(dataDir(options), "kernels", options.name);
}

export async function installKernel(options: InstallOptions, spec: KernelSpec): Promise<string> {
  const dir = kernelDir(options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "kernel.json"), `${JSON.stringify(spec, null, 2)}\n`);
  return dir;
}

/**
 * Copy the built JupyterLab extension `source` (dist/labextension) to
 * DATA/labextensions/<its package name>, replacing an older copy, with the install.json that
 * `jupyter labextension list` shows. Returns the folder.
 */
export async function installLabExtension(
  options: InstallOptions,
  source: string,
): Promise<string> {
  const manifest = join(source, "package.json");
  const built = await stat(manifest).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!built) {
    throw new Error(
      `install-kernel: the JupyterLab extension is not built (no ${manifest}): run "npm run build" first`,
    );
  }
  const { name } = JSON.parse(await readFile(manifest, "utf8")) as { name?: unknown };
  if (typeof name !== "string" || !/^[a-z0-9._-]+$/.test(name)) {
    throw new Error(`install-kernel: ${manifest} has no valid package name`);
  }
  const dir = join(dataDir(options), "labextensions", name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(source, dir, { recursive: true });
  const install = {
    packageManager: "npm",
    packageName: "cotangent",
    uninstallInstructions: `Delete ${dir} (and the cotangent kernelspec), or reinstall with "npx cotangent install-kernel"`,
  };
  await writeFile(join(dir, "install.json"), `${JSON.stringify(install, null, 2)}\n`);
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
  const root = packageRoot(fileURLToPath(import.meta.url));
  const lab = await installLabExtension(options, labextensionPath(root));
  const dir = await installKernel(options, kernelSpec(process.execPath, cliPath(root)));
  process.stdout.write(`Installed the "${parsed.name}" kernelspec in ${dir}\n`);
  process.stdout.write(`Installed the JupyterLab and Notebook 7 extension in ${lab}\n`);
}
