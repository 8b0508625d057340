import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  installKernel,
  installLabExtension,
  kernelDir,
  kernelSpec,
  parseInstallArgs,
  userDataDir,
} from "../../kernel/jupyter/install.js";
import { cliPath, packageRoot } from "../../kernel/paths.js";

describe("install-kernel", () => {
  it("writes a kernelspec with absolute node and entry paths and signal interrupts", () => {
    const spec = kernelSpec("/usr/bin/node", "/opt/cotangent/dist/cli/cotangent.js");
    expect(spec).toEqual({
      argv: [
        "/usr/bin/node",
        "/opt/cotangent/dist/cli/cotangent.js",
        "kernel",
        "{connection_file}",
      ],
      display_name: "Cotangent (TypeScript)",
      language: "typescript",
      interrupt_mode: "signal",
      env: {},
      metadata: { debugger: false },
    });
  });

  it.each([
    [{ JUPYTER_DATA_DIR: "/data/jup" }, "linux", "/data/jup"],
    [{ XDG_DATA_HOME: "/xdg" }, "linux", "/xdg/jupyter"],
    [{}, "linux", "/home/u/.local/share/jupyter"],
    [{}, "darwin", "/home/u/Library/Jupyter"],
  ] as const)("finds the user data folder from %j on %s", (env, platform, expected) => {
    expect(userDataDir(env, platform, "/home/u")).toBe(expected);
  });

  it("installs under PREFIX/share/jupyter/kernels with --prefix, like jupyter kernelspec install", () => {
    const dir = kernelDir({
      prefix: "/tmp/p",
      name: "cotangent",
      env: { JUPYTER_DATA_DIR: "/ignored" },
      platform: "linux",
      home: "/h",
    });
    expect(dir).toBe("/tmp/p/share/jupyter/kernels/cotangent");
  });

  it("writes kernel.json into the folder", async () => {
    const prefix = await mkdtemp(join(tmpdir(), "cotangent-install-"));
    try {
      const root = packageRoot(fileURLToPath(import.meta.url));
      const spec = kernelSpec(process.execPath, cliPath(root));
      const dir = await installKernel(
        { prefix, name: "cotangent", env: {}, platform: "linux", home: "/h" },
        spec,
      );
      const written = JSON.parse(await readFile(join(dir, "kernel.json"), "utf8")) as unknown;
      expect(written).toEqual(spec);
      expect(cliPath(root)).toBe(join(root, "dist", "cli", "cotangent.js"));
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
  });

  it("copies the built JupyterLab extension to DATA/labextensions/NAME, replacing an older copy", async () => {
    const scratch = await mkdtemp(join(tmpdir(), "cotangent-lab-"));
    try {
      const source = join(scratch, "built");
      await mkdir(join(source, "static"), { recursive: true });
      await writeFile(join(source, "package.json"), JSON.stringify({ name: "ct-lab" }));
      await writeFile(join(source, "static", "remoteEntry.abc.js"), "// entry");
      const options = { prefix: join(scratch, "p"), name: "cotangent", env: {}, home: "/h" };
      const stale = join(scratch, "p/share/jupyter/labextensions/ct-lab/static/old.js");
      await mkdir(join(stale, ".."), { recursive: true });
      await writeFile(stale, "// an older build");
      const dir = await installLabExtension({ ...options, platform: "linux" }, source);
      expect(dir).toBe(join(scratch, "p/share/jupyter/labextensions/ct-lab"));
      expect((await readdir(join(dir, "static"))).sort()).toEqual(["remoteEntry.abc.js"]);
      const install = JSON.parse(await readFile(join(dir, "install.json"), "utf8")) as {
        packageName: string;
      };
      expect(install.packageName).toBe("cotangent");
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });

  it("names the missing build when the JupyterLab extension was not built", async () => {
    const options = { name: "cotangent", env: {}, platform: "linux" as const, home: "/h" };
    await expect(
      installLabExtension({ ...options, prefix: "/nonexistent" }, "/nonexistent/dist/labextension"),
    ).rejects.toThrow(/JupyterLab extension is not built.*npm run build/);
  });

  it.each([
    [[], { name: "cotangent" }],
    [["--prefix", "/p"], { prefix: "/p", name: "cotangent" }],
    [["--prefix=/p", "--name=ct-dev"], { prefix: "/p", name: "ct-dev" }],
  ])("parses %j", (args, expected) => {
    expect(parseInstallArgs(args)).toEqual(expected);
  });

  it.each([
    [["--user-dir"], /unknown argument "--user-dir"/],
    [["--prefix"], /--prefix needs a value/],
    [["--name", "../evil"], /may hold only letters/],
  ])("refuses %j with a clear error", (args, message) => {
    expect(() => parseInstallArgs(args)).toThrow(message);
  });
});
