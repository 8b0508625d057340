// Typed ESLint for every TypeScript file in the project, and the boundaries between its layers.
import js from "@eslint/js";
import { builtinModules } from "node:module";
import tseslint from "typescript-eslint";

/** The import restrictions of one folder (a later block replaces an earlier one's, so each lists all). */
function restrict(...rules) {
  const paths = rules.flatMap((r) => r.paths ?? []);
  const patterns = rules.flatMap((r) => r.patterns ?? []);
  return { "no-restricted-imports": ["error", { paths, patterns }] };
}

/** The runtime runs in browsers too: no Node module, and nothing of the kernel or the extension. */
const runtime = {
  paths: builtinModules
    .filter((name) => !name.startsWith("_"))
    .map((name) => ({ name, message: "src/ runs in browsers: no Node modules." })),
  patterns: [
    { group: ["node:*"], message: "src/ runs in browsers: no Node modules." },
    {
      regex: "(^|/)(kernel|extension)/",
      message: "src/ is the runtime: it imports nothing from kernel/ or extension/.",
    },
  ],
};

/** Tensors and primitives sit below the transforms (no cycle through a transform). */
const belowTransforms = {
  patterns: [
    {
      regex: "(^|/)transforms/",
      message: "src/tensor/ and src/primitives/ sit below src/transforms/ and never import it.",
    },
  ],
};

/** The kernel runs outside VS Code too (Jupyter, `cotangent run`). */
const noVscode = {
  paths: [{ name: "vscode", message: "kernel/ runs outside VS Code: it never imports vscode." }],
};

/** The renderer is a webview bundle: of the project it imports only kernel/shared/. */
const rendererOnlyShared = {
  patterns: [
    {
      regex: "^\\.\\./(?!\\.\\./kernel/shared/)",
      message: "The renderer imports only kernel/shared/ from outside its folder.",
    },
  ],
};

/** The JupyterLab extension: the renderer, kernel/shared/ and JupyterLab's packages. */
const labOnlyRenderer = {
  patterns: [
    {
      regex: "^\\.\\./(?!renderer/|\\.\\./kernel/shared/)",
      message:
        "The JupyterLab extension imports only the renderer and kernel/shared/ of the project.",
    },
  ],
};

export const boundaries = [
  { files: ["src/**/*.ts"], rules: restrict(runtime) },
  {
    files: ["src/tensor/**/*.ts", "src/primitives/**/*.ts"],
    rules: restrict(runtime, belowTransforms),
  },
  { files: ["kernel/**/*.ts"], rules: restrict(noVscode) },
  { files: ["extension/renderer/**/*.ts"], rules: restrict(rendererOnlyShared) },
  { files: ["extension/jupyterlab/**/*.ts"], rules: restrict(labOnlyRenderer) },
];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "out/**",
      "report/**",
      ".vscode-test/**",
      ".jupyterlab-test/**",
      "**/*.js",
      "**/*.mjs",
      "**/*.cjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  ...boundaries,
);
