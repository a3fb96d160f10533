// The offline plan: runs the real root program (demo/index.ts) under Pulumi mocks
// and prints the InferenceFunction tree as `pulumi preview` would show it,
// then the secure-defaults checklist evaluated on that plan. Nothing is
// deployed; no credentials are needed.  `npm run plan [-- --json | --mermaid] [--delivery image]`
import * as fs from "fs";
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
    /** Reported, not failed: a hardening the user completes (such as pinning the base image). */
    advisory?: boolean;
}

/** How one registered resource hangs in the graph, as the engine would see it. */
export interface Link {
    type: string;
    name: string;
    /** The parent's type and name, undefined for the root program's own resources. */
    parent?: string;
    /** The resources this one depends on (its inputs' sources and dependsOn), as `type::name`. */
    dependencies: string[];
}

export interface Plan {
    resources: Recorded[];
    checks: Check[];
    links: Link[];
}

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

/** What the checks read from a plan: the resources by role, and the function's environment. */
interface Planned {
    resources: Recorded[];
    repo: any;
    image: any;
    fn: any;
    env: any;
    policies: Recorded[];
    /** Every statement of every role policy. */
    statements: any[];
}

const pass = (name: string, ok: boolean, detail = ""): Check => ({ name, pass: ok, detail });

/** The base image the build uses: the BASE_IMAGE build arg, else the Dockerfile's default. */
function baseImageOf(image: any): string {
    if (typeof image.buildArgs?.BASE_IMAGE === "string") {
        return image.buildArgs.BASE_IMAGE;
    }
    const location = image.dockerfile?.location;
    const text = typeof location === "string" && fs.existsSync(location) ? fs.readFileSync(location, "utf8") : "";
    return /^ARG BASE_IMAGE=(\S+)$/m.exec(text)?.[1] ?? "(unknown)";
}

