import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "test-output/**", ".tmp/**", "examples/**/public/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
      // TypeScript checks undefined names; the core rule does not know Node's globals.
      "no-undef": "off",
    },
  },
  {
    // A promise in a condition is always truthy: `if (!verifyRs256(...))` would accept any
    // signature. Type-aware linting is slow, so only where signatures are checked.
    files: [
      "packages/intuit-oauth-client/src/oauth/**/*.ts",
      "packages/intuit-oauth-client/src/crypto/**/*.ts",
    ],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }] },
  },
  {
    files: [
      "packages/intuit-oauth-client-cli/src/**",
      "packages/intuit-oauth-client-emulator/src/**",
      "packages/*/test/**",
      "test/**",
      "test-runtimes/**",
      "bench/**",
      "scripts/**",
      "examples/**",
    ],
    rules: { "no-console": "off" },
  },
);
