import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser, Instruction } from "dockerfile-ast";
import { validate } from "dockerfile-utils";
import { CONTRACT } from "../components/contract";
import { MODEL_FORMATS, SNAP_START, TEXT_TARGET } from "../components/defaults";

const APP = path.resolve(__dirname, "..", "app");
const content = fs.readFileSync(path.join(APP, "Dockerfile"), "utf8");
const dockerfile = DockerfileParser.parse(content);
const instructions = dockerfile.getInstructions();

/** An instruction's source text, flags included. */
function raw(i: { getRange(): { start: { line: number }; end: { line: number } } }): string {
    const { start, end } = i.getRange();
    return content
        .split("\n")
        .slice(start.line, end.line + 1)
        .join("\n");
}

/** The instructions of one stage, by its name. */
function stage(name: string): Instruction[] {
    const froms = dockerfile.getFROMs();
    const index = froms.findIndex((f) => f.getBuildStage() === name);
    assert.ok(index >= 0, `stage ${name} exists`);
    const start = froms[index].getRange().start.line;
    const end = index + 1 < froms.length ? froms[index + 1].getRange().start.line : Infinity;
    return instructions.filter((i) => i.getRange().start.line >= start && i.getRange().start.line < end);
}

const args = (i: Instruction) => i.getArgumentsContent() ?? "";

