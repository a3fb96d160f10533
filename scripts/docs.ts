// Renders the README's inputs/outputs tables from the package schema (the
// source of truth consumers in every language get). `--check` fails when the
// README is stale; `npm run docs` rewrites it.
import * as fs from "fs";
import * as path from "path";
import { buildSchema, ROOT } from "./schema";

const README = path.join(ROOT, "README.md");
const TOKEN = "lambda-inference:index:InferenceFunction";

function typeOf(p: any): string {
    if (p.type === "array") return `${typeOf(p.items)}[]`;
    if (p.type === "object" && p.additionalProperties) return `map<${typeOf(p.additionalProperties)}>`;
    return p.type ?? p.$ref ?? "any";
}

function cell(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
}

export function renderTables(schema: any): { inputs: string; outputs: string } {
    const resource = schema.resources[TOKEN];
    const required = new Set<string>(resource.requiredInputs ?? []);
    const inputs = Object.entries<any>(resource.inputProperties).map(
        ([name, p]) =>
            `| \`${name}\` | ${typeOf(p)}${p.plain ? "" : " (Input)"} | ${required.has(name) ? "yes" : "no"} | ${cell(p.description)} |`,
    );
    const always = new Set<string>(resource.required ?? []);
    const outputs = Object.entries<any>(resource.properties).map(
        ([name, p]) =>
            `| \`${name}\` | ${typeOf(p)} | ${always.has(name) ? "always" : "when enabled"} | ${cell(p.description)} |`,
    );
    return {
        inputs: ["| input | type | required | description and default |", "| --- | --- | --- | --- |", ...inputs].join(
            "\n",
        ),
        outputs: ["| output | type | present | description |", "| --- | --- | --- | --- |", ...outputs].join("\n"),
    };
}

export function renderReadme(readme: string, schema: any): string {
    const tables = renderTables(schema);
    let out = readme;
    for (const section of ["inputs", "outputs"] as const) {
        const pattern = new RegExp(`(<!-- ${section}:start[^>]*-->)[\\s\\S]*?(<!-- ${section}:end -->)`);
        if (!pattern.test(out)) {
            throw new Error(`README.md has no <!-- ${section}:start --> ... <!-- ${section}:end --> markers`);
        }
        out = out.replace(pattern, `$1\n${tables[section]}\n$2`);
    }
    return out;
}

if (require.main === module) {
    buildSchema()
        .then((schema) => {
            const current = fs.readFileSync(README, "utf8");
            const rendered = renderReadme(current, schema);
            if (process.argv.includes("--check")) {
                if (rendered !== current) {
                    console.error("README.md tables are stale: run `npm run docs`");
                    process.exit(1);
                }
                console.log("README.md tables match the schema");
            } else {
                fs.writeFileSync(README, rendered);
                console.log("README.md tables regenerated from the schema");
            }
        })
        .catch((e) => {
            console.error(e instanceof Error ? e.message : e);
            process.exit(1);
        });
}
