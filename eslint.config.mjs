import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["bin/", "node_modules/", ".venv/", ".tools/", ".bench/", "coverage/", "**/*.js", "**/*.mjs"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        // Tests and the offline plan read recorded resource inputs of any shape, as the engine hands them over;
        // tests also require() programs to run them under mocks. The component itself gets neither exemption.
        files: ["tests/**/*.ts", "scripts/**/*.ts", "mocking/**/*.ts", "plan/**/*.ts"],
        rules: {
            "@typescript-eslint/no-explicit-any": "off",
            "@typescript-eslint/no-require-imports": "off",
        },
    },
);
