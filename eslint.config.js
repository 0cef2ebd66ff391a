import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "test-output/**", ".tmp/**", "examples/**/public/**"] },
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
    files: ["src/oauth/**/*.ts", "src/crypto/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }] },
  },
  {
    files: ["src/cli/**", "src/emulator/**", "test/**", "bench/**", "scripts/**", "examples/**"],
    rules: { "no-console": "off" },
  },
);
