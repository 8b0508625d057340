import { describe, expect, it } from "vitest";
import { globToRegExp, History, SESSION_NUMBER } from "../../kernel/jupyter/history.js";

function filled(): History {
  const history = new History();
  const inputs = ["const a = 1", "a + 1", "console.log(a)", "a + 1", "grad(f)(x)"];
  inputs.forEach((input, i) => history.add({ line: i + 1, input, output: null }));
  history.setOutput(2, "2");
  return history;
}

describe("globToRegExp", () => {
  it.each([
    ["a*", "a + 1", true],
    ["*log*", "console.log(a)", true],
    ["a?+ 1", "a + 1", true],
    ["a?1", "a + 1", false],
    ["[ab] + 1", "b + 1", true],
    ["[^ab] + 1", "b + 1", false],
    ["grad(f)(x)", "grad(f)(x)", true],
    ["a.b", "axb", false],
  ])("%j matches %j: %s", (pattern, text, expected) => {
    expect(globToRegExp(pattern).test(text)).toBe(expected);
  });
});

describe("History", () => {
  it("answers tail requests with the last n entries in order", () => {
    expect(filled().query({ hist_access_type: "tail", output: false, n: 2 })).toEqual([
      [SESSION_NUMBER, 4, "a + 1"],
      [SESSION_NUMBER, 5, "grad(f)(x)"],
    ]);
  });

  it("includes outputs when asked", () => {
    const rows = filled().query({ hist_access_type: "tail", output: true, n: 4 });
    expect(rows[0]).toEqual([SESSION_NUMBER, 2, ["a + 1", "2"]]);
    expect(rows[1]).toEqual([SESSION_NUMBER, 3, ["console.log(a)", null]]);
  });

  it("answers range requests with start inclusive and stop exclusive", () => {
    const history = filled();
    expect(
      history.query({
        hist_access_type: "range",
        output: false,
        session: SESSION_NUMBER,
        start: 2,
        stop: 4,
      }),
    ).toEqual([
      [SESSION_NUMBER, 2, "a + 1"],
      [SESSION_NUMBER, 3, "console.log(a)"],
    ]);
    expect(
      history.query({ hist_access_type: "range", output: false, session: 0, start: 5 }),
    ).toHaveLength(1);
    expect(
      history.query({ hist_access_type: "range", output: false, session: 7, start: 1 }),
    ).toEqual([]);
  });

  it("searches with a glob, optionally unique and limited to the last n", () => {
    const history = filled();
    expect(history.query({ hist_access_type: "search", output: false, pattern: "a*" })).toEqual([
      [SESSION_NUMBER, 2, "a + 1"],
      [SESSION_NUMBER, 4, "a + 1"],
    ]);
    expect(
      history.query({ hist_access_type: "search", output: false, pattern: "*a*", unique: true }),
    ).toEqual([
      [SESSION_NUMBER, 1, "const a = 1"],
      [SESSION_NUMBER, 3, "console.log(a)"],
      [SESSION_NUMBER, 4, "a + 1"],
      [SESSION_NUMBER, 5, "grad(f)(x)"],
    ]);
    expect(
      history.query({ hist_access_type: "search", output: false, pattern: "*", n: 2 }),
    ).toEqual([
      [SESSION_NUMBER, 4, "a + 1"],
      [SESSION_NUMBER, 5, "grad(f)(x)"],
    ]);
    expect(history.size).toBe(5);
  });
});
