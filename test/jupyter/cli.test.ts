/**
 * The `cotangent` command as a user runs it: bundled the way scripts/build.mjs does (into out/,
 * inside the package so it finds its root) and started with Node.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { packageRoot } from "../../kernel/paths.js";

const root = packageRoot(fileURLToPath(import.meta.url));
const outdir = join(root, "out", "test-cli");
const entry = join(outdir, "cotangent.js");

beforeAll(async () => {
  // install-kernel copies the built JupyterLab extension: build it when missing (about a second)
  if (!existsSync(join(root, "dist/labextension/package.json"))) {
    execFileSync(process.execPath, ["scripts/build.mjs", "labextension"], { cwd: root });
  }
  await rm(outdir, { recursive: true, force: true });
  await build({
    entryPoints: { cotangent: join(root, "kernel/cli.ts") },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: ["zeromq"],
    logLevel: "warning",
  });
});

async function cotangent(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [entry, ...args], {
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("cotangent command", () => {
  it("lists its subcommands", async () => {
    const { code, stdout } = await cotangent("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/install-kernel/);
    expect(stdout).toMatch(/^\s+kernel\s/m);
  });

  it.each(["run", "kernel", "install-kernel"])(
    "answers `%s --help` with its usage",
    async (name) => {
      const { code, stdout } = await cotangent(name, "--help");
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: cotangent ${name} `));
    },
  );

  it.each([["--version"], ["run", "--version"], ["kernel", "--version"]])(
    "answers %s with the package's version",
    async (...args) => {
      const { code, stdout } = await cotangent(...args);
      const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
        version: string;
      };
      expect(code).toBe(0);
      expect(stdout).toBe(`cotangent ${version}\n`);
    },
  );

  it("installs from the clone with npm install -g . as a `cotangent` command", async () => {
    const prefix = await mkdtemp(join(tmpdir(), "cotangent-global-"));
    try {
      const npm = [
        "install",
        "-g",
        ".",
        "--prefix",
        prefix,
        "--offline",
        "--no-audit",
        "--no-fund",
      ];
      await promisify(execFile)("npm", npm, { cwd: root, timeout: 60_000 });
      const { stdout } = await promisify(execFile)(join(prefix, "bin", "cotangent"), ["--version"]);
      expect(stdout).toMatch(/^cotangent \d+\.\d+\.\d+/);
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
  });

  it("refuses an unknown subcommand with exit code 2", async () => {
    const { code, stderr } = await cotangent("frobnicate");
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown command "frobnicate"/);
  });

  it("installs the kernelspec under --prefix with this node and the entry's absolute path", async () => {
    const prefix = await mkdtemp(join(tmpdir(), "cotangent-cli-"));
    try {
      const { code, stdout } = await cotangent("install-kernel", "--prefix", prefix);
      expect(code).toBe(0);
      const dir = join(prefix, "share/jupyter/kernels/cotangent");
      expect(stdout).toContain(dir);
      const spec = JSON.parse(await readFile(join(dir, "kernel.json"), "utf8")) as {
        argv: string[];
        language: string;
      };
      expect(spec.argv).toEqual([
        process.execPath,
        join(root, "dist/cli/cotangent.js"),
        "kernel",
        "{connection_file}",
      ]);
      expect(spec.language).toBe("typescript");
      const lab = join(prefix, "share/jupyter/labextensions/cotangent-jupyterlab");
      expect(stdout).toContain(lab);
      const manifest = JSON.parse(await readFile(join(lab, "package.json"), "utf8")) as {
        jupyterlab: { _build: { load: string } };
      };
      await expect(readFile(join(lab, manifest.jupyterlab._build.load), "utf8")).resolves.toMatch(
        /cotangent-jupyterlab/,
      );
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
  });

  it("installs into $JUPYTER_DATA_DIR/kernels without --prefix", async () => {
    const data = await mkdtemp(join(tmpdir(), "cotangent-data-"));
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [entry, "install-kernel"],
        {
          env: { ...process.env, JUPYTER_DATA_DIR: data },
        },
      );
      expect(stderr).toBe("");
      expect(stdout).toContain(join(data, "kernels", "cotangent"));
      await expect(readFile(join(data, "kernels/cotangent/kernel.json"), "utf8")).resolves.toMatch(
        /Cotangent \(TypeScript\)/,
      );
    } finally {
      await rm(data, { recursive: true, force: true });
    }
  });

  it("names the problem when the kernel gets no or a broken connection file", async () => {
    const missing = await cotangent("kernel");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/usage: cotangent kernel <connection_file>/);

    const dir = await mkdtemp(join(tmpdir(), "cotangent-conn-"));
    try {
      const file = join(dir, "kernel-1.json");
      await writeFile(file, JSON.stringify({ transport: "tcp", ip: "127.0.0.1", shell_port: "x" }));
      const broken = await cotangent("kernel", file);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toContain(`${file}: shell_port must be a port number, got "x"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
