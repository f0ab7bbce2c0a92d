// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import unicorn from "eslint-plugin-unicorn";
import n from "eslint-plugin-n";
import layers from "./tools/eslint-rules/layers.js";

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "**/gen/**", "**/.data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { unicorn, n, loomcycle: { rules: { layers } } },
    rules: {
      // One import statement per module (a type-only one may sit beside it).
      "no-duplicate-imports": ["error", { allowSeparateTypeImports: true }],
      "loomcycle/layers": "error",
      "unicorn/filename-case": ["error", { case: "kebabCase" }],
      "n/no-process-env": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/explicit-module-boundary-types": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      complexity: ["error", 10],
      "max-depth": ["error", 3],
      "max-params": ["error", 3],
      "max-statements": ["error", 20],
      "max-lines": ["error", { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // config/ is the only place that reads the environment; main.ts hands it process.env.
    files: ["runtime/src/config/**/*.ts", "runtime/src/main.ts", "runtime/src/build-tools.ts", "scripts/**/*.ts", "controller/src/config/**/*.ts", "controller/src/main.ts"],
    rules: { "n/no-process-env": "off" },
  },
  {
    // Tests and benchmarks state scenarios in long straight-line functions; that is their job.
    files: ["**/*.test.ts", "runtime/test/**/*.ts", "runtime/bench/**/*.ts", "e2e/**/*.ts", "controller/test/**/*.ts", "controller/bench/**/*.ts"],
    rules: {
      "max-statements": "off",
      "max-lines": "off",
      "@typescript-eslint/explicit-module-boundary-types": "off",
      "n/no-process-env": "off",
      // A test assembles real adapters around the unit it checks, like a small composition root.
      "loomcycle/layers": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
  {
    files: ["**/*.js"],
    languageOptions: { globals: { console: "readonly", process: "readonly" } },
  },
);