describe("app/Dockerfile", () => {
    it("passes the dockerfile-utils linter with no diagnostics", () => {
        assert.deepStrictEqual(
            validate(content).map((d) => `${d.range.start.line + 1}: ${d.message}`),
            [],
        );
    });

    it("has one runtime target per model format, built on one base stage from the BASE_IMAGE build arg", () => {
        assert.deepStrictEqual(
            dockerfile.getInitialARGs().map((a) => a.getArgumentsContent()),
            ["BASE_IMAGE=public.ecr.aws/lambda/python:3.12"],
        );
        assert.deepStrictEqual(
            dockerfile.getFROMs().map((f) => f.getArgumentsContent()),
            [
                "${BASE_IMAGE} AS base",
                "base AS onnx-deps",
                "onnx-deps AS text-deps",
                "base AS sklearn-deps",
                "base AS extensions",
                "base AS sklearn",
                "base AS onnx",
                "sklearn AS sklearn-bundled",
                "onnx AS onnx-bundled",
                "base AS onnx-text",
                "onnx-text AS onnx-text-bundled",
                "onnx AS default",
            ],
        );
        // The last stage is what a plain `docker build` gives: the ONNX runtime, as the component's default.
        assert.deepStrictEqual(stage("default").map(raw), ["FROM onnx AS default"]);
    });

    it("installs each runtime's locked requirements, every wheel checked against its hash, and prunes them", () => {
        for (const format of MODEL_FORMATS) {
            const run = stage(`${format}-deps`).find((i) => i.getKeyword() === "RUN");
            assert.ok(run, `${format}-deps installs`);
            assert.match(
                args(run),
                new RegExp(
                    `pip install --no-cache-dir --require-hashes --only-binary=:all: .*--target "\\$\\{LAMBDA_TASK_ROOT\\}" -r ${format}\\.txt`,
                ),
            );
            assert.match(
                args(run),
                new RegExp(`python prune_site_packages\\.py --runtime ${format} "\\$\\{LAMBDA_TASK_ROOT\\}"`),
            );
            // The lock is generated from the pins (npm run lock), every requirement with its hashes.
            const lock = fs.readFileSync(path.join(APP, "requirements", `${format}.txt`), "utf8");
            const locked = lock.split("\n").filter((l) => /^[A-Za-z0-9_.-]+==/.test(l));
            assert.ok(lock.includes("npm run lock"), `${format}.txt says how it is made`);
            assert.ok(locked.length > 0 && locked.every((l) => l.endsWith(" \\")), `${format}.txt pins carry hashes`);
            const pinned = fs
                .readFileSync(path.join(APP, "requirements", `${format}.in`), "utf8")
                .split("\n")
                .filter((l) => l && !l.startsWith("#"));
            for (const pin of pinned) {
                assert.ok(locked.includes(`${pin} \\`), `${pin} is in ${format}.txt`);
            }
        }
        // ONNX Runtime declares its tooling's dependencies; inference needs numpy only. awscrt is the S3 client,
        // orjson writes the batch transform's lines.
        assert.match(args(stage("onnx-deps").find((i) => i.getKeyword() === "RUN")!), / --no-deps /);
        const onnxPins = fs.readFileSync(path.join(APP, "requirements", "onnx.in"), "utf8");
        assert.deepStrictEqual(
            onnxPins.split("\n").filter((l) => l && !l.startsWith("#")),
            ["onnxruntime==1.32.0", "numpy==2.3.5", "awscrt==0.38.1", "orjson==3.13.0"],
        );
        const sklearnPins = fs.readFileSync(path.join(APP, "requirements", "sklearn.in"), "utf8");
        assert.ok(!/onnx/.test(sklearnPins) && !/scikit-learn|scipy|pandas/.test(onnxPins));
        // A pipeline fitted on a DataFrame of several types is given a DataFrame by the scikit-learn runtime.
        assert.ok(/^pandas==/m.test(sklearnPins), "the scikit-learn runtime builds DataFrames");
        assert.ok(/^awscrt==0\.38\.1$/m.test(sklearnPins), "both runtimes fetch from S3 with the same client");
        assert.ok(/^orjson==3\.13\.0$/m.test(sklearnPins), "both runtimes write batch lines with the same encoder");
        // What the contract says each format's image serves is what its requirements pin.
        for (const [format, { serves }] of Object.entries(CONTRACT.formats)) {
            const pins = fs.readFileSync(path.join(APP, "requirements", `${format}.in`), "utf8");
            for (const [library, version] of Object.entries(serves)) {
                assert.ok(
                    pins.split("\n").includes(`${library}==${version}`),
                    `${format}.in pins ${library}==${version}`,
                );
            }
        }
    });

    // Data capture's extension: in /opt/extensions (where Lambda starts extensions) under the name it
    // registers with, only when the component's build argument says so; every target takes the folder.
    const { extension, buildArg } = CONTRACT.capture;
    const CAPTURE_STEPS = ["COPY --from=extensions /opt/extensions /opt/extensions"];

    it("adds data capture's extension only when its build argument is on, and refuses another value", () => {
        assert.deepStrictEqual(stage("extensions").map(raw), [
            "FROM base AS extensions",
            `ARG ${buildArg}=off`,
            `COPY --chmod=755 extension/${extension} /build/`,
            `RUN mkdir -p /opt/extensions && case "\${${buildArg}}" in \\\n` +
                `      on) cp /build/${extension} /opt/extensions/ ;; \\\n` +
                "      off) ;; \\\n" +
                `      *) echo "${buildArg} must be on or off, not \${${buildArg}}" >&2; exit 1 ;; \\\n` +
                "    esac",
        ]);
    });

    it("the capture extension's launcher runs the module that registers under its file name", () => {
        const launcher = fs.readFileSync(path.join(APP, "extension", extension), "utf8");
        assert.match(launcher, /^#!\/bin\/sh\n/);
        assert.match(launcher, /\nexec python3 -S -m inference\.capture\.extension\n$/);
        assert.ok((fs.statSync(path.join(APP, "extension", extension)).mode & 0o111) !== 0, "executable");
    });

    // The contract (app/inference/contract.json) names the handler, the environment and the model paths;
    // the Dockerfile must say the same, or the component and the image disagree.
    const env = CONTRACT.environment.model;
    for (const format of MODEL_FORMATS) {
        it(`${format}: only installed packages from its deps stage, then the function's package, compiled; CMD last`, () => {
            const steps = stage(format).map(raw);
            assert.deepStrictEqual(steps, [
                `FROM base AS ${format}`,
                `COPY --from=${format}-deps \${LAMBDA_TASK_ROOT} \${LAMBDA_TASK_ROOT}`,
                "COPY inference/ ${LAMBDA_TASK_ROOT}/inference/",
                'RUN python -m compileall -q "${LAMBDA_TASK_ROOT}/inference"',
                ...CAPTURE_STEPS,
                `ENV ${env.format}=${format}`,
                `CMD ["${CONTRACT.handler}"]`,
            ]);
            assert.strictEqual(CONTRACT.handler.split(".")[0], "inference", "the handler is in the package copied");
        });
    }

    for (const format of MODEL_FORMATS) {
        it(`${format}-bundled: the model from the build context \`model\` as the last layer, where the contract says`, () => {
            const inImage = CONTRACT.formats[format].pathInImage;
            const file = path.posix.basename(inImage);
            assert.ok(inImage.startsWith("/var/task/"), "under the task root");
            const underRoot = inImage.slice("/var/task".length);
            assert.deepStrictEqual(stage(`${format}-bundled`).map(raw), [
                `FROM ${format} AS ${format}-bundled`,
                `ARG MODEL_FILE=${file}`,
                `COPY --from=model \${MODEL_FILE} \${LAMBDA_TASK_ROOT}${underRoot}`,
                `ENV ${env.path}=\${LAMBDA_TASK_ROOT}${underRoot}`,
            ]);
        });
    }

    it(`${TEXT_TARGET}: the ONNX runtime's packages plus the text stage's locked, unresolved, pruned`, () => {
        const run = stage("text-deps").find((i) => i.getKeyword() === "RUN");
        assert.ok(run);
        // --no-deps: tokenizers' huggingface_hub downloads from the Hub, which the function never does.
        assert.match(
            args(run),
            /^pip install --no-cache-dir --require-hashes --only-binary=:all: --no-deps --target "\$\{LAMBDA_TASK_ROOT\}" -r text\.txt/,
        );
        assert.match(args(run), /python prune_site_packages\.py --runtime text "\$\{LAMBDA_TASK_ROOT\}"$/);
        const lock = fs.readFileSync(path.join(APP, "requirements", "text.txt"), "utf8");
        const locked = lock.split("\n").filter((l) => /^[A-Za-z0-9_.-]+==/.test(l));
        assert.deepStrictEqual(locked, ["onnxruntime-extensions==0.15.2 \\", "tokenizers==0.23.3 \\"]);
        assert.deepStrictEqual(stage(TEXT_TARGET).map(raw), [
            `FROM base AS ${TEXT_TARGET}`,
            "COPY --from=text-deps ${LAMBDA_TASK_ROOT} ${LAMBDA_TASK_ROOT}",
            "COPY inference/ ${LAMBDA_TASK_ROOT}/inference/",
            'RUN python -m compileall -q "${LAMBDA_TASK_ROOT}/inference"',
            ...CAPTURE_STEPS,
            `ENV ${env.format}=onnx`,
            `CMD ["${CONTRACT.handler}"]`,
        ]);
        // The tokenizer.json and config.json go beside the graph, where the app looks for MODEL_FILES.
        assert.deepStrictEqual(stage(`${TEXT_TARGET}-bundled`).map(raw), [
            `FROM ${TEXT_TARGET} AS ${TEXT_TARGET}-bundled`,
            "ARG MODEL_FILE=model.onnx",
            "COPY --from=model ${MODEL_FILE} ${LAMBDA_TASK_ROOT}/model/model.onnx",
            "COPY --from=model *.json ${LAMBDA_TASK_ROOT}/model/",
            `ENV ${env.path}=\${LAMBDA_TASK_ROOT}/model/model.onnx`,
        ]);
        assert.strictEqual(CONTRACT.formats.onnx.pathInImage, "/var/task/model/model.onnx");
    });

    it("pins one BLAS/OpenMP thread and turns ONNX Runtime's telemetry off in the base every target shares", () => {
        const env = stage("base")
            .filter((i) => i.getKeyword() === "ENV")
            .map(args)
            .join(" ");
        for (const name of [
            "OMP_NUM_THREADS=1",
            "OPENBLAS_NUM_THREADS=1",
            "MKL_NUM_THREADS=1",
            "ORT_DISABLE_TELEMETRY=1",
        ]) {
            assert.ok(env.split(/\s+/).includes(name), name);
        }
    });

    it("labels the base every target shares so that Lambda may snapshot it on any base (SnapStart)", () => {
        const labels = stage("base")
            .filter((i) => i.getKeyword() === "LABEL")
            .map(args);
        assert.deepStrictEqual(labels, [SNAP_START.label]);
    });

    it("has a .dockerignore that lets in only what the Dockerfile copies", () => {
        const ignore = fs.readFileSync(path.join(APP, ".dockerignore"), "utf8");
        const allowed = ignore
            .split("\n")
            .filter((l) => l.startsWith("!"))
            .map((l) => l.slice(1))
            .sort();
        assert.ok(ignore.split("\n").includes("**"), "everything is excluded first");
        assert.deepStrictEqual(allowed, [
            "Dockerfile",
            `extension/${CONTRACT.capture.extension}`,
            "inference/**/*.py",
            "inference/contract.json",
            "prune_site_packages.py",
            "requirements/*.txt",
        ]);
        const [pkg, module] = CONTRACT.handler.split(".");
        assert.ok(fs.existsSync(path.join(APP, pkg, `${module}.py`)), `the handler is ${pkg}/${module}.py`);
        for (const format of MODEL_FORMATS) {
            assert.ok(fs.existsSync(path.join(APP, "requirements", `${format}.txt`)), `requirements/${format}.txt`);
        }
    });
});
