// The offline plan: runs the real root program (demo/index.ts) under Pulumi mocks
// and prints the InferenceFunction tree as `pulumi preview` would show it,
// then the secure-defaults checklist evaluated on that plan. Nothing is
// deployed; no credentials are needed.  `npm run plan [-- --json]`
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { MODEL_ENV_NAMES, PLATFORMS } from "../components/defaults";
import { isSecret, Recorded, RecordingMocks, settle } from "../tests/mockEngine";

const ROOT = path.resolve(__dirname, "..");
const COMPUTED = (what: string) => `(known after deploy: ${what})`;
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface Check {
    name: string;
    pass: boolean;
    detail: string;
}

export interface Plan {
    resources: Recorded[];
    checks: Check[];
}

/** Inputs worth reading in a plan; the rest are noise for a reviewer. */
const SHOWN: { [type: string]: string[] } = {
    "aws:ecr/repository:Repository": ["imageScanningConfiguration", "encryptionConfigurations", "forceDelete"],
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["policy"],
    "docker-build:index:Image": ["platforms", "push", "context", "tags", "cacheTo"],
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
};

function find(resources: Recorded[], type: string, name?: string): Recorded | undefined {
    return resources.find((r) => r.type === type && (name === undefined || r.name === name));
}

function json(text: unknown): any {
    try {
        return typeof text === "string" ? JSON.parse(text) : undefined;
    } catch {
        return undefined;
    }
}

/** The secure defaults the README promises, judged on what would be registered. */
export function checks(resources: Recorded[]): Check[] {
    const repo = find(resources, "aws:ecr/repository:Repository")?.inputs ?? {};
    const image = find(resources, "docker-build:index:Image")?.inputs ?? {};
    const fn = find(resources, "aws:lambda/function:Function")?.inputs ?? {};
    const pab = find(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")?.inputs ?? {};
    const bucketPolicy = json(find(resources, "aws:s3/bucketPolicy:BucketPolicy")?.inputs.policy);
    const trust = json(find(resources, "aws:iam/role:Role")?.inputs.assumeRolePolicy);
    const policies = resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    const statements = policies.flatMap((p) => json(p.inputs.policy)?.Statement ?? []);
    const modelRead = json(policies.find((p) => p.name.endsWith("-model-read"))?.inputs.policy)?.Statement?.[0];
    const object = find(resources, "aws:s3/bucketObjectv2:BucketObjectv2")?.inputs;
    const logs = find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs ?? {};
    const url = find(resources, "aws:lambda/functionUrl:FunctionUrl")?.inputs;
    const env = fn.environment?.variables ?? {};
    const arch = fn.architectures?.[0];
    const platform = PLATFORMS[arch as string];
    const secretRegistries = isSecret(image.registries);
    const list: Check[] = [
        { name: "ECR scans images on push", pass: repo.imageScanningConfiguration?.scanOnPush === true, detail: "" },
        { name: "ECR encrypts images", pass: (repo.encryptionConfigurations ?? []).length > 0, detail: "" },
        {
            name: "ECR lifecycle policy keeps the newest images",
            pass: !!find(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy"),
            detail: "",
        },
        {
            name: "image built for exactly the function's platform",
            pass: Array.isArray(image.platforms) && image.platforms.length === 1 && image.platforms[0] === platform,
            detail: `${JSON.stringify(image.platforms)} for ${arch}`,
        },
        { name: "registry password stays secret", pass: secretRegistries, detail: "" },
        {
            name: "function runs the image by digest, not a tag",
            pass: typeof fn.imageUri === "string" && /@(sha256:|\(known after deploy)/.test(fn.imageUri),
            detail: String(fn.imageUri),
        },
        {
            name: "model bucket blocks all public access",
            pass: ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
                (k) => pab[k] === true,
            ),
            detail: "",
        },
        {
            name: "model bucket enforces the owner (no ACLs)",
            pass:
                find(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")?.inputs.rule
                    ?.objectOwnership === "BucketOwnerEnforced",
            detail: "",
        },
        {
            name: "model bucket is versioned",
            pass:
                find(resources, "aws:s3/bucketVersioning:BucketVersioning")?.inputs.versioningConfiguration?.status ===
                "Enabled",
            detail: "",
        },
        {
            name: "model bucket is encrypted",
            pass: !!find(
                resources,
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            ),
            detail: "",
        },
        {
            name: "model bucket refuses non-TLS requests",
            pass: bucketPolicy?.Statement?.some(
                (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
            ),
            detail: "",
        },
        {
            name: "deletion protection kept (forceDestroy off)",
            pass: repo.forceDelete === false && find(resources, "aws:s3/bucket:Bucket")?.inputs.forceDestroy === false,
            detail: "",
        },
        { name: "model upload verified by S3 (sha256)", pass: object?.checksumAlgorithm === "SHA256", detail: "" },
        {
            name: "role trusted by lambda.amazonaws.com only",
            pass:
                trust?.Statement?.length === 1 &&
                trust.Statement[0].Principal?.Service === "lambda.amazonaws.com" &&
                trust.Statement[0].Action === "sts:AssumeRole",
            detail: "",
        },
        {
            name: "role has no wildcard actions",
            pass: statements.every((s: any) => ![s.Action].flat().some((a: string) => a.includes("*"))),
            detail: "",
        },
        {
            name: "role reads only the model object",
            pass:
                modelRead !== undefined &&
                typeof modelRead.Resource === "string" &&
                !modelRead.Resource.endsWith("*") &&
                modelRead.Resource.endsWith(`/${object?.key ?? env.MODEL_KEY}`),
            detail: String(modelRead?.Resource),
        },
        {
            name: "logs kept for a limited time, JSON format, own log group",
            pass: typeof logs.retentionInDays === "number" && fn.loggingConfig?.logFormat === "JSON",
            detail: `${logs.retentionInDays} days`,
        },
        {
            name: "function gets the model's location and identity",
            pass: MODEL_ENV_NAMES.every((k) => k in env),
            detail: `MODEL_SHA256=${env.MODEL_SHA256}`,
        },
    ];
    if (url) {
        list.push({
            name: "function URL requires IAM auth",
            pass: url.authorizationType === "AWS_IAM",
            detail: url.authorizationType,
        });
    }
    return list;
}

/** Runs demo/index.ts under mocks; every value AWS would compute is shown as such. */
export async function plan(): Promise<Plan> {
    const mocks = new RecordingMocks(COMPUTED);
    await pulumi.runtime.setMocks(mocks, "lambda-inference-demo", "plan", false);
    require(path.join(ROOT, "demo"));
    await settle();
    return { resources: mocks.resources, checks: checks(mocks.resources) };
}

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
        lines.push(`  [${c.pass ? "pass" : "FAIL"}] ${c.name}${c.detail && !c.pass ? ` (${c.detail})` : ""}`);
    }
    const failed = p.checks.filter((c) => !c.pass).length;
    lines.push(`  ${p.checks.length - failed} passed, ${failed} failed`);
    return lines.join("\n");
}

if (require.main === module) {
    plan()
        .then((p) => {
            if (process.argv.includes("--json")) {
                process.stdout.write(JSON.stringify({ deployed: false, ...p }, null, 2) + "\n");
            } else {
                console.log(render(p));
            }
            process.exit(p.checks.every((c) => c.pass) ? 0 : 1);
        })
        .catch((e) => {
            console.error(`plan failed: ${e instanceof Error ? e.message : e}`);
            process.exit(1);
        });
}
