import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { ModelStore } from "./modelStore";
import {
    ASSUME_ROLE_POLICY,
    kmsDecryptPolicy,
    logsPolicy,
    modelReadPolicy,
    TRACING_POLICY,
    VPC_ACCESS_POLICY,
} from "./policies";
import { BuildContext, ModelSettings, SecuritySettings } from "./resolved";

/** An inline policy a feature (jobs, data capture) needs on the role before the function is created. */
export interface PolicyNeed {
    id: string;
    document: pulumi.Input<string>;
}

export interface FunctionRole {
    role: aws.iam.Role;
    /** Every inline policy; the function waits for them so its first cold start has its permissions. */
    policies: aws.iam.RolePolicy[];
}

/**
 * A name for the model object's read policy that changes with the object (its bucket and key, as
 * far as they are known now). A new object is then a new policy, created before the function moves
 * to it, and the old one goes only at the end of a deploy that completes: the version still live
 * (during a gradual shift, or after a rollback that failed the deploy) keeps reading its own model.
 * Undefined when the key is only known at deploy time.
 */
export function modelReadId(model: ModelSettings): string | undefined {
    const bucket =
        model.delivery === "existing"
            ? model.bucketName
            : model.delivery === "upload"
              ? (model.adoptedBucket ?? "<the component's bucket>")
              : undefined;
    const key = model.delivery === "image" ? undefined : model.key;
    if (typeof bucket !== "string" || typeof key !== "string") {
        return undefined;
    }
    return crypto.createHash("sha256").update(`${bucket}\0${key}`).digest("hex").slice(0, 8);
}

/**
 * The function's role: trusted only by Lambda, allowed to write to its own
 * log group and to read the one model object, and with a customer-managed
 * key to decrypt only through S3 (that object) and Lambda (its environment).
 * Inline policies keyed by purpose, so adding VPC or tracing never renames
 * another policy.
 */
export function createRole(
    name: string,
    needs: { security: SecuritySettings; model: ModelSettings; vpc: boolean; tracing: boolean },
    deps: { logGroup: aws.cloudwatch.LogGroup; model: ModelStore; account: Account; needs?: PolicyNeed[] },
    { parent, tags }: BuildContext,
): FunctionRole {
    const { security } = needs;
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            assumeRolePolicy: ASSUME_ROLE_POLICY,
            permissionsBoundary: security.permissionsBoundary,
            path: security.rolePath,
            tags,
        },
        { parent },
    );
    const policy = (id: string, document: pulumi.Input<string>, opts: pulumi.CustomResourceOptions = {}) =>
        new aws.iam.RolePolicy(`${name}-role-${id}`, { role: role.id, policy: document }, { parent, ...opts });
    const policies = [policy("logs", deps.logGroup.arn.apply(logsPolicy))];
    const { model } = deps;
    // A model in the image needs no S3 permission at all.
    if (model.kind === "s3") {
        const id = modelReadId(needs.model);
        const document = model.objectArns.apply(modelReadPolicy);
        policies.push(
            id !== undefined
                ? policy(`model-read-${id}`, document)
                : // The object is known only at deploy: replaced (new first, old deleted last) when it changes.
                  policy("model-read", document, { replaceOnChanges: ["policy"], deleteBeforeReplace: false }),
        );
    }
    if (security.kmsKeyArn) {
        const decrypt = pulumi
            .all([
                security.kmsKeyArn,
                deps.account.region,
                model.kind === "s3" ? model.bucketArn : "",
                model.kind === "s3" ? model.objectArns : [],
            ])
            .apply(([key, region, bucketArn, objectArns]) =>
                kmsDecryptPolicy(key, region, bucketArn ? { bucketArn, objectArns } : undefined),
            );
        policies.push(policy("kms-decrypt", decrypt));
    }
    if (needs.vpc) {
        policies.push(policy("vpc-access", VPC_ACCESS_POLICY));
    }
    if (needs.tracing) {
        policies.push(policy("tracing", TRACING_POLICY));
    }
    for (const need of deps.needs ?? []) {
        policies.push(policy(need.id, need.document));
    }
    return { role, policies };
}
