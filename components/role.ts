import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RoleOptions {
    logGroupArn: pulumi.Input<string>;
    modelObjectArn: pulumi.Input<string>;
    enableVpc: boolean;
    enableTracing: boolean;
    tags?: { [key: string]: pulumi.Input<string> };
}

export const ASSUME_ROLE_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
        },
    ],
});

/** A one-statement Allow policy document. */
function allow(sid: string, actions: string[], resource: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: sid, Effect: "Allow", Action: actions, Resource: resource }],
    });
}

export function logsPolicy(logGroupArn: string): string {
    return allow("WriteOwnLogGroup", ["logs:CreateLogStream", "logs:PutLogEvents"], `${logGroupArn}:*`);
}

export function modelReadPolicy(modelObjectArn: string): string {
    return allow("ReadModelObject", ["s3:GetObject", "s3:GetObjectVersion"], modelObjectArn);
}

/** Lambda manages the function's network interfaces; EC2 allows these actions only on "*". */
export const VPC_ACCESS_POLICY = allow(
    "ManageFunctionNetworkInterfaces",
    [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
    ],
    "*",
);

/** X-Ray has no resource-level permissions for writing traces, so "*" is the only resource. */
export const TRACING_POLICY = allow("WriteTraces", ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*");

/**
 * The function's role: trusted only by Lambda, allowed to write to its own
 * log group and to read the one model object. Inline policies keyed by
 * purpose, so adding VPC or tracing never renames another policy.
 */
export function createRole(
    name: string,
    o: RoleOptions,
    parent: pulumi.Resource,
): { role: aws.iam.Role; policies: aws.iam.RolePolicy[] } {
    const role = new aws.iam.Role(`${name}-role`, { assumeRolePolicy: ASSUME_ROLE_POLICY, tags: o.tags }, { parent });
    const policy = (id: string, document: pulumi.Input<string>) =>
        new aws.iam.RolePolicy(`${name}-role-${id}`, { role: role.id, policy: document }, { parent });
    const policies = [
        policy("logs", pulumi.output(o.logGroupArn).apply(logsPolicy)),
        policy("model-read", pulumi.output(o.modelObjectArn).apply(modelReadPolicy)),
    ];
    if (o.enableVpc) {
        policies.push(policy("vpc-access", VPC_ACCESS_POLICY));
    }
    if (o.enableTracing) {
        policies.push(policy("tracing", TRACING_POLICY));
    }
    return { role, policies };
}
