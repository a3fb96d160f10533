// The plan as `pulumi preview` would show it, then the metrics it will publish and the checklist.
import { CONTRACT } from "../components/contract";
import { TensorSpec } from "../components/signature";
import { Recorded } from "../mocking/recordingMocks";
import { json, Plan, PlannedModel } from "./types";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Inputs worth reading in a plan; the rest are noise for a reviewer. */
const SHOWN: { [type: string]: string[] } = {
    "aws:ecr/repository:Repository": ["imageScanningConfiguration", "encryptionConfigurations", "forceDelete"],
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["policy"],
    "docker-build:index:Image": ["platforms", "target", "push", "context", "buildArgs", "tags", "cacheTo"],
    "aws:s3/bucket:Bucket": ["forceDestroy"],
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
    ],
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["rule"],
    "aws:s3/bucketVersioning:BucketVersioning": ["versioningConfiguration"],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["rules"],
    "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
    "aws:s3/bucketObjectv2:BucketObjectv2": ["key", "checksumAlgorithm"],
    "aws:cloudwatch/logGroup:LogGroup": ["namePrefix", "retentionInDays"],
    "aws:iam/role:Role": ["assumeRolePolicy"],
    "aws:iam/rolePolicy:RolePolicy": ["policy"],
    "aws:lambda/function:Function": [
        "packageType",
        "imageUri",
        "architectures",
        "memorySize",
        "timeout",
        "ephemeralStorage",
        "snapStart",
        "loggingConfig",
        "environment",
    ],
    "aws:lambda/functionUrl:FunctionUrl": ["authorizationType", "qualifier"],
    "aws:lambda/alias:Alias": ["name", "functionVersion"],
    "aws:lambda/invocation:Invocation": ["qualifier", "input"],
    "aws:cloudwatch/metricAlarm:MetricAlarm": [
        "metricName",
        "extendedStatistic",
        "statistic",
        "threshold",
        "dimensions",
    ],
    "aws:cloudwatch/logMetricFilter:LogMetricFilter": ["pattern"],
    "aws:codedeploy/deploymentGroup:DeploymentGroup": [
        "deploymentConfigName",
        "autoRollbackConfiguration",
        "alarmConfiguration",
    ],
    "command:local:Command": ["create", "triggers"],
    "aws:appautoscaling/target:Target": ["resourceId", "minCapacity", "maxCapacity"],
};

function show(value: unknown): string {
    const text =
        typeof value === "string" ? (json(value) ? JSON.stringify(json(value)) : value) : JSON.stringify(value);
    return (text ?? "").split(UNKNOWN).join("(computed)");
}

const tensors = (specs: TensorSpec[] | undefined) =>
    (specs ?? []).map((t) => `${t.name} ${t.datatype} [${t.shape.join(", ")}]`).join(", ") || "(not recorded)";

/** Each feature's type, and whether it may be missing (null), as the function checks a request's rows. */
function renderFeatures(s: PlannedModel["signature"]): string[] {
    const features = s.features ?? [];
    const layout = s.layout === "text" ? "a text" : s.layout === "columns" ? "one input per column" : "one matrix";
    const shown = features.slice(0, 8).map((f) => {
        const categories = f.categories_only && f.categories ? ` of ${f.categories.length} values` : "";
        return `${s.feature_names_generated ? "" : `${f.name} `}${f.type}${categories}${f.missing ? " or null" : ""}`;
    });
    const more = features.length > 8 ? `, ... (${features.length})` : "";
    return [`  ${features.length} feature${features.length === 1 ? "" : "s"} (${layout}): ${shown.join(", ")}${more}`];
}

/** What the model's signature says, in a few lines. */
export function renderModel({ path: modelPath, signature: s, name }: PlannedModel): string[] {
    const trained = Object.entries(s.versions?.trained_with ?? {})
        .map(([library, version]) => `${library} ${version}`)
        .join(", ");
    const head = name ? `Model ${name}: ${modelPath}` : `Model: ${modelPath}`;
    if (s.n_features === null) {
        return [
            head,
            `  format ${s.format}, sha256 ${s.sha256.slice(0, 12)}, served through the inference protocol only`,
            `  inputs: ${tensors(s.inputs)}`,
            `  outputs: ${tensors(s.outputs)}`,
            `  smoke test: the signature's sample (an inference request); trained with ${trained || "(not recorded)"}`,
        ];
    }
    const named = s.feature_names ?? [];
    const names = s.feature_names_generated
        ? `positions (no names: trained on an array)`
        : `${named.slice(0, 5).join(", ")}${named.length > 5 ? `, ... (${named.length})` : ""}`;
    const rows = (s.sample?.instances as unknown[] | undefined)?.length ?? (s.sample ? 1 : 0);
    return [
        head,
        `  format ${s.format}, sha256 ${s.sha256.slice(0, 12)}, ${s.task}${s.classes ? ` of ${s.classes.length} classes` : ""}`,
        ...(s.text ? renderText(s) : []),
        ...(s.features?.some((f) => f.type !== "number" || f.missing) || s.layout === "text"
            ? renderFeatures(s)
            : [`  ${s.n_features} features: ${names}`]),
        `  smoke test: the signature's sample (${rows} row${rows === 1 ? "" : "s"}); trained with ${trained || "(not recorded)"}`,
    ];
}

