// The plan as `pulumi preview` would show it, then the checklist.
import { json, Plan } from "./types";

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

export function render(p: Plan): string {
    const lines = [
        "Offline plan of the root program (demo/index.ts) — computed under Pulumi mocks; NOTHING WAS DEPLOYED.",
        "Values marked (known after deploy) are computed by AWS or the image build.",
        "",
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
    lines.push("", `Resources: ${p.resources.length} to create`, "", "Secure defaults:");
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
