/**
 * Validates notebooks with the reference `nbformat` package (Debian's python3-nbformat, run with
 * /usr/bin/python3): the same JSON-schema check Jupyter applies when it opens a file.
 */
import { execFileSync } from "node:child_process";

const PYTHON = "/usr/bin/python3";

const SCRIPT = `
import sys, json, nbformat
nb = nbformat.reads(sys.stdin.read(), as_version=nbformat.NO_CONVERT)
try:
    nbformat.validate(nb)
    print("valid")
except nbformat.ValidationError as error:
    print("invalid: " + str(error).splitlines()[0])
`;

/** "valid", or "invalid: <first line of the schema error>". Throws if nbformat cannot be run. */
export function validateNotebook(text: string): string {
  return execFileSync(PYTHON, ["-c", SCRIPT], { input: text, encoding: "utf8" }).trim();
}
