import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ModelStore } from "./modelStore";
import {
    ASSUME_ROLE_POLICY,
    kmsDecryptPolicy,
    logsPolicy,
    modelReadPolicy,
    TRACING_POLICY,
    VPC_ACCESS_POLICY,
} from "./policies";
import { ResolvedArgs } from "./validate";

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
    r: ResolvedArgs,
    deps: { logGroup: aws.cloudwatch.LogGroup; model: ModelStore },
    parent: pulumi.Resource,
): FunctionRole {
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            assumeRolePolicy: ASSUME_ROLE_POLICY,
            permissionsBoundary: r.permissionsBoundary,
            path: r.rolePath,
            tags: r.tags,
        },
        { parent },
    );
    const policy = (id: string, document: pulumi.Input<string>) =>
        new aws.iam.RolePolicy(`${name}-role-${id}`, { role: role.id, policy: document }, { parent });
    const policies = [policy("logs", deps.logGroup.arn.apply(logsPolicy))];
    // A model in the image needs no S3 permission at all.
    if (deps.model.objectArn) {
        policies.push(policy("model-read", deps.model.objectArn.apply(modelReadPolicy)));
    }
    // An SSE-KMS model object is readable only with kms:Decrypt on its key (an S3 grant alone gets AccessDenied).
    if (r.kmsKeyArn && deps.model.objectArn) {
        policies.push(policy("kms-decrypt", pulumi.output(r.kmsKeyArn).apply(kmsDecryptPolicy)));
    }
    if (r.vpc) {
        policies.push(policy("vpc-access", VPC_ACCESS_POLICY));
    }
    if (r.enableTracing) {
        policies.push(policy("tracing", TRACING_POLICY));
    }
    return { role, policies };
}
