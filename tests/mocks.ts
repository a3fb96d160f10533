import * as pulumi from "@pulumi/pulumi";

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
export const EXISTING_OBJECT_VERSION = "existing-object-version";

/**
 * Records every resource and invoke, and fills in the outputs AWS and the
 * docker-build provider compute (URLs, ARNs, digests, version ids).
 */
export class RecordingMocks implements pulumi.runtime.Mocks {
    resources: Recorded[] = [];
    calls: { token: string; inputs: any }[] = [];

    reset(): void {
        this.resources = [];
        this.calls = [];
    }

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: any } {
        this.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const physical =
            args.inputs.name ?? (args.inputs.namePrefix ? `${args.inputs.namePrefix}0001` : `${args.name}-1a2b3c`);
        const state: any = { ...args.inputs };
        switch (args.type) {
            case "aws:ecr/repository:Repository":
                Object.assign(state, {
                    name: physical,
                    registryId: ACCOUNT,
                    repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${physical}`,
                    arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${physical}`,
                });
                break;
            case "docker-build:index:Image":
                Object.assign(state, { digest: IMAGE_DIGEST, ref: `${args.inputs.tags[0]}@${IMAGE_DIGEST}` });
                break;
            case "aws:s3/bucket:Bucket":
                Object.assign(state, { bucket: physical, arn: `arn:aws:s3:::${physical}` });
                break;
            case "aws:s3/bucketObjectv2:BucketObjectv2":
                Object.assign(state, { versionId: `version-of-${args.inputs.key}` });
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                Object.assign(state, {
                    name: physical,
                    arn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physical}`,
                });
                break;
            case "aws:iam/role:Role":
                Object.assign(state, { name: physical, arn: `arn:aws:iam::${ACCOUNT}:role/${physical}` });
                break;
            case "aws:lambda/function:Function":
                Object.assign(state, {
                    name: physical,
                    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physical}`,
                    version: args.inputs.publish ? "7" : "$LATEST",
                });
                break;
            case "aws:lambda/alias:Alias":
                Object.assign(state, { arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:fn:${args.inputs.name}` });
                break;
            case "aws:lambda/functionUrl:FunctionUrl":
                Object.assign(state, { functionUrl: "https://abcdefghij.lambda-url.us-east-1.on.aws/" });
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
                    arn: `arn:aws:s3:::${args.inputs.bucket}/${args.inputs.key}`,
                };
            default:
                throw new Error(`unexpected invoke ${args.token}`);
        }
    }
}

export const mocks = new RecordingMocks();
pulumi.runtime.setMocks(mocks, "lambda-inference", "test", false);

/** The resolved value of an Output (undefined if unknown). */
export function valueOf<T>(output: pulumi.Output<T> | undefined): Promise<T> {
    return new Promise((resolve) => (output ? output.apply((v) => resolve(v)) : resolve(undefined as T)));
}

/**
 * Waits until every registration the program started has reached the mock.
 * `waitForRPCs` is what `pulumi up` itself awaits before exiting; it is marked
 * internal, so fail loudly if an SDK upgrade removes it.
 */
export async function settle(): Promise<void> {
    const wait = (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs;
    if (typeof wait !== "function") {
        throw new Error("@pulumi/pulumi no longer exports runtime.waitForRPCs; update tests/mocks.ts");
    }
    await wait();
}

/** Position of a resource in registration order; the engine registers a resource only after its dependencies. */
export function registeredAt(type: string, name: string): number {
    const index = mocks.resources.findIndex((r) => r.type === type && r.name === name);
    if (index < 0) {
        throw new Error(`${type} ${name} was not registered`);
    }
    return index;
}

/** Unwraps a value the mock monitor received as a secret; fails if it was not secret. */
export function secretValue(value: any): any {
    const SECRET_SIG = "4dabf18193072939515e22adb298388d";
    if (!value || value[SECRET_SIG] !== "1b47061264138c4ac30d75fd1eb44270") {
        throw new Error(`expected a secret, got ${JSON.stringify(value)}`);
    }
    return value.value;
}

export function ofType(type: string): Recorded[] {
    return mocks.resources.filter((r) => r.type === type);
}

/** The single resource of a type (and name); fails when there is none or more than one. */
export function one(type: string, name?: string): Recorded {
    const found = ofType(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
    }
    return found[0];
}
