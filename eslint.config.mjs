// ESLint's flat config: JavaScript's and typescript-eslint's recommended rules over every source
// file. Prettier owns the layout (`npm run format`), so no stylistic rule is enabled here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["**/node_modules/", "**/dist/", "build/", "bench/results/", ".scratch/", "*.tgz"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { ...globals.node } },
        rules: {
            // A CommonJS project that requires on purpose: inside CallbackFunction bodies (the
            // serializer must not capture SDK clients) and lazily where start-up time counts.
            "@typescript-eslint/no-require-imports": "off",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", caughtErrors: "none" }],
            // A closure may read a variable that is assigned once, later, after the closure exists.
            "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
        },
    },
    {
        // The local runtime, its tests and benchmarks read untyped AWS wire JSON and mocked resource
        // inputs; the library that users import stays free of `any`.
        files: ["local/**", "tests/**", "bench/**", "examples/**/tests/**"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