/** A transformer text model: its task, what it answers, its tokenizer's limit, and the files beside it. */
function renderText(s: PlannedModel["signature"]): string[] {
    const text = s.text!;
    const answers = text.labels
        ? `labels ${text.labels.join(", ")}`
        : `embeddings${text.dimension ? ` of ${text.dimension} dimensions` : ""}`;
    const files = Object.keys(s.files ?? {});
    return [
        `  text model (${text.task}): ${answers}; texts truncated to ${text.maxLength} tokens`,
        ...(files.length ? [`  beside it, uploaded and verified with it: ${files.join(", ")}`] : []),
    ];
}

/** The metrics the function will publish through its log lines (Embedded Metric Format), as the contract names them. */
export function renderMetrics(resources: Recorded[]): string[] {
    const fn = resources.find((r) => r.type === "aws:lambda/function:Function");
    const namespace = fn?.inputs.environment?.variables?.[CONTRACT.environment.settings.metricsNamespace];
    const { dimensions, units } = CONTRACT.metrics;
    return [
        `Metrics the function writes in its log lines (Embedded Metric Format, namespace ${namespace ?? "(none)"}; no request to AWS):`,
        `  per ${dimensions.function} and ${dimensions.version}, and per ${dimensions.function} and ${dimensions.model}:`,
        `  ${Object.entries(units)
            .map(([name, unit]) => `${name} (${unit})`)
            .join(", ")}`,
        `  and ColdStart per ${dimensions.function}, ${dimensions.version} and ${dimensions.initType} (a fresh init, a SnapStart restore, ...)`,
    ];
}

/** Data capture, when it is on: what is kept, where it lands and how it gets there. */
export function renderCapture(resources: Recorded[]): string[] {
    const env = resources.find((r) => r.type === "aws:lambda/function:Function")?.inputs.environment?.variables ?? {};
    const names = CONTRACT.environment.capture;
    const uri = env[names.uri];
    if (uri === undefined) {
        return [];
    }
    return [
        `Data capture: ${env[names.samplingPercentage]}% of the answered requests, their ${String(env[names.content]).replace(",", " and ")},`,
        `  to ${show(uri)}${CONTRACT.capture.partition}=YYYY-MM-DD/*.jsonl, by the ${CONTRACT.capture.extension} extension in the image`,
        `  (after each answer; uploaded every ${env[names.maxSeconds]} s while requests arrive, and at shutdown)`,
        "",
    ];
}

export function render(p: Plan): string {
    const lines = [
        "Offline plan of the root program (demo/index.ts) — computed under Pulumi mocks; NOTHING WAS DEPLOYED.",
        "Values marked (known after deploy) are computed by AWS or the image build.",
        "",
        ...(p.models ?? [p.model]).flatMap((m) => [...renderModel(m), ""]),
    ];
    for (const r of p.resources) {
        const child = r.type !== "lambda-inference:index:InferenceFunction";
        lines.push(`${child ? "  + " : "+ "}${r.type}  ${r.name}`);
        for (const key of SHOWN[r.type] ?? []) {
            if (key in r.inputs) {
                lines.push(`${child ? "      " : "    "}${key}: ${show(r.inputs[key])}`);
            }
        }
    }
    lines.push(
        "",
        `Resources: ${p.resources.length} to create`,
        "",
        ...renderMetrics(p.resources),
        "",
        ...renderCapture(p.resources),
        "Secure defaults:",
    );
    for (const c of p.checks) {
        const mark = c.pass ? "pass" : c.advisory ? "warn" : "FAIL";
        lines.push(`  [${mark}] ${c.name}${c.detail && !c.pass ? ` (${c.detail})` : ""}`);
    }
    const failed = p.checks.filter((c) => !c.pass && !c.advisory).length;
    const warned = p.checks.filter((c) => !c.pass && c.advisory).length;
    const passed = p.checks.length - failed - warned;
    lines.push(`  ${passed} passed, ${failed} failed${warned ? `, ${warned} to do (warn)` : ""}`);
    return lines.join("\n");
}
