// The recording Pulumi mocks the component tests and the offline plan share: every resource and invoke
// recorded, and the values AWS and the image build compute filled in.
import * as crypto from "crypto";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { Link } from "./links";

/** One resource the program registered, as the engine would have seen it. */
export interface Recorded {
    type: string;
    name: string;
    inputs: any;
}

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
export const IMAGE_DIGEST = "sha256:" + "ab".repeat(32);
export const ECR_PASSWORD = "ecr-token-password";
/** The size S3 reports for an object adopted by key. */
export const EXISTING_OBJECT_BYTES = 123456;
export const EXISTING_OBJECT_VERSION = "existing-object-version";

/**
 * Records every resource and invoke, and fills in the outputs AWS and the
 * docker-build provider compute (URLs, ARNs, digests, version ids). Tests use
 * realistic example values; the offline plan passes `computed` to show each
 * such value as known only after deploy.
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    resources: Recorded[] = [];
    calls: { token: string; inputs: any }[] = [];
    /** Each registration's parent and dependencies, when recordLinks() listens (see links.ts). */
    links: Link[] = [];

    constructor(private readonly computed?: (what: string) => string) {}

    /** An output value AWS computes: the example, or the plan's placeholder for it. */
    private c(what: string, example: string): string {
        return this.computed ? this.computed(what) : example;
    }

    reset(): void {
        this.resources = [];
        this.calls = [];
        this.links = [];
        this.uploadedChecksum = undefined;
        this.invocationResult = undefined;
        this.liveModelKey = "models/previous-model.onnx";
    }

    /** Set by a test to make S3 report a checksum other than the uploaded file's (a file changed mid-deploy). */
    uploadedChecksum?: string;
    /** Set by a test to make the smoke invocation answer this instead of a prediction of the deployed model. */
    invocationResult?: string;
    /** The model key the live alias's version reads (what getFunction reports). */
    liveModelKey = "models/previous-model.onnx";

    async newResource(args: pulumi.runtime.MockResourceArgs): Promise<{ id: string; state: any }> {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        // Auto-named resources get their physical name from AWS/Pulumi at deploy time.
        const physical =
            args.inputs.name ??
            this.c(
                `${args.name} name`,
                args.inputs.namePrefix ? `${args.inputs.namePrefix}0001` : `${args.name}-1a2b3c`,
            );
        const state: any = { ...args.inputs };
        switch (args.type) {
            case "aws:ecr/repository:Repository":
                Object.assign(state, {
                    name: physical,
                    registryId: this.c("registryId", ACCOUNT),
                    repositoryUrl: this.c("repositoryUrl", `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${physical}`),
                    arn: this.c(`${args.name} arn`, `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${physical}`),
                });
                break;
            case "docker-build:index:Image":
                Object.assign(state, { digest: this.c("image digest", IMAGE_DIGEST) });
                break;
            case "aws:s3/bucket:Bucket":
                Object.assign(state, { bucket: physical, arn: this.c("bucket arn", `arn:aws:s3:::${physical}`) });
                break;
            case "aws:s3/bucketObjectv2:BucketObjectv2": {
                // What S3 computes on receipt: the sha256 of the bytes uploaded, base64-encoded.
                const content = args.inputs.content;
                const body =
                    typeof content === "string" ? Buffer.from(content) : fs.readFileSync(await args.inputs.source.path);
                Object.assign(state, {
                    versionId: this.c("model version id", `version-of-${args.inputs.key}`),
                    checksumSha256: this.uploadedChecksum ?? crypto.createHash("sha256").update(body).digest("base64"),
                });
                break;
            }
            case "aws:cloudwatch/logGroup:LogGroup":
                Object.assign(state, {
                    name: physical,
                    arn: this.c("log group arn", `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physical}`),
                });
                break;
            case "aws:iam/role:Role":
                Object.assign(state, {
                    name: physical,
                    arn: this.c("role arn", `arn:aws:iam::${ACCOUNT}:role/${physical}`),
                });
                break;
            case "aws:lambda/function:Function":
                Object.assign(state, {
                    name: physical,
                    arn: this.c("function arn", `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}`),
                    version: args.inputs.publish ? this.c("published version", "7") : "$LATEST",
                });
                break;
            case "aws:lambda/alias:Alias":
                Object.assign(state, {
                    arn: this.c(
                        "alias arn",
                        `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${args.inputs.functionName}:${args.inputs.name}`,
                    ),
                });
                break;
            case "aws:lambda/invocation:Invocation": {
                const sha256 = String(args.inputs.triggers?.sha256 ?? "");
                const answer = { predictions: ["setosa"], model: { versionId: null, sha256: sha256.slice(0, 12) } };
                Object.assign(state, { result: this.invocationResult ?? JSON.stringify(answer) });
                break;
            }
            case "aws:codedeploy/application:Application":
                Object.assign(state, { name: physical });
                break;
            case "aws:cloudwatch/metricAlarm:MetricAlarm":
                Object.assign(state, {
                    name: physical,
                    arn: this.c(`${args.name} arn`, `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${physical}`),
                });
                break;
            case "aws:sqs/queue:Queue":
                Object.assign(state, {
                    name: physical,
                    arn: this.c(`${args.name} arn`, `arn:aws:sqs:${REGION}:${ACCOUNT}:${physical}`),
                    url: this.c(`${args.name} url`, `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physical}`),
                });
                break;
            case "aws:lambda/capacityProvider:CapacityProvider":
                Object.assign(state, {
                    name: physical,
                    arn: this.c(
                        `${args.name} arn`,
                        `arn:aws:lambda:${REGION}:${ACCOUNT}:capacity-provider:${physical}`,
                    ),
                });
                break;
            case "aws:sfn/stateMachine:StateMachine":
                Object.assign(state, {
                    name: physical,
                    arn: this.c(`${args.name} arn`, `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${physical}`),
                });
                break;
            case "aws:lambda/functionUrl:FunctionUrl":
                Object.assign(state, {
                    functionUrl: this.c("function URL", "https://abcdefghij.lambda-url.us-east-1.on.aws/"),
                });
                break;
        }
        // Like the AWS provider, a bucket's id is its name.
        const id = args.type === "aws:s3/bucket:Bucket" ? physical : `${physical}-id`;
        return { id, state };
    }

    call(args: pulumi.runtime.MockCallArgs): any {
        this.calls.push({ token: args.token, inputs: args.inputs });
        switch (args.token) {
            case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
                return {
                    userName: "AWS",
                    password: ECR_PASSWORD,
                    authorizationToken: Buffer.from(`AWS:${ECR_PASSWORD}`).toString("base64"),
                    proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
                };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
            case "aws:index/getRegion:getRegion":
                return { region: REGION, name: REGION, id: REGION };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return { accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, id: ACCOUNT };
            case "aws:lambda/getFunction:getFunction":
                return {
                    functionName: args.inputs.functionName,
                    qualifier: args.inputs.qualifier,
                    version: "6",
                    environment: { variables: { MODEL_BUCKET: "demo-models-1a2b3c", MODEL_KEY: this.liveModelKey } },
                };
            case "aws:s3/getBucket:getBucket":
                return {
                    bucket: args.inputs.bucket,
                    arn: `arn:aws:s3:::${args.inputs.bucket}`,
                    id: args.inputs.bucket,
                };
            case "aws:s3/getObject:getObject":
                return {
                    bucket: args.inputs.bucket,
                    key: args.inputs.key,
                    versionId: EXISTING_OBJECT_VERSION,
                    contentLength: EXISTING_OBJECT_BYTES,
                    arn: `arn:aws:s3:::${args.inputs.bucket}/${args.inputs.key}`,
                };
            default:
                throw new Error(`unexpected invoke ${args.token}`);
        }
    }
}

/**
 * Waits until every registration the program started has reached the mock.
 * `waitForRPCs` is what `pulumi up` itself awaits before exiting; it is marked
 * internal, so fail loudly if an SDK upgrade removes it.
 */
export async function settle(): Promise<void> {
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof wait !== "function") {
        throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update mocking/recordingMocks.ts");
    }
    await wait();
}

/** The marker the Pulumi runtime wraps secret values in when it hands inputs to the mock monitor. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export function isSecret(value: any): boolean {
    return !!value && value[SECRET_SIG] === SECRET_VALUE;
}