function imageChecks({ resources, repo, image, fn }: Planned): Check[] {
    const arch = fn.architectures?.[0];
    const pull = json(find(resources, "aws:ecr/repositoryPolicy:RepositoryPolicy")?.inputs.policy)?.Statement ?? [];
    const base = baseImageOf(image);
    return [
        pass(
            "only Lambda may pull, for this account's functions (repository policy)",
            pull.length === 1 &&
                pull[0].Principal?.Service === "lambda.amazonaws.com" &&
                /:function:\*$/.test(pull[0].Condition?.StringLike?.["aws:sourceArn"] ?? ""),
        ),
        pass(
            "image tags are immutable, except latest and buildcache",
            repo.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION" &&
                JSON.stringify((repo.imageTagMutabilityExclusionFilters ?? []).map((f: any) => f.filter)) ===
                    JSON.stringify(["latest", "buildcache"]),
        ),
        {
            ...pass("base image pinned by digest (npm run pin-base-image)", /@sha256:[0-9a-f]{64}$/.test(base), base),
            advisory: true,
        },
        pass("ECR scans images on push", repo.imageScanningConfiguration?.scanOnPush === true),
        pass("ECR encrypts images", (repo.encryptionConfigurations ?? []).length > 0),
        pass(
            "ECR lifecycle policy keeps the newest images",
            !!find(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy"),
        ),
        pass(
            "image built for exactly the function's platform",
            Array.isArray(image.platforms) && image.platforms.length === 1 && image.platforms[0] === PLATFORMS[arch],
            `${JSON.stringify(image.platforms)} for ${arch}`,
        ),
        pass("registry password stays secret", isSecret(image.registries)),
        pass(
            "function runs the image by digest, not a tag",
            typeof fn.imageUri === "string" && /@(sha256:|\(known after deploy)/.test(fn.imageUri),
            String(fn.imageUri),
        ),
    ];
}

/** The model bucket and object (modelDelivery "s3"). */
function s3ModelChecks({ resources, repo, env, policies }: Planned): Check[] {
    const pab = find(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")?.inputs ?? {};
    const bucketPolicy = json(find(resources, "aws:s3/bucketPolicy:BucketPolicy")?.inputs.policy);
    const object = find(resources, "aws:s3/bucketObjectv2:BucketObjectv2")?.inputs;
    const modelRead = json(policies.find((p) => p.name.endsWith("-model-read"))?.inputs.policy)?.Statement?.[0];
    return [
        pass(
            "model bucket blocks all public access",
            ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
                (k) => pab[k] === true,
            ),
        ),
        pass(
            "model bucket enforces the owner (no ACLs)",
            find(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")?.inputs.rule?.objectOwnership ===
                "BucketOwnerEnforced",
        ),
        pass(
            "model bucket is versioned",
            find(resources, "aws:s3/bucketVersioning:BucketVersioning")?.inputs.versioningConfiguration?.status ===
                "Enabled",
        ),
        pass(
            "model bucket is encrypted",
            !!find(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
        ),
        pass(
            "model bucket refuses non-TLS requests",
            bucketPolicy?.Statement?.some(
                (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
            ) === true,
        ),
        pass(
            "deletion protection kept (forceDestroy off)",
            repo.forceDelete === false && find(resources, "aws:s3/bucket:Bucket")?.inputs.forceDestroy === false,
        ),
        pass(
            "model upload checksummed by S3 and compared with the file's sha256",
            object?.checksumAlgorithm === "SHA256",
        ),
        pass(
            "role reads only the model object",
            modelRead !== undefined &&
                typeof modelRead.Resource === "string" &&
                !modelRead.Resource.endsWith("*") &&
                modelRead.Resource.endsWith(`/${object?.key ?? env.MODEL_KEY}`),
            String(modelRead?.Resource),
        ),
        pass(
            "function gets the model's location and identity",
            MODEL_ENV_NAMES.every((k) => k in env),
            `MODEL_SHA256=${env.MODEL_SHA256}`,
        ),
    ];
}

/** The model baked into the image (modelDelivery "image"). */
function imageModelChecks({ resources, repo, image, env, statements }: Planned): Check[] {
    return [
        pass(
            "model built into the image from its own build context",
            image.context?.named?.model?.location !== undefined && /-bundled$/.test(image.target ?? ""),
            String(image.target),
        ),
        pass(
            "function verifies the model in the image against its sha256",
            typeof env.MODEL_PATH === "string" && /^[0-9a-f]{64}$|known after deploy/.test(String(env.MODEL_SHA256)),
            `MODEL_SHA256=${env.MODEL_SHA256}`,
        ),
        pass(
            "role has no S3 access and no bucket exists",
            !statements.some((s: any) => [s.Action].flat().some((a: string) => a.startsWith("s3:"))) &&
                !find(resources, "aws:s3/bucket:Bucket"),
        ),
        pass("deletion protection kept (forceDestroy off)", repo.forceDelete === false),
    ];
}

/** The alarms that catch a bad model or version, on by default. */
function alarmChecks({ resources }: Planned): Check[] {
    const metrics = resources
        .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((r) => r.inputs.metricName)
        .sort();
    return [
        pass(
            "alarms on by default: errors, throttles, p99 duration, failed inits",
            JSON.stringify(metrics) === JSON.stringify(["Duration", "Errors", "InitFailures", "Throttles"]),
            metrics.join(", "),
        ),
    ];
}

function roleAndLogChecks({ resources, fn, statements }: Planned): Check[] {
    const trust = json(find(resources, "aws:iam/role:Role")?.inputs.assumeRolePolicy);
    const logs = find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs ?? {};
    return [
        pass(
            "role trusted by lambda.amazonaws.com only",
            trust?.Statement?.length === 1 &&
                trust.Statement[0].Principal?.Service === "lambda.amazonaws.com" &&
                trust.Statement[0].Action === "sts:AssumeRole",
        ),
        pass(
            "role has no wildcard actions",
            statements.every((s: any) => ![s.Action].flat().some((a: string) => a.includes("*"))),
        ),
        pass(
            "logs kept for a limited time, JSON format, own log group",
            typeof logs.retentionInDays === "number" && fn.loggingConfig?.logFormat === "JSON",
            `${logs.retentionInDays} days`,
        ),
    ];
}

function urlChecks({ resources, fn }: Planned): Check[] {
    const url = find(resources, "aws:lambda/functionUrl:FunctionUrl")?.inputs;
    if (!url) {
        return [];
    }
    const list = [pass("function URL requires IAM auth", url.authorizationType === "AWS_IAM", url.authorizationType)];
    if (url.authorizationType === "NONE") {
        list.push(
            pass(
                "a public function URL has a concurrency ceiling",
                typeof fn.reservedConcurrentExecutions === "number",
                `reservedConcurrency ${fn.reservedConcurrentExecutions}`,
            ),
        );
    }
    return list;
}

/** With a customer-managed key, everything that encrypts uses it, and the role may decrypt with it only. */
function kmsChecks({ resources, repo, fn, policies, statements }: Planned): Check[] {
    const key = fn.kmsKeyArn;
    if (key === undefined) {
        return [];
    }
    const sse = find(
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    )?.inputs.rules?.[0]?.applyServerSideEncryptionByDefault;
    const decrypt = statements.filter((s: any) => [s.Action].flat().includes("kms:Decrypt"));
    const modelInS3 = policies.some((p) => p.name.endsWith("-model-read"));
    return [
        pass(
            "the customer-managed KMS key encrypts the repository, logs, environment and model bucket",
            repo.encryptionConfigurations?.[0]?.kmsKey === key &&
                find(resources, "aws:cloudwatch/logGroup:LogGroup")?.inputs.kmsKeyId === key &&
                (sse === undefined || (sse.sseAlgorithm === "aws:kms" && sse.kmsMasterKeyId === key)),
            String(key),
        ),
        pass(
            "the role decrypts with that key only",
            modelInS3 ? decrypt.length === 1 && decrypt[0].Resource === key : decrypt.length === 0,
        ),
    ];
}

/** The secure defaults the README promises, judged on what would be registered. */
export function checks(resources: Recorded[]): Check[] {
    const fn = find(resources, "aws:lambda/function:Function")?.inputs ?? {};
    const policies = resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy");
    const planned: Planned = {
        resources,
        repo: find(resources, "aws:ecr/repository:Repository")?.inputs ?? {},
        image: find(resources, "docker-build:index:Image")?.inputs ?? {},
        fn,
        env: fn.environment?.variables ?? {},
        policies,
        statements: policies.flatMap((p) => json(p.inputs.policy)?.Statement ?? []),
    };
    const modelInImage = "MODEL_PATH" in planned.env;
    return [
        ...imageChecks(planned),
        ...(modelInImage ? imageModelChecks(planned) : s3ModelChecks(planned)),
        ...roleAndLogChecks(planned),
        ...alarmChecks(planned),
        ...kmsChecks(planned),
        ...urlChecks(planned),
    ];
}

/** `type::name` of a URN (`urn:pulumi:stack::project::parent$type::name`). */
function keyOf(urn: string): string {
    const [, , qualifiedType, name] = urn.split("::");
    return `${qualifiedType.split("$").pop()}::${name}`;
}

/**
 * Records each registration's parent and dependencies. The mocks see only a resource's inputs, so
 * this listens where the SDK hands the registration to the (mock) monitor: the same request
 * `pulumi up` sends the engine.
 */
function recordLinks(): Link[] {
    const monitor: any = pulumi.runtime.getMonitor();
    if (typeof monitor?.registerResource !== "function") {
        throw new Error("@pulumi/pulumi's mock monitor has no registerResource; update scripts/plan.ts");
    }
    const links: Link[] = [];
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: unknown) => {
        const parent = req.getParent() ? keyOf(req.getParent()) : undefined;
        links.push({
            type: req.getType(),
            name: req.getName(),
            parent: parent?.startsWith("pulumi:pulumi:Stack::") ? undefined : parent,
            dependencies: [...new Set<string>(req.getDependenciesList().map(keyOf))].sort(),
        });
        return register(req, callback);
    };
    return links;
}

/** Runs demo/index.ts under mocks; every value AWS would compute is shown as such. */
export async function plan(delivery = "s3"): Promise<Plan> {
    const mocks = new RecordingMocks(COMPUTED);
    await pulumi.runtime.setMocks(mocks, "lambda-inference-demo", "plan", false);
    pulumi.runtime.setConfig("lambda-inference-demo:modelDelivery", delivery);
    const links = recordLinks();
    require(path.join(ROOT, "demo"));
    await settle();
    return { resources: mocks.resources, checks: checks(mocks.resources), links };
}

/** A short label for a type token: `aws:s3/bucket:Bucket` is `s3.Bucket`, `command:local:Command` `command.local.Command`. */
function shortType(token: string): string {
    const [pkg, mod, type] = token.split(":");
    return [pkg === "aws" ? "" : pkg, mod === "index" ? "" : mod.split("/")[0], type].filter(Boolean).join(".");
}

/**
 * The plan's resource graph as a Mermaid flowchart: the component as a box around its children, an
 * arrow from each resource to those that depend on it (what `pulumi up` creates first points onward).
 */
export function mermaid(p: Plan): string {
    // Sorted by name, not registration order (which async work inside the program may shuffle).
    const links = [...p.links].sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type));
    const ids = new Map(links.map((l, i) => [`${l.type}::${l.name}`, `r${i}`]));
    const node = (l: Link) => `${ids.get(`${l.type}::${l.name}`)}["${l.name}<br/><small>${shortType(l.type)}</small>"]`;
    const lines = ["flowchart LR"];
    const roots = links.filter((l) => l.parent === undefined);
    for (const root of roots) {
        const key = `${root.type}::${root.name}`;
        const children = links.filter((l) => l.parent === key);
        if (children.length === 0) {
            lines.push(`    ${node(root)}`);
            continue;
        }
        lines.push(`    subgraph ${ids.get(key)}["${root.name} (${shortType(root.type)})"]`);
        lines.push(...children.map((c) => `        ${node(c)}`));
        lines.push("    end");
    }
    for (const l of links) {
        for (const d of l.dependencies) {
            if (ids.has(d)) {
                lines.push(`    ${ids.get(d)} --> ${ids.get(`${l.type}::${l.name}`)}`);
            }
        }
    }
    return lines.join("\n");
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
        const mark = c.pass ? "pass" : c.advisory ? "warn" : "FAIL";
        lines.push(`  [${mark}] ${c.name}${c.detail && !c.pass ? ` (${c.detail})` : ""}`);
    }
    const failed = p.checks.filter((c) => !c.pass && !c.advisory).length;
    const warned = p.checks.filter((c) => !c.pass && c.advisory).length;
    const passed = p.checks.length - failed - warned;
    lines.push(`  ${passed} passed, ${failed} failed${warned ? `, ${warned} to do (warn)` : ""}`);
    return lines.join("\n");
}

if (require.main === module) {
    const at = process.argv.indexOf("--delivery");
    plan(at >= 0 ? process.argv[at + 1] : "s3")
        .then((p) => {
            if (process.argv.includes("--mermaid")) {
                console.log(mermaid(p));
            } else if (process.argv.includes("--json")) {
                process.stdout.write(JSON.stringify({ deployed: false, ...p }, null, 2) + "\n");
            } else {
                console.log(render(p));
            }
            process.exit(p.checks.every((c) => c.pass || c.advisory) ? 0 : 1);
        })
        .catch((e) => {
            console.error(`plan failed: ${e instanceof Error ? e.message : e}`);
            process.exit(1);
        });
}
