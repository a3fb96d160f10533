import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { LIVE_ALIAS } from "./defaults";
import { ModelInS3Store, ModelStore } from "./modelStore";
import {
    ASSUME_ROLE_POLICY,
    kmsDecryptPolicy,
    logsPolicy,
    modelReadPolicy,
    TRACING_POLICY,
    VPC_ACCESS_POLICY,
} from "./policies";
import { BuildContext, SecuritySettings } from "./resolved";

export interface FunctionRole {
    role: aws.iam.Role;
    /** Every inline policy; the function waits for them so its first cold start has its permissions. */
    policies: aws.iam.RolePolicy[];
}

/**
 * The function's role: trusted only by Lambda, allowed to write to its own
 * log group and to read the one model object. Inline policies keyed by
 * purpose, so adding VPC or tracing never renames another policy.
 */
export function createRole(
    name: string,
    needs: { security: SecuritySettings; vpc: boolean; tracing: boolean },
    deps: { logGroup: aws.cloudwatch.LogGroup; model: ModelStore },
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
    const policy = (id: string, document: pulumi.Input<string>) =>
        new aws.iam.RolePolicy(`${name}-role-${id}`, { role: role.id, policy: document }, { parent });
    const policies = [policy("logs", deps.logGroup.arn.apply(logsPolicy))];
    // A model in the image needs no S3 permission at all.
    if (deps.model.kind === "s3") {
        policies.push(policy("model-read", deps.model.objectArn.apply(modelReadPolicy)));
        // An SSE-KMS model object is readable only with kms:Decrypt on its key (an S3 grant alone gets AccessDenied).
        if (security.kmsKeyArn) {
            policies.push(policy("kms-decrypt", pulumi.output(security.kmsKeyArn).apply(kmsDecryptPolicy)));
        }
    }
    if (needs.vpc) {
        policies.push(policy("vpc-access", VPC_ACCESS_POLICY));
    }
    if (needs.tracing) {
        policies.push(policy("tracing", TRACING_POLICY));
    }
    return { role, policies };
}

/**
 * During a gradual rollout the version still live keeps starting environments,
 * and reads its own model, which a deploy that changed the key no longer
 * covers: the role may also read the object the live version's configuration
 * names. Looked up once the alias exists (so on the first deploy it is the new
 * version's own object), it keeps the version before the shift readable until
 * the next deploy, a rollback included.
 */
export function createLiveModelRead(
    name: string,
    role: FunctionRole,
    deps: { fn: aws.lambda.Function; alias: aws.lambda.Alias; model: ModelInS3Store; account: Account },
    { parent }: BuildContext,
): aws.iam.RolePolicy {
    const liveObjectArn = pulumi
        .all([deps.alias.arn, deps.fn.name, deps.account.partition, deps.model.objectArn])
        .apply(async ([, functionName, partition, currentObjectArn]) => {
            const live = await aws.lambda.getFunction({ functionName, qualifier: LIVE_ALIAS }, { parent });
            const variables = live.environment?.variables ?? {};
            // A live version that reads no S3 object (its model in the image) needs nothing more.
            return variables.MODEL_BUCKET && variables.MODEL_KEY
                ? `arn:${partition}:s3:::${variables.MODEL_BUCKET}/${variables.MODEL_KEY}`
                : currentObjectArn;
        });
    return new aws.iam.RolePolicy(
        `${name}-role-model-read-live`,
        { role: role.role.id, policy: liveObjectArn.apply(modelReadPolicy) },
        { parent },
    );
}
