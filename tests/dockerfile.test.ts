import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser } from "dockerfile-ast";
import { validate } from "dockerfile-utils";

const APP = path.resolve(__dirname, "..", "app");
const content = fs.readFileSync(path.join(APP, "Dockerfile"), "utf8");
const dockerfile = DockerfileParser.parse(content);
const instructions = dockerfile.getInstructions();
const keywords = instructions.map((i) => i.getKeyword());

/** An instruction's source text, flags included. */
function raw(i: { getRange(): { start: { line: number }; end: { line: number } } }): string {
    const { start, end } = i.getRange();
    return content
        .split("\n")
        .slice(start.line, end.line + 1)
        .join("\n");
}

function indexOf(predicate: (keyword: string, args: string) => boolean): number {
    return instructions.findIndex((i) => predicate(i.getKeyword(), i.getArgumentsContent() ?? ""));
}

describe("app/Dockerfile", () => {
    it("passes the dockerfile-utils linter with no diagnostics", () => {
        assert.deepStrictEqual(
            validate(content).map((d) => `${d.range.start.line + 1}: ${d.message}`),
            [],
        );
    });

    it("takes the Lambda Python 3.12 base from the BASE_IMAGE build arg, in both stages", () => {
        const args = dockerfile.getInitialARGs().map((a) => a.getArgumentsContent());
        assert.deepStrictEqual(args, ["BASE_IMAGE=public.ecr.aws/lambda/python:3.12"]);
        assert.deepStrictEqual(
            dockerfile.getFROMs().map((f) => f.getArgumentsContent()),
            ["${BASE_IMAGE} AS builder", "${BASE_IMAGE} AS sklearn"],
        );
    });

    it("installs requirements with --no-cache-dir and prunes them, before any app source is copied", () => {
        const install = indexOf((k, a) => k === "RUN" && a.includes("pip install"));
        const source = indexOf((k, a) => k === "COPY" && a.startsWith("function/"));
        assert.ok(install >= 0 && source >= 0);
        assert.ok(install < source, "dependencies are a layer of their own, below the source");
        const run = instructions[install].getArgumentsContent() ?? "";
        assert.match(run, /pip install --no-cache-dir --target "\$\{LAMBDA_TASK_ROOT\}" -r requirements\.txt/);
        assert.match(run, /python prune_site_packages\.py "\$\{LAMBDA_TASK_ROOT\}"/);
        assert.ok(!/pandas/.test(fs.readFileSync(path.join(APP, "requirements.txt"), "utf8")));
    });

    it("copies only installed packages from the builder and pins one BLAS thread", () => {
        const copyFrom = instructions.filter((i) => i.getKeyword() === "COPY" && /--from=builder/.test(raw(i)));
        assert.deepStrictEqual(copyFrom.map(raw), ["COPY --from=builder ${LAMBDA_TASK_ROOT} ${LAMBDA_TASK_ROOT}"]);
        const env = instructions
            .filter((i) => i.getKeyword() === "ENV")
            .map((i) => i.getArgumentsContent() ?? "")
            .join(" ");
        assert.match(env, /OMP_NUM_THREADS=1/);
        assert.match(env, /OPENBLAS_NUM_THREADS=1/);
    });

    it("copies the function's modules as one folder and compiles them, naming none of them", () => {
        const copies = instructions.filter((i) => i.getKeyword() === "COPY" && !/--from=/.test(raw(i)));
        assert.deepStrictEqual(copies.map(raw).slice(-1), ["COPY function/ ${LAMBDA_TASK_ROOT}/"]);
        assert.ok(!/\.py\b/.test(copies.slice(-1).map(raw).join("")));
        const compile = instructions.find((i) => /compileall/.test(i.getArgumentsContent() ?? ""));
        assert.strictEqual(compile?.getArgumentsContent(), "python -m compileall -q -l ${LAMBDA_TASK_ROOT}");
    });

    it("ends with the handler CMD in exec form", () => {
        assert.strictEqual(keywords[keywords.length - 1], "CMD");
        assert.strictEqual(instructions[instructions.length - 1].getArgumentsContent(), '["handler.lambda_handler"]');
    });

    it("has a .dockerignore that lets in only what the Dockerfile copies", () => {
        const ignore = fs.readFileSync(path.join(APP, ".dockerignore"), "utf8");
        const allowed = ignore
            .split("\n")
            .filter((l) => l.startsWith("!"))
            .map((l) => l.slice(1))
            .sort();
        assert.ok(ignore.split("\n").includes("**"), "everything is excluded first");
        assert.deepStrictEqual(allowed, ["Dockerfile", "function/*.py", "prune_site_packages.py", "requirements.txt"]);
        for (const file of allowed.filter((f) => !f.includes("*"))) {
            assert.ok(fs.existsSync(path.join(APP, file)), `${file} exists`);
        }
        assert.ok(fs.existsSync(path.join(APP, "function", "handler.py")), "the handler is in function/");
    });
});
