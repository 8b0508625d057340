#!/usr/bin/env node
// `npm run fuzz -- --cases=N [--seed=S] [vitest filters…]`: the fuzz suites (test/fuzz) with N
// cases per input path instead of the test command's 1,000, from the fixed seeds (S shifts them).
// Prints each suite's time; the executor and the CLI come from dist/, so it builds first.
import { spawnSync } from "node:child_process";

const env = { ...process.env };
const rest = [];
for (const arg of process.argv.slice(2)) {
  const match = /^--(cases|seed)=(\d+)$/.exec(arg);
  if (match) env[match[1] === "cases" ? "COTANGENT_FUZZ_CASES" : "COTANGENT_FUZZ_SEED"] = match[2];
  else if (arg.startsWith("--cases") || arg.startsWith("--seed")) {
    console.error(`fuzz: expected --cases=N or --seed=S with a positive integer, got ${arg}`);
    process.exit(2);
  } else rest.push(arg);
}
const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: "inherit", env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run("npm", ["run", "build", "--silent"]);
console.log(
  `fuzz: ${env.COTANGENT_FUZZ_CASES ?? 1000} cases per path, seed ${env.COTANGENT_FUZZ_SEED ?? "default"}`,
);
const started = Date.now();
run("npx", ["vitest", "run", "test/fuzz", ...rest]);
console.log(`fuzz: all suites in ${((Date.now() - started) / 1000).toFixed(1)} s`);
