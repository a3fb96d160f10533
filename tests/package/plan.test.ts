import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { planGraph, renderGraph } from "../../scripts/docs";
import { checks } from "../../plan/checks";
import { renderCapture, renderMetrics } from "../../plan/render";
import { PLAN_OPTIONS } from "../../scripts/plan";
import { deploy, FIXTURE_MODEL, modelReadName } from "../harness";
import { mocks } from "../mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function planJson(...args: string[]): any {
    const out = execFileSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", "--json", ...args],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    return JSON.parse(out);
}

/** The names of the checks that do not pass, advisory ones marked. */
const failing = (resources = mocks.resources) =>
    checks(resources)
        .filter((c) => !c.pass)
        .map((c) => (c.advisory ? `(advisory) ${c.name}` : c.name));

/** The recorded resources with one type's inputs changed. */
function tamper(type: string, change: (inputs: any) => any) {
    return mocks.resources.map((r) => (r.type === type ? { ...r, inputs: change(r.inputs) } : r));
}

describe("offline plan (npm run plan)", () => {
    it("--json: the root program's 28 resources, nothing deployed, every secure default passing", () => {
        const plan = planJson();
        assert.strictEqual(plan.deployed, false);
        assert.strictEqual(plan.resources.length, 28);
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass).map((c: any) => [c.name, c.advisory]),
            // The one hardening left to the user: the Dockerfile's base cannot be pinned where its registry is unreachable.
            [["base image pinned by digest (npm run pin-base-image)", true]],
        );
        assert.strictEqual(plan.checks.length, 26);
        const fn = plan.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.strictEqual(
            fn.inputs.imageUri,
            "(known after deploy: repositoryUrl)@(known after deploy: image digest)",
        );
    });

    it("--delivery image: 20 resources, no bucket, the model-in-image checks passing", () => {
        const plan = planJson("--delivery", "image");
        assert.strictEqual(plan.resources.length, 20);
        assert.ok(!plan.resources.some((r: any) => r.type.startsWith("aws:s3/")));
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass && !c.advisory),
            [],
        );
        assert.deepStrictEqual(
            plan.checks.map((c: any) => c.name).filter((n: string) => /model|S3/.test(n) && !n.startsWith("init")),
            [
                "model built into the image from its own build context",
                "function verifies the model in the image against its sha256",
                "role has no S3 access and no bucket exists",
            ],
        );
    });

    it("--model NAME=PATH, once per model: plans them behind one function, each with its signature", () => {
        const text = path.join(ROOT, "examples", "text-classifier", "model", "model.onnx");
        const plan = planJson(
            "--model",
            `iris=${path.join(ROOT, "app", "model", "model.onnx")}`,
            "--model",
            `sentiment=${text}`,
        );
        assert.deepStrictEqual(
            plan.models.map((m: any) => [m.name, m.signature.sha256.slice(0, 12)]),
            [
                ["iris", "6e3839e72f7c"],
                ["sentiment", "fcc9b90f3ff6"],
            ],
        );
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass && !c.advisory),
            [],
        );
        const smoke = plan.resources.filter((r: any) => r.type === "aws:lambda/invocation:Invocation");
        assert.deepStrictEqual(
            smoke.map((r: any) => r.name),
            ["inference-smoke-test-iris", "inference-smoke-test-sentiment"],
        );
    });

    it("--model: plans that model, with its sha256, signature and sample as the smoke test", () => {
        const model = path.join(ROOT, "examples", "your-own-model", "model", "model.onnx");
        const signature = JSON.parse(fs.readFileSync(path.join(path.dirname(model), "model.json"), "utf8"));
        const plan = planJson("--model", model);
        assert.strictEqual(plan.model.path, model);
        assert.strictEqual(plan.model.signature.n_features, 13);
        const fn = plan.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.strictEqual(fn.inputs.environment.variables.MODEL_SHA256, signature.sha256);
        assert.strictEqual(fn.inputs.environment.variables.MODEL_FORMAT, "onnx");
        const smoke = plan.resources.find((r: any) => r.type === "aws:lambda/invocation:Invocation");
        assert.deepStrictEqual(JSON.parse(smoke.inputs.input), signature.sample);
        assert.deepStrictEqual(Object.keys(signature.sample.instances[0]).slice(0, 2), ["alcohol", "malic_acid"]);
    });

    it("lists the metrics the function will publish, in its namespace, with their dimensions and units", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, metricsNamespace: "Team/Models" });
        assert.deepStrictEqual(renderMetrics(mocks.resources), [
            "Metrics the function writes in its log lines (Embedded Metric Format, namespace Team/Models; no request to AWS):",
            "  per FunctionName and Version, and per FunctionName and ModelSha256:",
            "  RequestLatency (Milliseconds), ModelLatency (Milliseconds), Rows (Count), Status2xx (Count), Status4xx (Count), Status5xx (Count), ColdStart (Count)",
            "  and ColdStart per FunctionName, Version and InitType (a fresh init, a SnapStart restore, ...)",
        ]);
    });

    it("says what data capture keeps and where, and checks its reach", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, dataCapture: { samplingPercentage: 5, captureInputs: false } });
        assert.deepStrictEqual(renderCapture(mocks.resources), [
            "Data capture: 5% of the answered requests, their outputs,",
            "  to s3://demo-capture-1a2b3c/capture/dt=YYYY-MM-DD/*.jsonl, by the lambda-inference-capture extension in the image",
            "  (after each answer; uploaded every 60 s while requests arrive, and at shutdown)",
            "",
        ]);
        const capture = checks(mocks.resources).filter((c) => /capture/.test(c.name));
        assert.deepStrictEqual(
            capture.map((c) => [c.name, c.pass]),
            [
                ["data capture may only put objects under its prefix (no read, list or delete)", true],
                ["the capture bucket blocks public access and refuses requests without TLS", true],
            ],
        );
        // Each check can fail: a role that may also read the records, a bucket open to the public.
        const widened = mocks.resources.map((r) =>
            r.name === "demo-role-capture-write"
                ? {
                      ...r,
                      inputs: {
                          ...r.inputs,
                          policy: r.inputs.policy.replace('["s3:PutObject"]', '["s3:PutObject","s3:GetObject"]'),
                      },
                  }
                : r.name === "demo-capture-public-access"
                  ? { ...r, inputs: { ...r.inputs, restrictPublicBuckets: false } }
                  : r,
        );
        assert.deepStrictEqual(
            checks(widened)
                .filter((c) => /capture/.test(c.name))
                .map((c) => c.pass),
            [false, false],
        );
        await deploy({ modelPath: FIXTURE_MODEL });
        assert.deepStrictEqual(renderCapture(mocks.resources), []);
        assert.deepStrictEqual(
            checks(mocks.resources).filter((c) => /capture/.test(c.name)),
            [],
        );
    });

    it("--help prints every option and runs nothing; an unknown option is an error", () => {
        const run = (...args: string[]) =>
            spawnSync(
                process.execPath,
                [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", ...args],
                {
                    cwd: ROOT,
                    encoding: "utf8",
                    timeout: 120_000,
                },
            );
        const help = run("--help");
        assert.strictEqual(help.status, 0);
        for (const option of Object.keys(PLAN_OPTIONS)) {
            assert.ok(help.stdout.includes(option), option);
        }
        assert.ok(!help.stdout.includes("Resources"), "nothing planned");
        const unknown = run("--modle", "x.onnx");
        assert.strictEqual(unknown.status, 2);
        // The error, then the usage, as the package's command gives them.
        const [first, , usageLine] = unknown.stderr.split("\n");
        assert.strictEqual(first, "npm run plan: unknown option --modle; --help lists them");
        assert.strictEqual(usageLine, "usage: npm run plan -- [options]");
        const unsigned = run("--model", path.join(ROOT, "package.json"));
        assert.strictEqual(unsigned.status, 1);
        assert.match(unsigned.stderr, /modelPath/);
    });

    it("the model-in-image checks fail what they should", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image" });
        let tampered = tamper("aws:lambda/function:Function", (inputs) => ({
            ...inputs,
            environment: { variables: { ...inputs.environment.variables, MODEL_SHA256: "" } },
        }));
        mocks.resources = tampered;
        tampered = tamper("aws:iam/rolePolicy:RolePolicy", (inputs) => ({
            ...inputs,
            policy: JSON.stringify({ Statement: [{ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }] }),
        }));
        assert.deepStrictEqual(failing(tampered), [
            "(advisory) base image pinned by digest (npm run pin-base-image)",
            "function verifies the model in the image against its sha256",
            "role has no S3 access and no bucket exists",
        ]);
    });

    it("the checklist fails what it should", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            enableFunctionUrl: true,
            functionUrlAuthType: "NONE",
            reservedConcurrency: 50,
            forceDestroy: true,
            buildArgs: { BASE_IMAGE: `public.ecr.aws/lambda/python:3.12@sha256:${"ab".repeat(32)}` },
        });
        assert.deepStrictEqual(failing(), [
            "deletion protection kept (forceDestroy off)",
            "function URL requires IAM auth",
        ]);
        let tampered = tamper("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", (i) => ({
            ...i,
            restrictPublicBuckets: false,
        }));
        mocks.resources = tampered;
        tampered = tamper("docker-build:index:Image", (i) => ({ ...i, platforms: ["linux/amd64", "linux/arm64"] }));
        mocks.resources = tampered;
        tampered = tamper("aws:lambda/function:Function", (i) => ({
            ...i,
            imageUri: "repo:latest",
            reservedConcurrentExecutions: undefined,
        }));
        mocks.resources = tampered;
        tampered = tamper("aws:ecr/repository:Repository", (i) => ({ ...i, imageTagMutability: "MUTABLE" }));
        mocks.resources = tampered;
        tampered = tamper("aws:ecr/repositoryPolicy:RepositoryPolicy", (i) => ({
            ...i,
            policy: JSON.stringify({ Statement: [{ Principal: { Service: "lambda.amazonaws.com" } }] }),
        }));
        mocks.resources = tampered;
        // The reliability guarantees: the live image's lifecycle rule, a version alarm, the init budget.
        tampered = tamper("aws:ecr/lifecyclePolicy:LifecyclePolicy", (i) => ({
            ...i,
            policy: JSON.stringify({
                rules: JSON.parse(i.policy).rules.filter((r: any) => !r.selection.tagPrefixList?.includes("live")),
            }),
        }));
        mocks.resources = tampered.filter((r) => r.name !== "demo-version-5xx");
        tampered = tamper("aws:lambda/function:Function", (i) => ({
            ...i,
            environment: { variables: { ...i.environment.variables, INIT_BUDGET_SECONDS: "31" } },
        }));
        assert.deepStrictEqual(failing(tampered), [
            "only Lambda may pull, for this account's functions (repository policy)",
            "image tags are immutable, except latest, buildcache, live",
            "image built for exactly the function's platform",
            "function runs the image by digest, not a tag",
            "model bucket blocks all public access",
            "deletion protection kept (forceDestroy off)",
            "alarms on the new version's own answers: any 5xx, and a 4xx share (the app answers every request)",
            "the image live runs is never expired (a protected live tag, moved after each successful rollout)",
            "init has a budget within the timeout: a slow or silent S3 fails init, it does not hang",
            "function URL requires IAM auth",
            "a public function URL has a concurrency ceiling",
        ]);
    });

    it("a gradual rollout: every alarm rolls back, CodeDeploy's role is scoped; each check can fail", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" });
        assert.deepStrictEqual(failing(), ["(advisory) base image pinned by digest (npm run pin-base-image)"]);
        let tampered = tamper("aws:codedeploy/deploymentGroup:DeploymentGroup", (i) => ({
            ...i,
            alarmConfiguration: { ...i.alarmConfiguration, alarms: i.alarmConfiguration.alarms.slice(0, 4) },
        }));
        mocks.resources = tampered;
        tampered = tamper("aws:iam/role:Role", (i) => ({
            ...i,
            assumeRolePolicy: i.assumeRolePolicy.includes("codedeploy")
                ? JSON.stringify({ Statement: [{ Principal: { Service: "codedeploy.amazonaws.com" } }] })
                : i.assumeRolePolicy,
        }));
        assert.deepStrictEqual(failing(tampered).slice(1), [
            "a gradual rollout rolls back on every alarm, the new version's own included",
            "CodeDeploy's role is trusted only for this account's deployment group",
        ]);
    });

    it("with a KMS key: passes when everything uses it, fails when one place does not", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, kmsKeyArn: KEY });
        const names = checks(mocks.resources).map((c) => c.name);
        assert.ok(
            names.includes("the customer-managed KMS key encrypts the repository, logs, environment and model bucket"),
        );
        assert.deepStrictEqual(failing(), ["(advisory) base image pinned by digest (npm run pin-base-image)"]);
        const tampered = tamper("aws:cloudwatch/logGroup:LogGroup", (i) => ({ ...i, kmsKeyId: undefined }));
        assert.deepStrictEqual(failing(tampered).slice(1), [
            "the customer-managed KMS key encrypts the repository, logs, environment and model bucket",
        ]);
        await deploy();
        assert.ok(!checks(mocks.resources).some((c) => c.name.includes("KMS")), "no KMS checks without a key");
    });

    it("with queued and batch jobs: their guard rails pass, and each check can fail", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            asyncInference: {},
            batchTransform: { inputBucketName: "data-lake" },
        });
        const jobs = checks(mocks.resources)
            .filter((c) => /queue|batch state machine/.test(c.name))
            .map((c) => [c.name, c.pass]);
        assert.strictEqual(jobs.length, 10);
        assert.ok(
            jobs.every(([, ok]) => ok),
            JSON.stringify(jobs),
        );
        const plain = tamper("aws:sqs/queue:Queue", (i) => ({
            ...i,
            sqsManagedSseEnabled: undefined,
            redrivePolicy: undefined,
        }));
        assert.deepStrictEqual(failing(plain).slice(1), [
            "queues encrypted at rest (SQS keys, or the customer-managed key)",
            "failing messages go to a dead-letter queue after maxReceiveCount",
            "the dead-letter queue keeps a message longer than the queue (both count from its first send)",
        ]);
        const anywhere = tamper("aws:sfn/stateMachine:StateMachine", (i) => i).map((r) =>
            r.name === "demo-batch-role-run"
                ? {
                      ...r,
                      inputs: { ...r.inputs, policy: r.inputs.policy.replace(/function:[^"]+:live/, "function:*") },
                  }
                : r,
        );
        assert.deepStrictEqual(failing(anywhere).slice(1), ["the batch state machine invokes only the live alias"]);
        // A dead-letter queue that forgets first, no alarm on it, a state machine that logs rows or nothing, and
        // a function that may not check its runs: each fails its check.
        const forgetting = tamper("aws:sqs/queue:Queue", (i) =>
            i.redrivePolicy ? { ...i, messageRetentionSeconds: 1209600 } : i,
        ).filter((r) => !["demo-dlq-depth", "demo-queue-age"].includes(r.name));
        assert.deepStrictEqual(failing(forgetting).slice(1), [
            "the dead-letter queue keeps a message longer than the queue (both count from its first send)",
            "the queue's dead letters and backlog are alarmed",
        ]);
        const verbose = tamper("aws:sfn/stateMachine:StateMachine", (i) => ({
            ...i,
            loggingConfiguration: { ...i.loggingConfiguration, includeExecutionData: true },
        })).filter((r) => r.name !== "demo-role-batch-runs");
        assert.deepStrictEqual(failing(verbose).slice(1), [
            "the batch state machine logs its runs' errors, without the rows they read",
            "the function scores only batches of the batch state machine's own runs",
        ]);
        await deploy();
        assert.ok(!checks(mocks.resources).some((c) => /queue|batch/.test(c.name)), "no job checks without jobs");
    });

    describe("--mermaid", () => {
        let graph: string;
        before(() => {
            graph = planGraph();
        });

        /** The edges as `from --> to` by resource name. */
        const edges = () => {
            const names = new Map([...graph.matchAll(/^\s+(r\d+)\["([^"<]+?)(?:<br\/>|")/gm)].map((m) => [m[1], m[2]]));
            return [...graph.matchAll(/^\s+(r\d+) --> (r\d+)$/gm)].map(
                (m) => `${names.get(m[1])} --> ${names.get(m[2])}`,
            );
        };

        it("boxes the component's 27 children, labelled with their types", () => {
            assert.match(
                graph,
                /^flowchart LR\n {4}subgraph r0\["inference \(lambda-inference\.InferenceFunction\)"\]\n/,
            );
            assert.strictEqual(graph.match(/^ {8}r\d+\[/gm)?.length, 27);
            assert.match(graph, / {8}r\d+\["inference-fn<br\/><small>lambda\.Function<\/small>"\]\n/);
            assert.match(graph, / {8}r\d+\["inference-image<br\/><small>docker-build\.Image<\/small>"\]\n/);
        });

        it("draws what each resource waits for, as the engine is told", () => {
            const all = edges();
            assert.strictEqual(all.length, 49);
            const into = (name: string) =>
                all
                    .filter((e) => e.endsWith(` --> ${name}`))
                    .map((e) => e.split(" --> ")[0])
                    .sort();
            // The function waits for its image, role and both policies, log group, model object and pull policy.
            assert.deepStrictEqual(into("inference-fn"), [
                "inference-image",
                "inference-logs",
                "inference-model",
                "inference-models",
                "inference-repo",
                "inference-repo-policy",
                "inference-role",
                "inference-role-logs",
                modelReadName("<the component's bucket>", "models/model.onnx", "inference"),
            ]);
            // The model is uploaded only once every guard rail of its bucket is in place.
            assert.deepStrictEqual(into("inference-model"), [
                "inference-models",
                "inference-models-encryption",
                "inference-models-ownership",
                "inference-models-policy",
                "inference-models-public-access",
                "inference-models-versioning",
            ]);
            // Traffic moves only after the smoke test of the new version.
            assert.ok(all.includes("inference-smoke-test --> inference-alias"));
        });

        it("is the graph docs/architecture.md embeds (regenerate with `npm run docs`)", () => {
            const page = fs.readFileSync(path.join(ROOT, "docs", "architecture.md"), "utf8");
            assert.ok(renderGraph(page, graph) === page, "docs/architecture.md's graph is stale: run `npm run docs`");
        });
    });
});
