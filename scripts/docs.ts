// Renders the README's inputs/outputs tables from the package schema (the
// source of truth consumers in every language get), and the resource graph of
// docs/architecture.md from the offline plan, and (through app/openapi.py) the
// OpenAPI document docs/openapi.json. `--check` fails when any is stale;
// `npm run docs` rewrites them.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { buildSchema, ROOT } from "./schema";

const README = path.join(ROOT, "README.md");
const ARCHITECTURE = path.join(ROOT, "docs", "architecture.md");
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

/** The page with the text between `<!-- section:start ... -->` and `<!-- section:end -->` replaced. */
function replaceSection(readme: string, section: string, text: string): string {
    const pattern = new RegExp(`(<!-- ${section}:start[^>]*-->)[\\s\\S]*?(<!-- ${section}:end -->)`);
    if (!pattern.test(readme)) {
        throw new Error(`the page has no <!-- ${section}:start --> ... <!-- ${section}:end --> markers`);
    }
    return readme.replace(pattern, (_, start, end) => `${start}\n${text}\n${end}`);
}

export function renderReadme(readme: string, schema: any): string {
    const tables = renderTables(schema);
    return replaceSection(replaceSection(readme, "inputs", tables.inputs), "outputs", tables.outputs);
}

/** docs/architecture.md with the plan's Mermaid graph (`npm run plan -- --mermaid`) embedded. */
export function renderGraph(page: string, mermaid: string): string {
    return replaceSection(page, "graph", "```mermaid\n" + mermaid.trimEnd() + "\n```");
}

/** The offline plan's graph, from its own process (the plan installs process-wide mocks). */
export function planGraph(): string {
    return execFileSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", path.join(ROOT, "scripts", "plan.ts"), "--mermaid"],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
}

if (require.main === module) {
    buildSchema()
        .then((schema) => {
            const pages = [
                {
                    file: README,
                    current: fs.readFileSync(README, "utf8"),
                    render: (p: string) => renderReadme(p, schema),
                },
                {
                    file: ARCHITECTURE,
                    current: fs.readFileSync(ARCHITECTURE, "utf8"),
                    render: (p: string) => renderGraph(p, planGraph()),
                },
            ];
            const stale = pages
                .filter((p) => p.render(p.current) !== p.current)
                .map((p) => path.relative(ROOT, p.file));
            // The OpenAPI document is the app's own (app/openapi.py, from its contract): Python writes it.
            const python = path.join(ROOT, ".venv", "bin", "python");
            const openapi = [
                path.join(ROOT, "app", "openapi.py"),
                ...(process.argv.includes("--check") ? ["--check"] : []),
            ];
            if (spawnSync(python, openapi, { stdio: "inherit" }).status !== 0) {
                stale.push("docs/openapi.json");
            }
            if (process.argv.includes("--check")) {
                if (stale.length > 0) {
                    console.error(`${stale.join(" and ")} stale: run \`npm run docs\``);
                    process.exit(1);
                }
                console.log("README.md tables match the schema, and docs/architecture.md's graph the plan");
            } else {
                for (const p of pages) {
                    fs.writeFileSync(p.file, p.render(p.current));
                }
                console.log(
                    "README.md tables regenerated from the schema, docs/architecture.md's graph from the plan, and docs/openapi.json from the app's contract",
                );
            }
        })
        .catch((e) => {
            console.error(e instanceof Error ? e.message : e);
            process.exit(1);
        });
}
