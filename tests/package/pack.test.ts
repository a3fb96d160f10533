import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The npm path: `npm pack` (which builds bin/ through `prepare`), the tarball
 * unpacked as a scratch program's dependency, and a use of the component
 * type-checked and loaded from it. @pulumi packages are linked from this
 * checkout so the test needs no network.
 */
describe("npm package (npm pack, install, type-check a use)", function () {
    this.timeout(120_000);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-pack-"));
    let files: string[] = [];

    before(() => {
        const out = execFileSync("npm", ["pack", "--json", "--pack-destination", scratch], {
            cwd: ROOT,
            encoding: "utf8",
        });
        const [info] = JSON.parse(out.slice(out.indexOf("[")));
        files = info.files.map((f: { path: string }) => f.path);
        const modules = path.join(scratch, "node_modules");
        fs.mkdirSync(path.join(modules, "lambda-inference"), { recursive: true });
        execFileSync("tar", [
            "-xzf",
            path.join(scratch, info.filename),
            "-C",
            path.join(modules, "lambda-inference"),
            "--strip-components=1",
        ]);
        fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(modules, "@pulumi"));
        fs.symlinkSync(path.join(ROOT, "node_modules", "@types"), path.join(modules, "@types"));
    });
    after(() => fs.rmSync(scratch, { recursive: true, force: true }));

    it("ships compiled JS with types, the bundled app and demo model, and the plugin manifest, and no tests", () => {
        for (const f of [
            "bin/components/index.js",
            "bin/components/rollout/main.js",
            "bin/components/index.d.ts",
            "bin/components/args.d.ts",
            // The command (package.json "bin") and what it runs: the plan, the converter and the local runner.
            "bin/cli/main.js",
            "bin/plan/cli.js",
            "bin/demo/index.js",
            "app/conversion/samples.py",
            "local/start.py",
            "local/local_lambda.py",
            "local/requirements.txt",
            "local/rie.version",
            "app/constraints-dev.txt",
            "app/Dockerfile",
            "app/.dockerignore",
            "app/requirements/onnx.txt",
            "app/requirements/sklearn.txt",
            "app/prune_site_packages.py",
            "app/model/model.json",
            "app/model/sklearn/model.joblib",
            "app/model/sklearn/model.json",
            "app/model/model.onnx",
            "app/convert.py",
            // The function's whole package, its contract included: what the image copies.
            ...fs
                .readdirSync(path.join(ROOT, "app", "inference"))
                .filter((f) => f.endsWith(".py") || f === "contract.json")
                .map((f) => `app/inference/${f}`),
            "PulumiPlugin.yaml",
            "package.json",
        ]) {
            assert.ok(files.includes(f), `${f} is in the package`);
        }
        assert.deepStrictEqual(
            files.filter((f) => /(^|\/)(tests?|__pycache__|bench|fixtures)\//.test(f) || f.endsWith(".pyc")),
            [],
        );
    });

    it("stays within its size budget (docs/local.md): the app, the command and its tools, no more", () => {
        const [info] = JSON.parse(
            execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8" }).replace(
                /^[^[]*/s,
                "",
            ),
        );
        assert.ok(info.size <= 600_000, `packed ${info.size} bytes: over the 600 kB budget`);
        assert.ok(info.unpackedSize <= 2_500_000, `unpacked ${info.unpackedSize} bytes: over the 2.5 MB budget`);
    });

    it("type-checks a TypeScript program that uses the component, and rejects a wrong arg type", () => {
        fs.writeFileSync(
            path.join(scratch, "index.ts"),
            [
                'import { InferenceFunction, InferenceFunctionArgs } from "lambda-inference";',
                'const args: InferenceFunctionArgs = { modelPath: "model.joblib", architecture: "arm64", memorySize: 2048 };',
                'const fn = new InferenceFunction("classifier", args);',
                "export const url: typeof fn.functionUrl = fn.functionUrl;",
                "export const arn = fn.functionArn.apply((a: string) => a.toUpperCase());",
                "// @ts-expect-error memorySize is a number",
                'new InferenceFunction("wrong", { memorySize: "big" });',
            ].join("\n"),
        );
        fs.writeFileSync(
            path.join(scratch, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: { strict: true, module: "commonjs", target: "ES2022", noEmit: true, types: ["node"] },
                files: ["index.ts"],
            }),
        );
        execFileSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", scratch], {
            encoding: "utf8",
        });
    });

    it("loads from node_modules and finds its bundled app there, not in the working directory", () => {
        const out = execFileSync(
            process.execPath,
            ["-e", 'const d = require("lambda-inference/bin/components/defaults"); console.log(d.BUNDLED_APP_PATH);'],
            {
                cwd: os.tmpdir(),
                env: { ...process.env, NODE_PATH: path.join(scratch, "node_modules") },
                encoding: "utf8",
            },
        ).trim();
        assert.strictEqual(out, path.join(scratch, "node_modules", "lambda-inference", "app"));
        assert.ok(fs.existsSync(path.join(out, "Dockerfile")));
        const contract = execFileSync(
            process.execPath,
            [
                "-e",
                'const c = require("lambda-inference/bin/components/contract"); console.log(c.CONTRACT_PATH, c.CONTRACT.handler);',
            ],
            {
                cwd: os.tmpdir(),
                env: { ...process.env, NODE_PATH: path.join(scratch, "node_modules") },
                encoding: "utf8",
            },
        ).trim();
        assert.strictEqual(
            contract,
            `${path.join(out, "inference", "contract.json")} inference.handler.lambda_handler`,
        );
        const exported = execFileSync(
            process.execPath,
            ["-e", 'console.log(Object.keys(require("lambda-inference")).join(","))'],
            { cwd: scratch, encoding: "utf8" },
        ).trim();
        assert.strictEqual(exported, "InferenceFunction");
    });
});
