import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PLAN_OPTIONS } from "../../scripts/plan";
import { COMMANDS } from "../../cli/commands";

const ROOT = path.resolve(__dirname, "..", "..");
const PYTHON = path.join(ROOT, ".venv", "bin", "python");

/** Every page a user or contributor reads. */
function pages(): string[] {
    const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    const examples = fs
        .readdirSync(path.join(ROOT, "examples"))
        .filter((e) => fs.existsSync(path.join(ROOT, "examples", e, "README.md")));
    return [
        "README.md",
        "CONTRIBUTING.md",
        "CHANGELOG.md",
        ...docs.map((f) => `docs/${f}`),
        ...examples.map((e) => `examples/${e}/README.md`),
    ];
}

const read = (page: string) => fs.readFileSync(path.join(ROOT, page), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
}

function anchorsOf(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const anchors = new Set<string>();
    const text = markdown.replace(/```[\s\S]*?```/g, "");
    for (const [, heading] of text.matchAll(/^#{1,6} (.+)$/gm)) {
        const base = slug(heading);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    return anchors;
}

/** Text a reader would copy as a command: fenced code blocks and inline code. */
function codeOf(markdown: string): string[] {
    const fenced = [...markdown.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]);
    const inline = [...markdown.replace(/```[\s\S]*?```/g, "").matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
    return [...fenced.flatMap((block) => block.split("\n")), ...inline];
}

/** The long options a command's `--help` lists. */
function optionsInHelp(argv: string[]): Set<string> {
    const help = execFileSync(argv[0], [...argv.slice(1), "--help"], { cwd: ROOT, encoding: "utf8" });
    return new Set(help.match(/--[a-z0-9][a-z0-9-]*/g) ?? []);
}

/** The options used after `prefix` in every command line of every page, with where they appear. */
function optionsAfter(prefix: RegExp): { option: string; where: string }[] {
    return pages().flatMap((page) =>
        codeOf(read(page)).flatMap((line) =>
            [...line.matchAll(prefix)].flatMap((m) =>
                (
                    line
                        .slice(m.index! + m[0].length)
                        .split(/[|;&#]|\s\\$/)[0]
                        .match(/(?<=^|\s)--[a-z0-9-]+/g) ?? []
                ).map((option) => ({ option, where: `${page}: ${line.trim()}` })),
            ),
        ),
    );
}

describe("docs (every link and command in them works)", () => {
    it("every relative link points at a file, and every #anchor at a heading there", () => {
        const broken: string[] = [];
        for (const page of pages()) {
            const text = read(page).replace(/```[\s\S]*?```/g, "");
            for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/.test(target)) {
                    continue; // https:, mailto:
                }
                const [file, anchor] = target.split("#");
                const resolved = file ? path.resolve(ROOT, path.dirname(page), file) : path.join(ROOT, page);
                if (!fs.existsSync(resolved)) {
                    broken.push(`${page}: ${target} (no such file)`);
                } else if (anchor && !anchorsOf(fs.readFileSync(resolved, "utf8")).has(anchor)) {
                    broken.push(`${page}: ${target} (no such heading)`);
                }
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("names only npm scripts that exist", () => {
        const scripts = Object.keys(require(path.join(ROOT, "package.json")).scripts);
        const unknown = pages().flatMap((page) =>
            codeOf(read(page)).flatMap((line) =>
                [...line.matchAll(/npm run ([a-z][a-z:-]*)/g)]
                    .filter((m) => !scripts.includes(m[1]))
                    .map((m) => `${page}: npm run ${m[1]}`),
            ),
        );
        assert.deepStrictEqual(unknown, []);
    });

    it("gives npm start, npm run plan, convert.py, the bench and each command of npx lambda-inference only options they take", () => {
        const tools: [RegExp, Set<string>][] = [
            [/npm start --/g, optionsInHelp([PYTHON, "local/start.py"])],
            [/npm run plan --/g, new Set(Object.keys(PLAN_OPTIONS))],
            [/app\/convert\.py/g, optionsInHelp([PYTHON, "app/convert.py"])],
            [/npm run bench --/g, optionsInHelp([PYTHON, "bench/bench.py"])],
            // The package's command: each command's own options, and --help.
            ...Object.entries(COMMANDS).map(([name, { options }]): [RegExp, Set<string>] => [
                new RegExp(`npx lambda-inference ${name}`, "g"),
                new Set([...Object.keys(options), "--help"]),
            ]),
        ];
        const unknown = tools.flatMap(([prefix, known]) =>
            optionsAfter(prefix)
                .filter(({ option }) => !known.has(option))
                .map(({ option, where }) => `${option} in ${where}`),
        );
        assert.deepStrictEqual(unknown, []);
        // The check can fail: an option no tool takes is caught.
        assert.ok(!tools[0][1].has("--no-such-option") && tools[0][1].has("--no-plan"));
    });
});

describe("CHANGELOG.md and package.json", () => {
    it("agree: one Unreleased section on top, released versions dated, the newest one in package.json", () => {
        const headings = [...read("CHANGELOG.md").matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        assert.strictEqual(headings[0], "Unreleased");
        assert.strictEqual(headings.filter((h) => h === "Unreleased").length, 1);
        const released = headings.slice(1);
        for (const heading of released) {
            assert.match(heading, /^\d+\.\d+\.\d+ \(\d{4}-\d{2}-\d{2}\)$/, `"${heading}" is a version and its date`);
        }
        const newest = released[0].split(" ")[0];
        assert.strictEqual(require(path.join(ROOT, "package.json")).version, newest);
    });
});
